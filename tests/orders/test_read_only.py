"""A read-only connection shows the account's working orders, as TWS does, and blocks sending
from every path with the reason (our own gate; ib_async's read-only connect skips the open
orders, so without asking for them explicitly the terminal would show none)."""

from decimal import Decimal

import pytest
from ib_async import IB, LimitOrder, Stock

from terminal_app.orders.intent import OrderIntent, OrderType, Side
from terminal_app.orders.states import State
from terminal_app.session import BrokerSession, OrderRefused
from terminal_app.simulator.gateway import SimulatedGateway
from tests.orders.conftest import open_desk
from tests.session import wiretap as wire
from tests.session.wiretap import WireTap
from tests.sim_fixtures import qualified
from tests.waiting import wait_until


@pytest.mark.asyncio
async def test_read_only_shows_working_orders_and_blocks_sending(
    session: BrokerSession, sim_gateway: SimulatedGateway, sim_ib: IB
) -> None:
    aapl = await qualified(sim_ib, Stock("AAPL", "SMART", "USD"))
    elsewhere = sim_ib.placeOrder(aapl, LimitOrder("BUY", 7, 1.00, tif="GTC"))
    await wait_until(lambda: elsewhere.orderStatus.status == "Submitted")
    async with WireTap(sim_gateway.port) as tap:
        desk = await open_desk(session, tap, read_only=True)
        try:
            await wait_until(lambda: session.open_trades())
            [working] = session.open_trades()
            assert working.order.permId == elsewhere.order.permId
            book = desk.service.book.book(aapl.conId)
            await wait_until(lambda: book.working())
            assert book.working()[0].state is State.SUBMITTED
            assert book.working()[0].remaining == Decimal(7)

            quote = await desk.live_quote()
            intent = OrderIntent(Side.BUY, Decimal(1), OrderType.LMT, limit_price=Decimal(1))
            reason = "Read-only connection: orders are disabled"
            with pytest.raises(OrderRefused, match=reason):
                desk.service.submit(aapl, intent, quote, confirmed=True)
            with pytest.raises(OrderRefused, match=reason):
                desk.service.submit_oca([(aapl, intent, quote)], 1, confirmed=True)
            with pytest.raises(OrderRefused, match=reason):
                await desk.service.what_if(aapl, intent, quote)
            with pytest.raises(OrderRefused, match=reason):
                desk.service.cancel(working)
            with pytest.raises(OrderRefused, match=reason):
                session.global_cancel()
            assert tap.count(wire.PLACE_ORDER) == tap.count(wire.CANCEL_ORDER) == 0
        finally:
            desk.handle.release()
            await session.close_connection()
