"""Order types, fills against the book, lifecycle statuses, cancel and modify."""

from __future__ import annotations

from decimal import Decimal

from ib_async import LimitOrder, MarketOrder, Order, StopLimitOrder, StopOrder

from tests.simulator.test_trading_harness import AAPL, Harness


def quoted(bid: float = 100.00, ask: float = 100.02) -> Harness:
    h = Harness()
    h.venue.quote(AAPL, bid, ask, last=100.01)
    return h


def test_market_order_walks_the_book_with_partial_fills_at_several_prices() -> None:
    h = quoted()
    oid = h.place(MarketOrder("BUY", 250))
    fills = h.fills(oid)
    assert [(f.execution.shares, f.execution.price) for f in fills] == [
        (100, 100.02),
        (150, 100.03),
    ]
    final = h.last_status(oid)
    assert final.status == "Filled" and final.filled == 250 and final.remaining == 0
    assert final.avg_fill_price == (100 * 100.02 + 150 * 100.03) / 250
    assert final.last_fill_price == 100.03
    assert fills[-1].execution.cumQty == 250 and fills[-1].execution.side == "BOT"
    assert h.ledger.position(AAPL) == Decimal(250)
    # TWS sequence: accepted, working, then fills, then the final openOrder and commissions.
    assert h.statuses(oid)[:2] == ["PreSubmitted", "Submitted"]
    assert len(h.commissions()) == 2


def test_marketable_limit_fills_up_to_its_price_and_rests_the_rest() -> None:
    h = quoted()
    oid = h.place(LimitOrder("BUY", 500, 100.03))
    assert [f.execution.price for f in h.fills(oid)] == [100.02, 100.03]
    status = h.last_status(oid)
    assert status.status == "Submitted" and status.filled == 300 and status.remaining == 200


def test_resting_limit_fills_when_the_market_trades_through_it() -> None:
    h = quoted()
    oid = h.place(LimitOrder("BUY", 300, 99.95))
    assert h.last_status(oid).status == "Submitted" and not h.fills(oid)
    h.venue.trade(AAPL, 99.95, 100)  # at the limit: up to the printed size
    assert [f.execution.shares for f in h.fills(oid)] == [100]
    h.venue.trade(AAPL, 99.94, 10)  # through it: everything left, at the limit
    assert [(f.execution.shares, f.execution.price) for f in h.fills(oid)][-1] == (200, 99.95)
    assert h.last_status(oid).status == "Filled"


def test_sell_limit_above_market_waits_then_fills_when_bid_crosses() -> None:
    h = quoted()
    oid = h.place(LimitOrder("SELL", 100, 100.10))
    assert not h.fills(oid)
    h.venue.quote(AAPL, 100.12, 100.14)
    assert h.fills(oid)[0].execution.price == 100.12  # price improvement from the book
    assert h.last_status(oid).status == "Filled"


def test_stop_waits_presubmitted_then_triggers_on_last() -> None:
    h = quoted()
    oid = h.place(StopOrder("SELL", 100, 99.50))
    assert h.last_status(oid).status == "PreSubmitted"
    h.venue.quote(AAPL, 99.49, 99.51)  # bid/ask through the stop: stocks trigger on last only
    assert not h.fills(oid)
    h.venue.trade(AAPL, 99.50)
    assert h.fills(oid)[0].execution.price == 99.49
    assert h.statuses(oid)[-2:] == ["Submitted", "Filled"]


def test_double_trigger_methods_need_two_fresh_prices_not_one_seen_twice() -> None:
    h = quoted()
    double_last = h.place(StopOrder("SELL", 100, 99.50, triggerMethod=3))
    double_bid_ask = h.place(StopOrder("SELL", 100, 99.40, triggerMethod=1))
    h.venue.trade(AAPL, 99.50)
    h.advance(1)  # the timer re-evaluates the same last price: still one observation
    assert h.last_status(double_last).status == "PreSubmitted"
    h.venue.trade(AAPL, 99.55)  # not through: the count starts again
    h.venue.trade(AAPL, 99.50)
    h.advance(1)
    assert not h.fills(double_last)
    h.venue.trade(AAPL, 99.45)
    assert h.last_status(double_last).status == "Filled"
    h.venue.quote(AAPL, 99.40, 99.42)  # one bid at the stop, seen again by the timer
    h.advance(1)
    assert h.last_status(double_bid_ask).status == "PreSubmitted"
    h.venue.quote(AAPL, 99.39, 99.41)
    assert h.last_status(double_bid_ask).status == "Filled"


def test_stop_limit_becomes_a_limit_when_triggered() -> None:
    h = quoted()
    oid = h.place(StopLimitOrder("BUY", 100, lmtPrice=100.55, stopPrice=100.50))
    h.venue.quote(AAPL, 100.58, 100.60)
    h.venue.trade(AAPL, 100.50)
    assert not h.fills(oid)  # triggered, but the ask is above the limit
    assert h.last_status(oid).status == "Submitted"
    h.venue.quote(AAPL, 100.53, 100.55)
    assert h.fills(oid)[0].execution.price == 100.55


def test_mit_and_lit_fire_when_touched() -> None:
    h = quoted()
    mit = h.place(Order(action="BUY", totalQuantity=100, orderType="MIT", auxPrice=99.80))
    lit = h.place(
        Order(action="SELL", totalQuantity=100, orderType="LIT", auxPrice=100.30, lmtPrice=100.25)
    )
    assert (
        h.last_status(mit).status == "PreSubmitted" and h.last_status(lit).status == "PreSubmitted"
    )
    h.venue.quote(AAPL, 99.78, 99.80)
    h.venue.trade(AAPL, 99.80)
    assert h.last_status(mit).status == "Filled" and h.fills(mit)[0].execution.price == 99.80
    assert not h.fills(lit)
    h.venue.quote(AAPL, 100.29, 100.31)
    h.venue.trade(AAPL, 100.30)
    assert h.fills(lit)[0].execution.price == 100.29


def test_forex_stop_triggers_on_bid_ask() -> None:
    from tests.simulator.test_trading_harness import contract

    h = Harness()
    eur = contract("EUR", "CASH")
    h.venue.quote(eur.conId, 1.08000, 1.08005, tick=0.00005, sizes=(1_000_000, 2_000_000))
    oid = h.place(StopOrder("BUY", 20_000, 1.08100), eur)
    h.venue.quote(eur.conId, 1.08095, 1.08100, tick=0.00005, sizes=(1_000_000,))
    assert h.fills(oid)[0].execution.price == 1.081


def test_cancel_sends_cancelled_then_202_and_cancel_again_gives_10148() -> None:
    h = quoted()
    oid = h.place(LimitOrder("BUY", 100, 99.00))
    h.engine.cancel(1, oid)
    assert h.last_status(oid).status == "Cancelled"
    assert h.errors(oid)[-1][0] == 202
    h.engine.cancel(1, oid)
    assert h.errors(oid)[-1][0] == 10148
    h.engine.cancel(1, 999)
    assert h.errors(999) == [(10147, "OrderId 999 that needs to be cancelled is not found.")]


def test_cancel_of_a_filled_order_is_refused() -> None:
    h = quoted()
    oid = h.place(MarketOrder("BUY", 10))
    h.engine.cancel(1, oid)
    code, text = h.errors(oid)[-1]
    assert code == 10148 and "Filled" in text


def test_modify_price_and_quantity_by_resending_the_id() -> None:
    h = quoted()
    oid = h.place(LimitOrder("BUY", 100, 99.00))
    perm = h.last_status(oid).perm_id
    h.place(LimitOrder("BUY", 400, 99.50, orderId=oid))
    opened = h.open_orders(oid)[-1]
    assert opened.order.lmtPrice == 99.50 and opened.order.totalQuantity == 400
    assert opened.order.permId == perm
    # Now marketable: fills against the book.
    h.place(LimitOrder("BUY", 400, 100.03, orderId=oid))
    assert h.last_status(oid).filled == 300
    assert h.last_status(oid).perm_id == perm


def test_modify_type_lmt_to_mkt_and_bad_modifications() -> None:
    h = quoted()
    oid = h.place(LimitOrder("BUY", 100, 99.00))
    h.place(LimitOrder("SELL", 100, 99.00, orderId=oid))
    assert h.errors(oid)[-1][0] == 105  # the side cannot change
    h.place(LimitOrder("BUY", 100, 99.001, orderId=oid))
    assert h.errors(oid)[-1][0] == 110  # off tick: the order keeps its old price
    assert h.last_status(oid).status == "Submitted"
    h.place(MarketOrder("BUY", 100, orderId=oid))
    assert h.last_status(oid).status == "Filled"
    h.place(LimitOrder("BUY", 100, 99.00, orderId=oid))
    assert h.errors(oid)[-1][0] == 103  # a finished order's id cannot be reused


def test_a_refused_modification_keeps_the_trailing_stop_where_it_was() -> None:
    h = quoted()
    trail = Order(action="SELL", totalQuantity=100, orderType="TRAIL", auxPrice=0.50)
    oid = h.place(trail)
    h.venue.trade(AAPL, 101.00)  # the stop ratchets up to 100.50
    h.venue.trade(AAPL, 100.70)
    # A new trail amount and a short far beyond buying power: refused, nothing changes.
    h.place(
        Order(orderId=oid, action="SELL", totalQuantity=100_000, orderType="TRAIL", auxPrice=0.60)
    )
    assert h.errors(oid)[-1][0] == 201
    assert h.last_status(oid).status == "PreSubmitted"
    h.venue.trade(AAPL, 100.45)  # through the 100.50 stop (not through one restarted at 100.70)
    assert h.last_status(oid).status == "Filled"


def test_duplicate_id_for_a_different_contract_is_103() -> None:
    from tests.simulator.test_trading_harness import contract

    h = quoted()
    oid = h.place(LimitOrder("BUY", 100, 99.00))
    h.place(LimitOrder("BUY", 100, 99.00, orderId=oid), contract("MSFT"))
    assert h.errors(oid)[-1][0] == 103


def test_global_cancel_cancels_every_client() -> None:
    h = quoted()
    a = h.place(LimitOrder("BUY", 100, 99.00), client_id=1)
    b = h.place(LimitOrder("SELL", 100, 101.00), client_id=2)
    h.engine.global_cancel()
    assert h.last_status(a).status == "Cancelled" and h.last_status(b).status == "Cancelled"
    assert not h.engine.open_orders()


def test_rel_and_peg_mid_follow_the_quote() -> None:
    h = quoted()
    rel = h.place(
        Order(action="BUY", totalQuantity=100, orderType="REL", auxPrice=0.01, lmtPrice=100.5)
    )
    peg = h.place(Order(action="SELL", totalQuantity=100, orderType="PEG MID", auxPrice=0.0))
    assert not h.fills(rel) and not h.fills(peg)
    h.venue.trade(AAPL, 100.00)  # below the REL buy's bid + 0.01 = 100.01
    assert h.fills(rel)[0].execution.price == 100.01
    h.venue.trade(AAPL, 100.02)  # above the midpoint 100.01
    assert h.fills(peg)[0].execution.price == 100.01


def test_trailing_stop_ratchets_with_favourable_prices_and_never_back() -> None:
    h = quoted()
    oid = h.place(Order(action="SELL", totalQuantity=100, orderType="TRAIL", auxPrice=0.50))
    h.venue.trade(AAPL, 100.00)
    stops = []
    for price in (100.20, 100.60, 100.40, 100.15, 100.90, 100.70):
        h.venue.trade(AAPL, price)
        stops.append(h.engine.open_orders()[0][0].order.trailStopPrice)
    assert stops == [99.70, 100.10, 100.10, 100.10, 100.40, 100.40]
    assert not h.fills(oid)
    h.venue.quote(AAPL, 100.38, 100.40)
    h.venue.trade(AAPL, 100.40)
    assert h.fills(oid)[0].execution.price == 100.38


def test_trailing_percent_buy_and_trail_limit_offset() -> None:
    h = quoted()
    oid = h.place(
        Order(
            action="BUY",
            totalQuantity=100,
            orderType="TRAIL LIMIT",
            trailingPercent=1.0,
            lmtPriceOffset=0.05,
            trailStopPrice=101.50,
        )
    )
    h.venue.trade(AAPL, 100.00)  # 1% above 100.00 is 101.00: the stop comes down from 101.50
    assert h.engine.open_orders()[0][0].order.trailStopPrice == 101.00
    h.venue.trade(AAPL, 100.50)  # never moves away from the market
    assert h.engine.open_orders()[0][0].order.trailStopPrice == 101.00
    h.venue.quote(AAPL, 101.02, 101.04)
    h.venue.trade(AAPL, 101.00)  # triggered: limit = stop + 0.05 = 101.05
    assert [f.execution.price for f in h.fills(oid)] == [101.04]


def test_prices_an_order_type_does_not_use_are_ignored() -> None:
    """Some clients send lmtPrice 0 with a MKT order; a REL with limit 0 has no cap."""
    h = quoted()
    mkt = h.place(
        Order(action="BUY", totalQuantity=10, orderType="MKT", lmtPrice=0.0, auxPrice=0.0)
    )
    assert h.last_status(mkt).status == "Filled"
    rel = h.place(
        Order(action="BUY", totalQuantity=10, orderType="REL", lmtPrice=0.0, auxPrice=0.0)
    )
    assert not h.errors(rel) and h.last_status(rel).status == "Submitted"
    h.venue.trade(AAPL, 99.99)
    assert h.fills(rel)[0].execution.price == 100.00  # pegged to the bid, no cap


def test_liquidity_taken_stays_taken_until_the_book_changes() -> None:
    h = quoted()  # 100 @ 100.02, 200 @ 100.03
    first = h.place(MarketOrder("BUY", 100))
    second = h.place(MarketOrder("BUY", 100))
    assert h.fills(first)[0].execution.price == 100.02
    assert h.fills(second)[0].execution.price == 100.03
    h.venue.quote(AAPL, 100.00, 100.02, last=100.02, sizes=(500, 500))  # a new book
    third = h.place(MarketOrder("BUY", 100))
    assert h.fills(third)[0].execution.price == 100.02


def test_a_print_at_the_limit_fills_resting_orders_in_time_priority() -> None:
    h = quoted()
    early = h.place(LimitOrder("BUY", 100, 99.95))
    late = h.place(LimitOrder("BUY", 100, 99.95))
    h.venue.trade(AAPL, 99.95, 150)
    assert h.last_status(early).filled == 100 and h.last_status(late).filled == 50
    h.venue.trade(AAPL, 99.90, 10)  # through the limit: everyone resting there fills
    assert h.last_status(late).status == "Filled"


def test_trail_limit_with_an_initial_limit_keeps_its_distance_to_the_stop() -> None:
    h = quoted()
    oid = h.place(
        Order(
            action="SELL",
            totalQuantity=100,
            orderType="TRAIL LIMIT",
            auxPrice=0.50,
            trailStopPrice=99.50,
            lmtPrice=99.40,
        )
    )
    h.venue.trade(AAPL, 100.60)  # the stop follows to 100.10; the limit to 100.00
    assert h.engine.open_orders()[0][0].order.trailStopPrice == 100.10
    h.venue.quote(AAPL, 99.95, 99.97)
    h.venue.trade(AAPL, 100.05)
    assert not h.fills(oid)  # triggered, but the bid is below the trailing limit
    h.venue.quote(AAPL, 100.00, 100.02)
    assert h.fills(oid)[0].execution.price == 100.00
