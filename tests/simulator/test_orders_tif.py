"""Time in force and trading sessions, driven by advancing the simulated clock."""

from __future__ import annotations

from ib_async import LimitOrder, MarketOrder, Order

from tests.simulator.test_trading_harness import AAPL, Harness, contract

HOUR = 3600.0


def market(start: str = "2026-11-24 10:00") -> Harness:
    h = Harness(start)
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01)
    return h


def test_day_order_expires_at_the_close() -> None:
    h = market("2026-11-24 15:00")
    oid = h.place(LimitOrder("BUY", 100, 99.00))
    h.advance(0.5 * HOUR)
    assert h.last_status(oid).status == "Submitted"
    h.advance(0.5 * HOUR)  # 16:00 New York
    assert h.last_status(oid).status == "Cancelled"
    assert h.errors(oid)[-1][0] == 202


def test_day_outside_rth_lives_until_the_extended_close_and_fills_there() -> None:
    h = market("2026-11-24 15:00")
    oid = h.place(LimitOrder("BUY", 100, 99.00, outsideRth=True))
    h.advance(2 * HOUR)  # 17:00, after hours
    assert h.last_status(oid).status == "Submitted"
    h.venue.trade(AAPL, 98.90)
    assert h.last_status(oid).status == "Filled"
    other = h.place(LimitOrder("BUY", 100, 99.00, outsideRth=True))
    h.advance(3 * HOUR)  # 20:00
    assert h.last_status(other).status == "Cancelled"


def test_regular_hours_order_waits_presubmitted_before_the_open() -> None:
    h = market("2026-11-24 08:00")
    oid = h.place(LimitOrder("BUY", 100, 100.05))
    assert h.last_status(oid).status == "PreSubmitted" and not h.fills(oid)
    h.venue.trade(AAPL, 99.00)
    assert not h.fills(oid)
    h.advance(1.5 * HOUR)  # 09:30
    assert h.last_status(oid).status == "Filled"


def test_outside_rth_order_fills_pre_market() -> None:
    h = market("2026-11-24 08:00")
    oid = h.place(LimitOrder("BUY", 100, 100.05, outsideRth=True))
    assert h.last_status(oid).status == "Filled"


def test_gtc_survives_the_close_and_works_the_next_day() -> None:
    h = market("2026-11-24 15:30")
    oid = h.place(LimitOrder("BUY", 100, 99.00, tif="GTC"))
    h.advance(HOUR)  # 16:30: out of RTH
    assert h.last_status(oid).status == "PreSubmitted"
    h.advance(17 * HOUR)  # 09:30 next day
    assert h.last_status(oid).status == "Submitted"
    h.venue.trade(AAPL, 98.99)
    assert h.last_status(oid).status == "Filled"


def test_gtd_expires_at_good_till_date() -> None:
    h = market("2026-11-24 10:00")
    oid = h.place(
        LimitOrder("BUY", 100, 99.00, tif="GTD", goodTillDate="20261124 11:00:00 US/Eastern")
    )
    h.advance(0.9 * HOUR)
    assert h.last_status(oid).status == "Submitted"
    h.advance(0.1 * HOUR)
    assert h.last_status(oid).status == "Cancelled"


def test_ioc_fills_what_it_can_and_cancels_the_rest() -> None:
    h = market()
    oid = h.place(LimitOrder("BUY", 500, 100.03, tif="IOC"))
    status = h.last_status(oid)
    assert status.status == "Cancelled" and status.filled == 300


def test_fok_fills_entirely_or_not_at_all() -> None:
    h = market()
    miss = h.place(LimitOrder("BUY", 500, 100.03, tif="FOK"))
    assert h.last_status(miss).status == "Cancelled" and not h.fills(miss)
    hit = h.place(LimitOrder("BUY", 250, 100.03, tif="FOK"))
    assert h.last_status(hit).status == "Filled" and h.last_status(hit).filled == 250


def test_opg_executes_at_the_open_only() -> None:
    h = market("2026-11-24 08:00")
    oid = h.place(MarketOrder("BUY", 100, tif="OPG"))
    assert h.last_status(oid).status == "PreSubmitted"
    h.advance(1.5 * HOUR)
    assert h.last_status(oid).status == "Filled"
    unfilled = h.place(LimitOrder("BUY", 100, 90.00, tif="OPG"))  # during RTH: tomorrow's open
    h.advance(3 * HOUR)
    assert h.last_status(unfilled).status == "PreSubmitted"
    h.advance(21 * HOUR)  # next day 09:30
    assert h.last_status(unfilled).status == "Cancelled" and not h.fills(unfilled)


def test_moc_fills_at_the_close_and_loc_only_within_its_limit() -> None:
    h = market("2026-11-24 15:00")
    moc = h.place(Order(action="SELL", totalQuantity=100, orderType="MOC"))
    loc = h.place(Order(action="BUY", totalQuantity=100, orderType="LOC", lmtPrice=99.00))
    h.venue.trade(AAPL, 100.50)
    assert h.last_status(moc).status == "PreSubmitted" and not h.fills(moc)
    h.advance(HOUR)
    fill = h.fills(moc)[0].execution
    assert fill.price == 100.50 and fill.shares == 100
    assert h.last_status(loc).status == "Cancelled"


def test_futures_trade_overnight_and_forex_around_the_clock() -> None:
    h = Harness("2026-11-24 22:00")
    es = contract("ES", "FUT")
    h.venue.quote(es.conId, 5900.00, 5900.25, tick=0.25, last=5900.25)
    oid = h.place(MarketOrder("BUY", 1), es)
    assert h.last_status(oid).status == "Filled"
    assert h.fills(oid)[0].execution.price == 5900.25


def test_unsupported_combinations_are_rejected() -> None:
    h = Harness()
    es = contract("ES", "FUT")
    h.venue.quote(es.conId, 5900.00, 5900.25, tick=0.25, last=5900.25)
    moc = h.place(Order(action="BUY", totalQuantity=1, orderType="MOC"), es)
    assert h.errors(moc)[0][0] == 387
    opg = h.place(MarketOrder("BUY", 1, tif="OPG"), es)
    assert h.errors(opg)[0][0] == 201
    bad_tif = h.place(MarketOrder("BUY", 1, tif="XYZ"), es)
    assert h.errors(bad_tif)[0][0] == 201
    past = h.place(LimitOrder("BUY", 1, 5000, tif="GTD", goodTillDate="20200101 10:00:00"), es)
    assert "past" in h.errors(past)[0][1]


def test_good_after_time_holds_the_order_until_then() -> None:
    h = market()
    oid = h.place(LimitOrder("BUY", 100, 100.05, goodAfterTime="20261124 10:30:00 US/Eastern"))
    assert h.last_status(oid).status == "PreSubmitted" and not h.fills(oid)
    h.advance(0.5 * HOUR)
    assert h.last_status(oid).status == "Filled"
    bad = h.place(LimitOrder("BUY", 100, 99.00, goodAfterTime="tomorrow"))
    assert h.errors(bad)[0][0] == 201


def test_all_or_none_waits_for_enough_liquidity() -> None:
    h = market()  # 100 @ 100.02, 200 @ 100.03, 300 @ 100.04
    oid = h.place(LimitOrder("BUY", 400, 100.03, allOrNone=True))
    assert h.last_status(oid).status == "Submitted" and not h.fills(oid)
    h.venue.trade(AAPL, 100.03, 300)  # at its limit, but not enough for all of it
    assert not h.fills(oid)
    h.venue.quote(AAPL, 99.99, 100.00, last=100.00, sizes=(100, 200, 300))
    assert [f.execution.shares for f in h.fills(oid)] == [100, 200, 100]
    assert h.last_status(oid).status == "Filled"


def test_market_orders_on_stocks_ignore_outside_rth_with_warning_2109() -> None:
    h = market("2026-11-24 08:00")
    oid = h.place(MarketOrder("BUY", 100, outsideRth=True))
    assert h.errors(oid)[0][0] == 2109
    assert h.last_status(oid).status == "PreSubmitted" and not h.fills(oid)
    h.advance(1.5 * HOUR)
    assert h.last_status(oid).status == "Filled"
    es = contract("ES", "FUT")  # futures keep outsideRth (their session is the full one)
    h.venue.quote(es.conId, 5900.00, 5900.25, tick=0.25, last=5900.25)
    fut = h.place(MarketOrder("BUY", 1, outsideRth=True), es)
    assert not h.errors(fut) and h.last_status(fut).status == "Filled"


def test_an_expired_future_cannot_trade_and_its_working_orders_are_cancelled() -> None:
    h = Harness("2026-12-17 10:00")  # the day before ESZ6's last trade date (18 Dec, 15:00 CT)
    es = contract("ES", "FUT")
    assert es.localSymbol == "ESZ6"
    h.venue.quote(es.conId, 6000.00, 6000.25, tick=0.25, last=6000.00)
    gtc = h.place(LimitOrder("BUY", 1, 5900.00, tif="GTC"), es)
    assert h.last_status(gtc).status == "Submitted"
    h.advance(28 * HOUR)  # 14:00 New York on the 18th: 13:00 CT, still trading
    assert h.last_status(gtc).status == "Submitted"
    h.advance(2 * HOUR)  # 16:00 New York = 15:00 CT: the contract has expired
    assert h.last_status(gtc).status == "Cancelled"
    assert "expired" in h.errors(gtc)[-1][1]
    late = h.place(LimitOrder("BUY", 1, 5900.00), es)
    assert h.errors(late) == [(201, "Order rejected - reason:The contract ES FUT has expired")]
    assert h.fills() == []
