"""Issue 14 item 1: a quote request IB dropped (error 100 names no request) is found and sent again.

The session is made to burst past TWS's 50 messages/s (ib_async's pacing off, a wide bulk
lane), so the simulated gateway drops the excess reqMktData. Every line must stream all the same.
"""

import time
from dataclasses import replace

import pytest
from ib_async import Contract

from terminal_app.session import BrokerSession, TickerHandle
from terminal_app.session.profiles import ProfileKind, make_profile
from terminal_app.simulator.connection import ERR_RATE, MAX_MESSAGES_PER_S
from terminal_app.simulator.gateway import SimulatedGateway
from terminal_app.simulator.market.instruments import Universe
from tests.sim_fixtures import FAST_SESSION
from tests.waiting import wait_until

LINES = MAX_MESSAGES_PER_S + 10


def _contracts(count: int) -> list[Contract]:
    instruments = sorted(Universe.load().instruments, key=lambda i: i.conId)
    return [i.contract() for i in instruments if i.secType in ("STK", "CASH")][:count]


@pytest.mark.asyncio
async def test_quote_requests_dropped_over_the_rate_limit_are_sent_again(
    sim_gateway: SimulatedGateway,
) -> None:
    # The retry waits past the gateway's one-second window, or it would be dropped as well.
    session = BrokerSession(replace(FAST_SESSION, bulk_rate=10 * LINES, farm_grace=1.2))
    rate_errors: list[int] = []
    session.ib.errorEvent += lambda _r, code, _t, _c: (
        rate_errors.append(code) if code == ERR_RATE else None
    )
    contracts = _contracts(LINES)
    try:
        profile = make_profile(ProfileKind.CUSTOM, port=sim_gateway.port, client_id=12)
        assert await session.open_connection(profile)
        session.ib.client.MaxRequests = 0  # a terminal that does not pace itself
        # A loop stall just before the burst (connecting can cause one) would let the gateway
        # believe the requests were spread over it: start once it has seen the loop awake.
        [client] = sim_gateway.server.clients()
        await wait_until(
            lambda: time.monotonic() - client.rate.awake_at < 0.2, 5, "loop never awake"
        )
        handles: list[TickerHandle] = [session.ticker(c) for c in contracts]
        assert len(handles) == LINES
        await wait_until(lambda: bool(rate_errors), 5, "the burst was not refused (error 100)")
        await wait_until(
            lambda: all(not h.stale for h in handles),
            10,
            f"{sum(h.stale for h in handles)} of {LINES} lines never streamed",
        )
        assert not [h.error for h in handles if h.error]
    finally:
        await session.close()
