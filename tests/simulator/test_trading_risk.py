"""Pre-trade checks, whatIf, commissions and realized PnL, queries, fault injection."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ib_async import ExecutionFilter, LimitOrder, MarketOrder, Order
from ib_async.util import UNSET_DOUBLE

from terminal_app.simulator.trading.events import OpenOrderEvent
from tests.simulator.test_trading_harness import AAPL, Harness, MarketHarness, contract


def market() -> Harness:
    h = Harness()
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01, sizes=(100_000,))
    return h


def test_bad_orders_are_rejected_with_ib_codes() -> None:
    h = market()
    cases = {
        110: LimitOrder("BUY", 100, 100.005),
        387: Order(action="BUY", totalQuantity=100, orderType="BOX TOP"),
        201: LimitOrder("BUY", 0, 100.00),
    }
    for code, order in cases.items():
        oid = h.place(order)
        assert h.errors(oid)[0][0] == code, order
    for order in (
        LimitOrder("BUY", 100.5, 100.00),  # fractional shares
        Order(action="BUY", totalQuantity=100, orderType="LMT"),  # no limit price
        Order(action="BUY", totalQuantity=100, orderType="STP"),  # no stop price
        Order(action="BUY", totalQuantity=100, orderType="TRAIL"),  # no trail amount
        LimitOrder("HOLD", 100, 100.00),
    ):
        oid = h.place(order)
        assert h.errors(oid)[0][0] == 201, order
    wrong_account = h.place(LimitOrder("BUY", 100, 100.00, account="U999"))
    assert "not managed" in h.errors(wrong_account)[0][1]
    spx = contract("SPX", "IND")
    oid = h.place(MarketOrder("BUY", 1), spx)
    assert "cannot be traded" in h.errors(oid)[0][1]
    unknown = h.place(MarketOrder("BUY", 1), contract("AAPL").__class__(conId=1))
    assert h.errors(unknown)[0][0] == 200
    assert not h.engine.open_orders() and not h.fills()


def test_insufficient_buying_power_is_rejected_with_a_clear_message() -> None:
    h = MarketHarness()  # 1M cash; stocks need 25% initial margin: about 4.6M of AAPL
    oid = h.place(MarketOrder("BUY", 20_000))
    code, text = h.errors(oid)[0]
    assert code == 201 and "EQUITY WITH LOAN VALUE" in text and "INITIAL MARGIN" in text
    assert not h.fills()
    ok = h.place(MarketOrder("BUY", 10_000))
    assert h.last_status(ok).status == "Filled"
    again = h.place(MarketOrder("BUY", 10_000))  # now the position itself uses the margin
    assert h.errors(again)[0][0] == 201
    assert h.place(MarketOrder("SELL", 10_000)) and h.ledger.position(AAPL) == 0  # closing is fine


def test_short_selling_stock_is_allowed() -> None:
    h = market()
    oid = h.place(MarketOrder("SELL", 100))
    assert h.last_status(oid).status == "Filled"
    assert h.ledger.position(AAPL) == Decimal(-100)


def test_what_if_reports_margin_and_commission_without_placing() -> None:
    h = MarketHarness()
    quote = h.market.quote(AAPL)
    oid = h.place(LimitOrder("BUY", 1000, quote.bid, whatIf=True))
    (event,) = h.events
    assert isinstance(event, OpenOrderEvent) and event.order.whatIf and event.order_id == oid
    state = event.state
    assert state.initMarginBefore == "0.00" and state.equityWithLoanBefore == "1000000.00"
    assert state.initMarginChange == f"{0.25 * 1000 * quote.last:.2f}"  # the ledger's 25%
    assert state.maintMarginChange == state.initMarginChange
    for value in (state.initMarginAfter, state.maintMarginAfter, state.equityWithLoanChange):
        float(value)  # numeric strings, never empty
    # Bought at the bid, marked at the last trade, less the commission.
    expected_equity = 1_000_000 + 1000 * (quote.last - quote.bid) - 3.70
    assert float(state.equityWithLoanAfter) == pytest.approx(expected_equity, abs=0.01)
    assert (
        state.commission == 3.70 and state.minCommission <= state.commission <= state.maxCommission
    )
    assert not h.engine.open_orders() and not h.fills() and h.ledger.position(AAPL) == 0
    assert state.warningText == ""
    h.place(MarketOrder("BUY", 50_000, whatIf=True))  # too big: numbers plus a warning
    big = h.events[-1]
    assert isinstance(big, OpenOrderEvent) and "Insufficient" in big.state.warningText
    assert float(big.state.initMarginAfter) > float(big.state.equityWithLoanAfter)


def test_commissions_and_realized_pnl_on_closing_fills() -> None:
    h = MarketHarness()
    buy = h.place(MarketOrder("BUY", 1000))
    bought = [(f.execution.shares, f.execution.price) for f in h.fills(buy)]
    opening = [c.report for c in h.commissions()]
    assert len(opening) == len(bought) and all(r.realizedPNL == UNSET_DOUBLE for r in opening)
    # The 0.35 minimum is per order: the executions together pay 1000 × 0.0037.
    assert sum(r.commission for r in opening) == pytest.approx(3.70)
    h.step(600)
    sell = h.place(MarketOrder("SELL", 400))
    sold = [(f.execution.shares, f.execution.price) for f in h.fills(sell)]
    closing = [c.report for c in h.commissions()][len(opening) :]
    # IB's average cost includes the opening commissions.
    avg_cost = (sum(q * p for q, p in bought) + sum(r.commission for r in opening)) / 1000
    for (q, p), report in zip(sold, closing, strict=True):
        assert report.realizedPNL == pytest.approx(q * (p - avg_cost) - report.commission, abs=0.01)
    assert h.ledger.position(AAPL) == 600


def test_futures_and_forex_commissions() -> None:
    h = market()
    es = contract("ES", "FUT")
    h.venue.quote(es.conId, 5900.00, 5900.25, tick=0.25, last=5900.25, sizes=(50,))
    h.place(MarketOrder("BUY", 2), es)
    eur = contract("EUR", "CASH")
    h.venue.quote(eur.conId, 1.08000, 1.08005, tick=0.00005, sizes=(5_000_000,))
    h.place(MarketOrder("BUY", 25_000), eur)
    assert [c.report.commission for c in h.commissions()] == [4.26, 2.00]


def test_queries_open_completed_and_executions_with_filter() -> None:
    h = market()
    msft = contract("MSFT")
    h.venue.quote(msft.conId, 400.00, 400.02, last=400.01, sizes=(10_000,))
    working = h.place(LimitOrder("BUY", 100, 90.00), client_id=1)
    h.place(MarketOrder("BUY", 100), client_id=1)
    h.place(MarketOrder("SELL", 50), msft, client_id=2)
    assert [o.order_id for o, _ in h.engine.open_orders(1)] == [working]
    assert h.engine.open_orders(2) == []
    assert len(h.engine.open_orders()) == 1
    assert [c.state.status for c in h.engine.completed_orders()] == ["Filled", "Filled"]
    everything = h.engine.executions()
    assert len(everything) == 2
    assert [r.contract.symbol for r in h.engine.executions(ExecutionFilter(clientId=2))] == ["MSFT"]
    assert len(h.engine.executions(ExecutionFilter(symbol="aapl"))) == 1
    assert len(h.engine.executions(ExecutionFilter(side="SELL"))) == 1
    assert len(h.engine.executions(ExecutionFilter(secType="FUT"))) == 0
    assert len(h.engine.executions(ExecutionFilter(acctCode="DU1234567"))) == 2
    later = h.engine.executions(ExecutionFilter(time="20261124 10:01:00 US/Eastern"))
    assert later == []


def test_next_order_id_is_above_every_id_used() -> None:
    h = market()
    h.place(LimitOrder("BUY", 100, 90.00, orderId=41), client_id=3)
    assert h.engine.next_order_id(3) == 42 and h.engine.next_order_id(4) == 1


def test_injected_rejections_hit_the_next_n_orders() -> None:
    h = market()
    h.engine.inject_rejections(2, code=201, text="Order rejected - reason:chaos")
    a = h.place(MarketOrder("BUY", 1))
    b = h.place(MarketOrder("BUY", 1))
    c = h.place(MarketOrder("BUY", 1))
    assert h.errors(a) == [(201, "Order rejected - reason:chaos")] and h.errors(b)
    assert h.last_status(c).status == "Filled"


def test_held_order_without_margin_when_released_goes_inactive() -> None:
    h = MarketHarness()
    touch = round(h.market.quote(AAPL).bid - 0.05, 2)
    held = h.place(Order(action="BUY", totalQuantity=10_000, orderType="MIT", auxPrice=touch))
    assert h.last_status(held).status == "PreSubmitted"
    h.place(MarketOrder("BUY", 9_000))  # accepted: pending orders do not reserve margin
    for _ in range(3600):
        if h.last_status(held).status != "PreSubmitted":
            break
        h.step()
    assert h.last_status(held).status == "Inactive"
    code, text = h.errors(held)[-1]
    assert code == 201 and "INITIAL MARGIN" in text
    assert not h.fills(held) and h.ledger.position(AAPL) == 9_000


def test_forex_commission_is_on_the_usd_value() -> None:
    h = market()
    jpy = contract("USD", "CASH")
    assert jpy.currency == "JPY"
    h.venue.quote(jpy.conId, 150.000, 150.005, tick=0.005, sizes=(50_000_000,))
    h.place(MarketOrder("BUY", 20_000_000), jpy)  # 20M USD: 0.2 bp = 400 USD, not 60,000
    assert h.commissions()[-1].report.commission == 400.00


def test_executions_are_the_days_only() -> None:
    """reqExecutions reports today's fills (since midnight New York), as TWS does (issue 19)."""
    h = market()
    h.place(MarketOrder("BUY", 100))
    assert len(h.engine.executions()) == 1
    h.clock.advance(24 * 3600.0)  # Wednesday 10:00
    h.venue.quote(AAPL, 100.00, 100.02, last=100.01, sizes=(100_000,))
    h.place(MarketOrder("SELL", 40))
    assert [r.execution.shares for r in h.engine.executions()] == [40]
    old = ExecutionFilter(time="20261120 09:00:00 US/Eastern")  # cannot widen the day
    assert [r.execution.shares for r in h.engine.executions(old)] == [40]
