"""Orders the gateway acknowledged are there after a restart (issue 12, items 1 and 2).

Over real sockets with the real ib_async client, a state dir, and the gateway restarted on it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ib_async import IB, LimitOrder, Stock, Trade

from terminal_app.simulator.gateway import SimulatedGateway
from terminal_app.simulator.store import saved_clock
from tests.raw_client import RawClient, ib_async_fields
from tests.sim_fixtures import SIM_START, connected_ib, qualified, running_gateway, sim_config
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio

AAPL = Stock("AAPL", "SMART", "USD")


async def place_far_limits(ib: IB, tifs: tuple[str, ...]) -> list[Trade]:
    aapl = await qualified(ib, AAPL)
    [ticker] = await ib.reqTickersAsync(aapl)
    trades = [
        ib.placeOrder(aapl, LimitOrder("BUY", 10, round(ticker.bid * 0.8, 2), tif=tif))
        for tif in tifs
    ]
    await wait_until(lambda: all(t.orderStatus.status == "Submitted" for t in trades), 5)
    return trades


async def open_order_ids(gateway: SimulatedGateway, client_id: int) -> list[int]:
    async with connected_ib(gateway, client_id=client_id) as ib:
        return sorted(t.order.orderId for t in ib.openTrades())


async def test_oversized_ids_are_refused_and_other_clients_orders_survive_a_restart(
    tmp_path: Path,
) -> None:
    config = sim_config(state_dir=tmp_path)
    async with running_gateway(config) as gateway:
        big_client = await RawClient.open(gateway.port)
        await big_client.handshake()
        big_client.send(71, 2, 2**63, "")
        refused = await big_client.read()
        assert refused[0] == "4" and refused[3] == "320"
        assert await big_client.closed_by_server()
        big_order = await RawClient.open(gateway.port)
        await big_order.start(5)
        placed = ib_async_fields(178, "placeOrder", 2**63 - 1, AAPL, LimitOrder("BUY", 1, 1.0))
        assert (await big_order.error_for(*placed))[3] == "320"
        big_order.close()
        async with connected_ib(gateway, client_id=1) as ib:
            trades = await place_far_limits(ib, ("GTC", "GTC", "GTC"))
    async with running_gateway(config) as gateway:
        assert await open_order_ids(gateway, 1) == sorted(t.order.orderId for t in trades)


async def test_a_day_order_and_the_clock_survive_a_restart(tmp_path: Path) -> None:
    config = sim_config(state_dir=tmp_path, speed=60)
    async with running_gateway(config) as gateway:
        gateway_start = gateway.clock.epoch()
        async with connected_ib(gateway, client_id=1) as ib:
            [trade] = await place_far_limits(ib, ("DAY",))
        # Saved as it runs, not only at a clean stop (a crash keeps the time too).
        await wait_until(lambda: (saved_clock(tmp_path, SIM_START) or 0) > gateway_start + 30, 5)
        start = gateway.clock.epoch()
    async with running_gateway(config) as gateway:
        assert gateway.clock.epoch() >= start
        assert await open_order_ids(gateway, 1) == [trade.order.orderId]
