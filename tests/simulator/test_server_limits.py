"""What one client can take from the others (issue 12, items 5 to 7): loop time during a history
burst, memory before the handshake, connection slots. File modes: test_store, test_private_log."""

from __future__ import annotations

import pytest
from ib_async import Contract

from terminal_app.simulator.gateway import SimulatedGateway
from terminal_app.simulator.protocol import framing
from tests.raw_client import RawClient, ib_async_fields
from tests.sim_fixtures import connected_ib, running_gateway, sim_config
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio

TWS_MAX_CLIENTS = 32
BURST_SYMBOLS = ("AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "JPM")


async def test_a_history_burst_leaves_other_clients_answered_meanwhile() -> None:
    """8 requests for 5 years of daily bars (~0.5 s of work each, sent in one go) while another
    client pings: before, the gateway computed them back to back and the ping waited ~4 s; now
    the pings are answered between the burst's slices."""
    # A seed of its own: no other test has warmed the price-path caches for it.
    async with running_gateway(sim_config(seed=9_12_5)) as gateway:
        burst = await RawClient.open(gateway.port)
        await burst.start(40)
        probe = await RawClient.open(gateway.port)
        await probe.start(41)
        for req_id, symbol in enumerate(BURST_SYMBOLS, start=1):
            stock = Contract(symbol=symbol, secType="STK", exchange="SMART", currency="USD")
            burst.send(
                *ib_async_fields(
                    178, "reqHistoricalData", req_id, stock, "", "5 Y", "1 day", "TRADES",
                    True, 1, False, [],
                )
            )  # fmt: skip
        answered_meanwhile = 0
        for _ in range(20):
            await probe.round_trip()
            answered_meanwhile += gateway.server.slicer.pending() > 0
        # Counted, not timed: back to back, the first ping came back after the whole burst.
        assert answered_meanwhile >= 10, "the pings waited for the burst"
        async with connected_ib(gateway, client_id=42, timeout=3):
            pass  # a new client gets in meanwhile
        while (await burst.read())[0] != "17":  # historicalData
            pass
        assert gateway.server.slicer.pending() > 0, "the first reply waited for the whole burst"
        burst.close()
        probe.close()


async def test_frames_before_the_handshake_are_capped(sim_gateway: SimulatedGateway) -> None:
    """Clients that declare a 16,000,000-byte frame and never finish the handshake are closed at
    once instead of being buffered for 20 s."""
    flood = [await RawClient.open(sim_gateway.port) for _ in range(10)]
    try:
        for client in flood:
            client.writer.write(framing.API_SIGN + (16_000_000).to_bytes(4, "big"))
            client.writer.write(b"\0" * 256 * 1024)
        for client in flood:
            assert await client.closed_by_server(3)
        await wait_until(lambda: not sim_gateway.server.connections, 3)
    finally:
        for client in flood:
            client.close()


async def test_the_33rd_client_is_refused(sim_gateway: SimulatedGateway) -> None:
    clients = [await RawClient.open(sim_gateway.port) for _ in range(TWS_MAX_CLIENTS)]
    try:
        await wait_until(lambda: len(sim_gateway.server.connections) == TWS_MAX_CLIENTS, 5)
        extra = await RawClient.open(sim_gateway.port)
        assert await extra.closed_by_server(3)
        extra.close()
        clients.pop().close()
        await wait_until(lambda: len(sim_gateway.server.connections) < TWS_MAX_CLIENTS, 5)
        async with connected_ib(sim_gateway, client_id=43):
            pass
    finally:
        for client in clients:
            client.close()
