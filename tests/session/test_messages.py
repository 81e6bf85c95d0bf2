"""The message log: every IB code gets a severity and, for the common ones, a plain explanation."""

from ib_async import Stock

from terminal_app import ib_errors
from terminal_app.ib_errors import Severity, describe, farm_name
from terminal_app.session.messages import Message, MessageLog

EXPLAINED = [
    101,
    110,
    162,
    200,
    201,
    202,
    321,
    326,
    354,
    10147,
    10197,
    1100,
    1101,
    1102,
    2103,
    2104,
    2105,
    2106,
    2158,
]


def test_the_common_codes_are_explained_in_plain_language() -> None:
    for code in EXPLAINED:
        info = describe(code)
        assert len(info.explanation) > 20, code


def test_severity_follows_ibs_meaning() -> None:
    for code in (2104, 2106, 2158, 1102, 202):
        assert describe(code).severity is Severity.INFO, code
    for code in (2103, 2105, 1101):
        assert describe(code).severity is Severity.WARNING, code
    # 110: TWS does not accept the order (ib_async calls it a warning): an error for a trader.
    for code in (101, 110, 162, 200, 201, 326, 354, 1100, 10147, 10197):
        assert describe(code).severity is Severity.ERROR, code
    # Unknown codes keep IB's ranges: 21xx are notices, anything else an error.
    assert describe(2199).severity is Severity.WARNING
    assert describe(4242).severity is Severity.ERROR
    assert describe(4242).explanation == ""


def test_farm_name_is_taken_from_the_text() -> None:
    assert farm_name("Market data farm connection is broken:usfarm") == "usfarm"
    assert farm_name("HMDS data farm connection is OK:ushmds ") == "ushmds"
    assert farm_name("no farm here") == ""
    assert ib_errors.MARKET_FARM_BROKEN == 2103


def test_log_records_ib_messages_with_contract_and_notifies() -> None:
    log = MessageLog()
    seen: list[Message] = []
    unsubscribe = log.subscribe(seen.append)
    aapl = Stock("AAPL", "SMART", "USD")
    m = log.add_ib(17, 354, "Requested market data is not subscribed.", aapl)
    assert (m.code, m.req_id, m.severity, m.source) == (354, 17, Severity.ERROR, "IB")
    assert "subscription" in m.explanation
    assert m.contract_text == "AAPL STK SMART USD"
    assert m.time.tzinfo is not None
    app = log.add_app("task failed: ValueError: boom")
    assert (app.code, app.source, app.severity) == (0, "app", Severity.ERROR)
    assert seen == [m, app] and list(log) == [m, app] and log[1] is app
    unsubscribe()
    log.add_app("later")
    assert len(seen) == 2 and len(log) == 3


def test_full_log_drops_oldest_and_counts_them() -> None:
    log = MessageLog(capacity=3)
    for i in range(5):
        log.add_app(f"m{i}")
    assert [m.text for m in log] == ["m2", "m3", "m4"]
    assert log.dropped == 2
