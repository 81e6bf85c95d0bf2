"""Fault injection through `gateway.control`, observed by a real ib_async client."""

from __future__ import annotations

import asyncio

import pytest
from ib_async import IB, Stock, Ticker

from terminal_app.simulator.gateway import SimulatedGateway
from tests.sim_fixtures import connected_ib
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio


async def test_drop_clients_and_reconnect(sim_ib: IB, sim_gateway: SimulatedGateway) -> None:
    lost: list[bool] = []
    sim_ib.disconnectedEvent += lambda: lost.append(True)
    assert sim_gateway.control.drop_clients() == 1
    await wait_until(lambda: lost and not sim_ib.isConnected(), 5)
    await wait_until(lambda: not sim_gateway.server.clients(), 5)
    async with connected_ib(sim_gateway, client_id=1) as again:
        assert again.isConnected()


async def test_stop_and_resume_listening(sim_ib: IB, sim_gateway: SimulatedGateway) -> None:
    await sim_gateway.control.stop_listening()
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", sim_gateway.port)
    assert sim_ib.isConnected()  # existing sessions stay
    await sim_gateway.control.resume_listening()
    async with connected_ib(sim_gateway, client_id=2) as other:
        assert other.isConnected()


async def test_injected_errors_reach_clients(sim_ib: IB, sim_gateway: SimulatedGateway) -> None:
    [aapl] = await sim_ib.qualifyContractsAsync(Stock("AAPL", "SMART", "USD"))
    assert aapl is not None
    sim_ib.reqMktData(aapl)  # type: ignore[arg-type]
    client = sim_gateway.server.by_client_id[1]
    await wait_until(lambda: client.count("mktData") == 1, 5)
    codes: list[int] = []
    sim_ib.errorEvent += lambda req_id, code, text, contract: codes.append(code)
    sim_gateway.control.connectivity_lost()
    sim_gateway.control.connectivity_restored(data_lost=False)
    assert client.count("mktData") == 1  # 1102: data maintained
    sim_gateway.control.connectivity_restored(data_lost=True)
    assert client.count("mktData") == 0  # 1101: the client must subscribe again
    sim_gateway.control.farm_blip()
    sim_gateway.control.inject_error(354, "Requested market data is not subscribed.", req_id=77)
    await wait_until(lambda: codes == [1100, 1102, 1101, 2103, 2104, 354], 5, str(codes))


async def test_pause_flood_latency_and_malformed(sim_ib: IB, sim_gateway: SimulatedGateway) -> None:
    [aapl] = await sim_ib.qualifyContractsAsync(Stock("AAPL", "SMART", "USD"))
    assert aapl is not None
    ticker = sim_ib.reqMktData(aapl)  # type: ignore[arg-type]
    await wait_until(lambda: ticker.bid > 0, 5)
    sizes = 0

    def count(t: Ticker) -> None:
        nonlocal sizes
        sizes += len(t.ticks)

    ticker.updateEvent += count
    sim_gateway.control.flood(2000)
    await wait_until(lambda: sizes > 500, 5, f"flood gave {sizes} ticks")
    sim_gateway.control.flood(0)
    sim_gateway.control.pause_feed()
    # A reply is written after everything queued before it: once it is here, so are the ticks.
    await asyncio.wait_for(sim_ib.reqCurrentTimeAsync(), 5)
    before = sizes
    # A paused feed stays silent across a simulated second (the clock keeps running).
    clock = sim_gateway.clock
    second = clock.epoch()
    await wait_until(lambda: clock.epoch() > second + 1.2, 5)
    await asyncio.wait_for(sim_ib.reqCurrentTimeAsync(), 5)
    assert sizes == before
    sim_gateway.control.resume_feed()

    sim_gateway.control.send_malformed()  # ib_async logs it and keeps the connection
    sim_gateway.control.set_latency(0.3)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.wait_for(sim_ib.reqCurrentTimeAsync(), 5)
    assert loop.time() - started >= 0.25  # Qt timers are coarse (ms, may fire early)
    sim_gateway.control.set_latency(0)
    assert sim_ib.isConnected()
