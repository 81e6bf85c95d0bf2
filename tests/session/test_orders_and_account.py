"""Order actions through the session, account/PnL data, and the app error sink."""

import asyncio

import pytest
from ib_async import LimitOrder, MarketOrder, Stock, Trade

from terminal_app.session import BrokerSession, OrderRefused
from terminal_app.tasks import TaskOwner, install_exception_handler
from tests.session import wiretap as wire
from tests.session.wiretap import WireTap
from tests.sim_fixtures import SIM_ACCOUNT
from tests.waiting import wait_until


@pytest.mark.asyncio
async def test_place_modify_cancel_and_global_cancel(
    connected: BrokerSession, tap: WireTap
) -> None:
    aapl = await connected.qualify(Stock("AAPL", "SMART", "USD"))
    changes: list[Trade] = []
    connected.tradeChanged.connect(changes.append)
    trade = connected.place_order(aapl, LimitOrder("BUY", 2, 1.00, tif="GTC"))
    await wait_until(lambda: trade.orderStatus.status == "Submitted")
    trade.order.lmtPrice = 1.01
    assert connected.place_order(aapl, trade.order) is trade  # a modification, same order id
    await wait_until(lambda: tap.count(wire.PLACE_ORDER) == 2)
    connected.cancel_order(trade)
    await wait_until(lambda: trade.orderStatus.status == "Cancelled")
    assert any(m.code == 202 for m in connected.messages)
    with pytest.raises(OrderRefused, match="already Cancelled"):
        connected.place_order(aapl, trade.order)
    assert tap.count(wire.PLACE_ORDER) == 2
    second = connected.place_order(aapl, LimitOrder("SELL", 1, 10_000.00, tif="GTC"))
    await wait_until(lambda: second.orderStatus.status == "Submitted")
    connected.global_cancel()
    await wait_until(lambda: second.orderStatus.status == "Cancelled")
    assert trade in changes and second in changes


@pytest.mark.asyncio
async def test_fills_positions_and_pnl_reach_the_session(connected: BrokerSession) -> None:
    aapl = await connected.qualify(Stock("AAPL", "SMART", "USD"))
    fills: list[object] = []
    positions: list[object] = []
    connected.fillAdded.connect(lambda trade, fill: fills.append(fill))
    connected.positionChanged.connect(positions.append)
    account = connected.pnl()
    single = connected.pnl_single(aapl.conId)
    trade = connected.place_order(aapl, MarketOrder("BUY", 10))
    await wait_until(lambda: trade.orderStatus.status == "Filled")
    await wait_until(lambda: fills and positions)
    assert connected.fills() and any(p.contract.conId == aapl.conId for p in connected.positions())
    await wait_until(lambda: None not in (account.pnl, single.pnl) and not single.stale)
    assert account.pnl is not None and account.pnl.account == SIM_ACCOUNT
    assert any(v.tag == "NetLiquidation" for v in connected.account_values())
    account.release()
    single.release()
    assert connected.line_count() == 0


@pytest.mark.asyncio
async def test_unhandled_task_errors_land_in_the_message_log(session: BrokerSession) -> None:
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    install_exception_handler(loop, session.report_error)
    try:
        owner = TaskOwner("test")

        async def broken() -> None:
            raise ValueError("boom in a slot")

        owner.spawn(broken(), name="refresh")
        await wait_until(lambda: any("boom in a slot" in m.text for m in session.messages))
        message = next(m for m in session.messages if "boom" in m.text)
        assert message.source == "app" and "ValueError" in message.text
    finally:
        loop.set_exception_handler(previous)


@pytest.mark.asyncio
async def test_a_failing_task_of_an_owner_with_a_sink_reaches_it(session: BrokerSession) -> None:
    """How the session owns its tasks: errors go to its message log, no loop handler needed."""
    owner = TaskOwner("session", on_error=session.report_error)

    async def broken() -> None:
        raise ValueError("boom in a resync")

    owner.spawn(broken(), name="resync")
    await wait_until(lambda: any("boom in a resync" in m.text for m in session.messages))
    message = next(m for m in session.messages if "boom" in m.text)
    assert message.source == "app" and message.text.startswith("session task resync failed")
    assert owner.pending == 0
