"""Orders through the protocol layer: what each client hears, with the real ib_async client.

The order engine's own behaviour (types, TIFs, brackets, OCA, algos) is tested in
test_orders*/test_trading*; here: routing of openOrder/orderStatus/execDetails/commissionReport
/errors to the right sessions, start-up replay, whatIf, and ids across reconnects.
"""

from __future__ import annotations

import asyncio

import pytest
from ib_async import IB, Contract, LimitOrder, MarketOrder, Order, OrderState, Stock, Trade

from terminal_app.simulator.gateway import SimulatedGateway
from tests.sim_fixtures import connected_ib, qualified
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio

AAPL = Stock("AAPL", "SMART", "USD")


async def far_limit(ib: IB, contract: Contract, action: str = "BUY") -> Trade:
    [ticker] = await ib.reqTickersAsync(contract)
    price = round(ticker.bid * 0.9, 2) if action == "BUY" else round(ticker.ask * 1.1, 2)
    trade = ib.placeOrder(contract, LimitOrder(action, 10, price))
    await wait_until(lambda: trade.orderStatus.status == "Submitted", 5, trade.orderStatus.status)
    return trade


async def test_limit_order_place_and_cancel(sim_ib: IB) -> None:
    aapl = await qualified(sim_ib, AAPL)
    errors: list[int] = []
    sim_ib.errorEvent += lambda req_id, code, text, contract: errors.append(code)
    trade = await far_limit(sim_ib, aapl)
    assert trade.order.permId > 0
    sim_ib.cancelOrder(trade.order)
    await wait_until(lambda: trade.orderStatus.status == "Cancelled", 5)
    await wait_until(lambda: 202 in errors, 5)
    assert not sim_ib.openTrades()


async def test_market_order_fill_commission_and_position(sim_ib: IB) -> None:
    aapl = await qualified(sim_ib, AAPL)
    reports: list[float] = []
    sim_ib.commissionReportEvent += lambda trade, fill, report: reports.append(report.commission)
    trade = sim_ib.placeOrder(aapl, MarketOrder("BUY", 100))
    await wait_until(lambda: trade.orderStatus.status == "Filled", 5, trade.orderStatus.status)
    await wait_until(lambda: reports, 5, "no commission report")
    assert trade.orderStatus.filled == 100 and trade.orderStatus.avgFillPrice > 0
    assert sum(f.execution.shares for f in trade.fills) == 100
    assert all(r > 0 for r in reports)
    await wait_until(lambda: any(p.contract.conId == aapl.conId for p in sim_ib.positions()), 5)
    await wait_until(
        lambda: any(
            i.contract.conId == aapl.conId and i.position == 100 for i in sim_ib.portfolio()
        ),
        5,
    )
    pnl = sim_ib.reqPnLSingle("DU1234567", "", aapl.conId)
    await wait_until(lambda: pnl.position == 100, 5)


async def test_what_if_margin(sim_ib: IB) -> None:
    aapl = await qualified(sim_ib, AAPL)
    state = await asyncio.wait_for(sim_ib.whatIfOrderAsync(aapl, MarketOrder("BUY", 50)), 5)
    assert float(state.initMarginChange) > 0
    assert state.commission > 0
    assert not sim_ib.openTrades()


async def test_other_clients_see_orders_and_fills(
    sim_ib: IB, sim_gateway: SimulatedGateway
) -> None:
    aapl = await qualified(sim_ib, AAPL)
    working = await far_limit(sim_ib, aapl)
    filled = sim_ib.placeOrder(aapl, MarketOrder("SELL", 5))
    await wait_until(lambda: filled.orderStatus.status == "Filled", 5)
    async with connected_ib(sim_gateway, client_id=2) as other:
        assert not other.openTrades()  # its own open orders at start-up: none
        everyone = await other.reqAllOpenOrdersAsync()
        assert [t.order.permId for t in everyone] == [working.order.permId]
        fills = await other.reqExecutionsAsync()
        assert [f.execution.permId for f in fills] == [filled.order.permId]
        completed = await other.reqCompletedOrdersAsync(apiOnly=False)
        assert filled.order.permId in [t.order.permId for t in completed]


async def test_reconnect_replays_orders_and_ids_keep_growing(
    sim_gateway: SimulatedGateway,
) -> None:
    async with connected_ib(sim_gateway, client_id=5) as ib:
        aapl = await qualified(ib, AAPL)
        trade = await far_limit(ib, aapl)
        used = trade.order.orderId
    async with connected_ib(sim_gateway, client_id=5) as again:
        [replayed] = again.openTrades()
        assert replayed.order.permId == trade.order.permId
        assert replayed.orderStatus.status == "Submitted"
        assert again.client.getReqId() > used


async def test_client_zero_auto_open_orders_sees_other_clients(
    sim_ib: IB, sim_gateway: SimulatedGateway
) -> None:
    async with connected_ib(sim_gateway, client_id=0) as master:
        aapl = await qualified(sim_ib, AAPL)
        trade = await far_limit(sim_ib, aapl)
        await wait_until(
            lambda: any(t.order.permId == trade.order.permId for t in master.openTrades()), 5
        )
        assert sim_gateway.server.by_client_id[0].auto_open_orders
        seen: list[bool] = []  # whatIf flags of every openOrder the master receives
        received = master.wrapper.openOrder

        def record(order_id: int, contract: Contract, order: Order, state: OrderState) -> None:
            seen.append(order.whatIf)
            received(order_id, contract, order, state)

        master.wrapper.openOrder = record  # type: ignore[method-assign, assignment]
        state = await sim_ib.whatIfOrderAsync(aapl, LimitOrder("BUY", 10, 1.0))
        assert float(state.initMarginChange) > 0
        trade.order.lmtPrice = 1.01  # a modification: the master sees that one
        sim_ib.placeOrder(aapl, trade.order)
        await wait_until(lambda: seen, 5)
        assert seen == [False]  # a whatIf answer goes to the asking client only


async def test_rejected_order_is_cancelled_with_its_code(
    sim_ib: IB, sim_gateway: SimulatedGateway
) -> None:
    aapl = await qualified(sim_ib, AAPL)
    errors: list[int] = []
    sim_ib.errorEvent += lambda req_id, code, text, contract: errors.append(code)
    sim_gateway.control.reject_next_orders(1)
    trade = sim_ib.placeOrder(aapl, LimitOrder("BUY", 1, 1.0))
    await wait_until(lambda: trade.orderStatus.status == "Cancelled", 5)
    await wait_until(lambda: 201 in errors, 5)
