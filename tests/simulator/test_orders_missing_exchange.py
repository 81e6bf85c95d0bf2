"""An order or whatIf on a contract without an exchange gets TWS's validation error 321 with its
own id, and no order is placed (issue 19: the gateway answered 200)."""

from __future__ import annotations

import asyncio

import pytest
from ib_async import IB, LimitOrder, Stock

from terminal_app.simulator.gateway import SimulatedGateway
from tests.sim_fixtures import qualified


async def _error_for(ib: IB, req_id: int) -> tuple[int, str]:
    future: asyncio.Future[tuple[int, str]] = asyncio.get_running_loop().create_future()

    def on_error(rid: int, code: int, text: str, *_: object) -> None:
        if rid == req_id and not future.done():
            future.set_result((code, text))

    ib.errorEvent += on_error
    return await asyncio.wait_for(future, 2)


@pytest.mark.asyncio
async def test_order_and_what_if_without_exchange_get_321(
    sim_gateway: SimulatedGateway, sim_ib: IB
) -> None:
    aapl = await qualified(sim_ib, Stock("AAPL", "SMART", "USD"))
    aapl.exchange = ""
    trade = sim_ib.placeOrder(aapl, LimitOrder("BUY", 1, 100.0))
    code, text = await _error_for(sim_ib, trade.order.orderId)
    assert (code, text.endswith("Missing order exchange")) == (321, True)
    assert trade.orderStatus.status == "ValidationError"  # ib_async's reading of a 321

    what_if_id = sim_ib.client._reqIdSeq  # the id whatIfOrderAsync is about to take
    what_if = asyncio.ensure_future(sim_ib.whatIfOrderAsync(aapl, LimitOrder("BUY", 1, 100.0)))
    code, _ = await _error_for(sim_ib, what_if_id)
    assert code == 321
    what_if.cancel()  # ib_async treats 321 as a warning and keeps waiting, as against TWS
    assert list(sim_gateway.engine.open_orders(None)) == []
