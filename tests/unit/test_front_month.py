from datetime import date

from ib_async import Contract

from terminal_app.front_month import front_month


def _fut(expiry: str, sec_type: str = "FUT") -> Contract:
    return Contract(secType=sec_type, symbol="ES", lastTradeDateOrContractMonth=expiry)


def test_nearest_unexpired_wins() -> None:
    listed = [_fut("20270319"), _fut("20261218"), _fut("20260918"), _fut("20270618")]
    front = front_month(listed, date(2026, 11, 24))
    assert front is not None and front.lastTradeDateOrContractMonth == "20261218"
    assert front_month(listed, date(2026, 12, 18)) == listed[1]  # expiry day still trades
    assert front_month(listed, date(2027, 7, 1)) is None


def test_month_only_expiries_and_other_types() -> None:
    listed = [_fut("202612"), _fut("20261201", sec_type="OPT")]
    front = front_month(listed, date(2026, 12, 20))
    assert front is not None and front.lastTradeDateOrContractMonth == "202612"
