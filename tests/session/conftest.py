"""Session tests: a wire tap between the session and the simulated gateway, and a session
connected through it (the `session` and `sim_gateway` fixtures come from tests/sim_fixtures.py)."""

from collections.abc import AsyncIterator

import pytest_asyncio

from terminal_app.session import BrokerSession, ProfileKind, make_profile
from terminal_app.simulator.gateway import SimulatedGateway
from tests.session.wiretap import WireTap


@pytest_asyncio.fixture
async def tap(sim_gateway: SimulatedGateway) -> AsyncIterator[WireTap]:
    """A loopback proxy in front of the gateway that records every message the session sends."""
    async with WireTap(sim_gateway.port) as t:
        yield t


@pytest_asyncio.fixture
async def connected(session: BrokerSession, tap: WireTap) -> BrokerSession:
    assert await session.open_connection(make_profile(ProfileKind.CUSTOM, port=tap.port))
    return session
