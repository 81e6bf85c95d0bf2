"""The order engine on the simulator's real `Market`: real books, prints, sessions and volume.

These tests state properties that must hold on any seeded path, then step the market second by
second (frozen clock, no real time) until the order has done its thing.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from ib_async import LimitOrder, MarketOrder, Order, StopOrder, TagValue

from terminal_app.simulator.market import MarketEvent, QuoteChange, Trade
from terminal_app.simulator.trading.adapters import MarketVenue
from tests.simulator.test_trading_harness import AAPL, MarketHarness, contract


def prints_of(h: MarketHarness, con_id: int) -> list[Trade]:
    seen: list[Trade] = []

    def keep(event: MarketEvent) -> None:
        if isinstance(event, Trade):
            seen.append(event)

    h.market.subscribe(con_id, keep)
    return seen


def step_until(h: MarketHarness, done: Callable[[], bool], limit: int = 4 * 3600) -> int:
    for second in range(limit):
        if done():
            return second
        h.step()
    raise AssertionError(f"nothing happened in {limit} simulated seconds")


def test_market_order_walks_the_real_book() -> None:
    h = MarketHarness()
    bids, asks = h.market.depth(AAPL, 20)
    want = int(asks[0].size + asks[1].size + 100)
    oid = h.place(MarketOrder("BUY", want))
    fills = [(f.execution.shares, f.execution.price) for f in h.fills(oid)]
    assert fills == [
        (asks[0].size, asks[0].price),
        (asks[1].size, asks[1].price),
        (100, asks[2].price),
    ]
    status = h.last_status(oid)
    assert status.status == "Filled" and status.filled == want
    expected_avg = sum(q * p for q, p in fills) / want
    assert abs(status.avg_fill_price - expected_avg) < 1e-9
    sell = h.place(MarketOrder("SELL", 50))
    assert h.fills(sell)[0].execution.price == bids[0].price


def test_resting_limit_fills_only_once_the_market_reaches_it() -> None:
    h = MarketHarness()
    seen: list[MarketEvent] = []
    h.market.subscribe(AAPL, seen.append)
    limit = round(h.market.quote(AAPL).bid - 0.05, 2)
    oid = h.place(LimitOrder("BUY", 100, limit))
    step_until(h, lambda: h.last_status(oid).status == "Filled")
    fill = h.fills(oid)[0].execution
    assert fill.price <= limit
    # The fill is stamped with the time of the event that reached the limit (to the millisecond).
    reached = next(
        e.time
        for e in seen
        if (isinstance(e, Trade) and e.price <= limit)
        or (isinstance(e, QuoteChange) and e.ask <= limit)
    )
    assert fill.time.timestamp() == reached
    assert not any(f.execution.time.timestamp() < reached for f in h.fills(oid))


def test_stop_triggers_on_the_first_print_through_it() -> None:
    h = MarketHarness()
    prints = prints_of(h, AAPL)
    stop = round(h.market.quote(AAPL).bid - 0.10, 2)
    oid = h.place(StopOrder("SELL", 100, stop))
    step_until(h, lambda: h.last_status(oid).status == "Filled")
    trigger = next(p for p in prints if p.price <= stop)
    assert h.fills(oid)[0].execution.time.timestamp() == trigger.time


def test_trailing_stop_on_the_real_path_only_ratchets_up() -> None:
    h = MarketHarness()
    prints = prints_of(h, AAPL)
    oid = h.place(Order(action="SELL", totalQuantity=100, orderType="TRAIL", auxPrice=0.25))
    stops: list[float] = []
    while h.last_status(oid).status != "Filled":
        opened = h.engine.open_orders()
        if opened:
            stops.append(float(opened[0][0].order.trailStopPrice))
        h.step()
        assert len(stops) < 4 * 3600
    assert stops == sorted(stops) and len(set(stops)) > 1  # moved, and never back
    assert stops[-1] <= round(max(p.price for p in prints) - 0.25, 2) + 1e-9
    assert h.fills(oid)[0].execution.price <= stops[-1]


def test_day_order_expires_at_the_real_session_close() -> None:
    h = MarketHarness("2026-11-24 15:59")
    oid = h.place(LimitOrder("BUY", 100, 1.00))
    h.step(59)
    assert h.last_status(oid).status == "Submitted"
    h.step(2)
    assert h.last_status(oid).status == "Cancelled"


def test_bracket_on_the_real_path_ends_flat_with_one_exit() -> None:
    h = MarketHarness()
    ask = h.market.quote(AAPL).ask
    parent = h.place(LimitOrder("BUY", 100, ask, transmit=False))
    tp = h.place(LimitOrder("SELL", 100, round(ask + 0.15, 2), parentId=parent, transmit=False))
    sl = h.place(StopOrder("SELL", 100, round(ask - 0.15, 2), parentId=parent))
    assert h.last_status(parent).status == "Filled"
    step_until(
        h, lambda: h.last_status(tp).status == "Filled" or h.last_status(sl).status == "Filled"
    )
    statuses = {h.last_status(tp).status, h.last_status(sl).status}
    assert statuses == {"Filled", "Cancelled"}
    assert h.ledger.position(AAPL) == Decimal(0)


def test_twap_on_the_real_market() -> None:
    h = MarketHarness()
    oid = h.place(
        Order(
            action="BUY",
            totalQuantity=2000,
            orderType="MKT",
            algoStrategy="Twap",
            algoParams=[TagValue("endTime", "10:20:00 US/Eastern")],
        )
    )
    h.step(600)
    assert 900 <= h.last_status(oid).filled <= 1100
    h.step(600)
    assert h.last_status(oid).status == "Filled" and len(h.fills(oid)) >= 20


def test_vwap_tracks_the_markets_volume_profile() -> None:
    h = MarketHarness("2026-11-24 09:30")
    venue = MarketVenue(h.market)
    oid = h.place(
        Order(
            action="BUY",
            totalQuantity=4000,
            orderType="MKT",
            algoStrategy="Vwap",
            algoParams=[TagValue("endTime", "11:30:00 US/Eastern")],
        )
    )
    start = h.clock.now()
    end = start.replace(hour=start.hour + 2)
    h.step(1800)
    expected = venue.volume_fraction(AAPL, start, end, h.clock.now())
    assert expected > 0.25  # the opening half hour of a U-shaped day is heavy
    filled = h.last_status(oid).filled / 4000
    assert abs(filled - expected) < 0.01


def test_futures_fill_in_the_overnight_session_with_multiplier_sized_commission() -> None:
    h = MarketHarness("2026-11-24 20:00")
    es = contract("ES", "FUT")
    oid = h.place(MarketOrder("BUY", 3), es)
    assert h.last_status(oid).status == "Filled"
    fills = h.fills(oid)
    assert sum(f.execution.shares for f in fills) == 3
    assert [c.report.commission for c in h.commissions()] == [
        round(2.13 * f.execution.shares, 2) for f in fills
    ]
    (position,) = h.ledger.positions()
    assert position.position == 3 and position.contract.conId == es.conId
    paid = sum(f.execution.shares * f.execution.price for f in fills)
    # TWS's average cost of a future: price × multiplier, plus the commission per contract.
    assert position.avgCost == pytest.approx((paid * 50 + 6.39) / 3)


def test_ioc_and_fok_against_the_real_book() -> None:
    h = MarketHarness()
    _, asks = h.market.depth(AAPL, 20)
    top = int(asks[0].size)
    ioc = h.place(LimitOrder("BUY", top + 100, asks[0].price, tif="IOC"))
    assert h.last_status(ioc).status == "Cancelled" and h.last_status(ioc).filled == top
    fok = h.place(LimitOrder("BUY", 10 * top, asks[0].price, tif="FOK"))
    assert h.last_status(fok).status == "Cancelled" and not h.fills(fok)


def test_moc_fills_at_the_real_close_and_opg_at_the_next_open() -> None:
    h = MarketHarness("2026-11-24 15:59")
    moc = h.place(Order(action="BUY", totalQuantity=100, orderType="MOC"))
    opg = h.place(MarketOrder("SELL", 100, tif="OPG"))
    h.step(59)
    assert h.last_status(moc).status == "PreSubmitted"
    h.step(2)
    assert h.last_status(moc).status == "Filled"
    assert h.fills(moc)[0].execution.price == h.market.quote(AAPL).last
    assert h.last_status(opg).status == "PreSubmitted"
    h.jump(17.5 * 3600 - 2)  # from 16:00:01 to 09:29:59 next morning
    h.step(2)
    assert h.last_status(opg).status == "Filled" and h.ledger.position(AAPL) == 0


def test_gtc_order_rests_overnight_on_the_real_calendar() -> None:
    h = MarketHarness("2026-11-24 15:59")
    oid = h.place(LimitOrder("BUY", 100, 1.00, tif="GTC"))
    h.step(120)
    assert h.last_status(oid).status == "PreSubmitted"  # after the close, RTH only
    h.jump(17.5 * 3600 - 61)  # from 16:01 to 09:29:59 next morning
    assert h.last_status(oid).status == "PreSubmitted"
    h.step(2)
    assert h.last_status(oid).status == "Submitted"


def test_oca_group_on_the_real_market_fills_once() -> None:
    h = MarketHarness()
    msft = contract("MSFT")
    a_bid, m_bid = h.market.quote(AAPL).bid, h.market.quote(msft.conId).bid
    a = h.place(LimitOrder("BUY", 100, round(a_bid - 0.05, 2), ocaGroup="pair", ocaType=1))
    m = h.place(LimitOrder("BUY", 100, round(m_bid - 0.05, 2), ocaGroup="pair", ocaType=1), msft)
    step_until(h, lambda: bool(h.fills(a) or h.fills(m)))
    statuses = sorted([h.last_status(a).status, h.last_status(m).status])
    assert statuses[0] == "Cancelled" and statuses[1] in ("Filled", "Submitted")
    h.step(600)
    assert len({f.execution.orderId for f in h.fills()}) == 1


def test_pegged_and_adaptive_orders_on_the_real_market() -> None:
    h = MarketHarness()
    mid = h.place(Order(action="BUY", totalQuantity=100, orderType="PEG MID", auxPrice=0.0))
    rel = h.place(Order(action="SELL", totalQuantity=100, orderType="REL", auxPrice=0.0))
    adaptive = h.place(
        Order(
            action="BUY",
            totalQuantity=100,
            orderType="MKT",
            algoStrategy="Adaptive",
            algoParams=[TagValue("adaptivePriority", "Urgent")],
        )
    )
    assert h.last_status(adaptive).status == "Filled"  # urgent: crosses the spread at once
    assert not h.fills(mid) and not h.fills(rel)  # pegged orders rest passively
    step_until(h, lambda: bool(h.fills(mid) and h.fills(rel)))
    assert h.last_status(mid).status == "Filled" and h.last_status(rel).status == "Filled"


def test_global_cancel_on_the_real_market() -> None:
    h = MarketHarness()
    ids = [h.place(LimitOrder("BUY", 100, 1.00 + i / 100)) for i in range(5)]
    h.engine.global_cancel()
    assert all(h.last_status(i).status == "Cancelled" for i in ids)
    assert all(h.errors(i)[-1][0] == 202 for i in ids)
    assert h.market.watched() == []  # nothing left to watch
