"""Fixtures for tests that talk to the simulated gateway over a real loopback socket.

- `sim_gateway`: a started `SimulatedGateway` on a free loopback port, seed 7, simulated clock
  starting Tuesday 2026-11-24 10:00 New York (regular trading hours), speed 1. Stopped at teardown.
- `sim_ib`: an `ib_async.IB` connected to it as clientId 1 (disconnected at teardown).
- `running_gateway(config)`: the same as an async context manager, for tests that need another
  seed, speed or start (e.g. `async with running_gateway(SimConfig(speed=60)) as gw: ...`).
- `qualified(ib, contract)`: the one contract the gateway knows for `contract`.
- `session`: a `BrokerSession` with test-sized delays (`FAST_SESSION`), closed after the test;
  `sim_session`: the same, connected to `sim_gateway` on a custom profile (clientId 11).

All run on the qasync loop the conftest gives every `@pytest.mark.asyncio` test.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest_asyncio
from ib_async import IB, Contract

from terminal_app.session import (
    Backoff,
    BrokerSession,
    PacingRules,
    ProfileKind,
    SessionSettings,
    make_profile,
)
from terminal_app.simulator.config import SimConfig
from terminal_app.simulator.gateway import SimulatedGateway

SIM_SEED = 7
SIM_START = "2026-11-24 10:00"  # a Tuesday, US regular trading hours (New York time)
SIM_ACCOUNT = "DU1234567"
# Test-sized delays: quick retries, and IB's 15 s identical-history rule shrunk to 1 s so a
# chart restored right after a reconnect does not wait.
FAST_SESSION = SessionSettings(
    backoff=Backoff(initial=0.05, factor=2.0, cap=0.2),
    request_timeout=3.0,
    farm_grace=0.3,
    pacing=PacingRules(identical_gap=1.0),
)


def sim_config(**changes: object) -> SimConfig:
    """The fixtures' configuration, with `changes` applied."""
    values: dict[str, object] = {"seed": SIM_SEED, "start": SIM_START, "speed": 1.0}
    values.update(changes)
    return SimConfig(**values)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def running_gateway(config: SimConfig | None = None) -> AsyncIterator[SimulatedGateway]:
    gateway = SimulatedGateway(config or sim_config())
    await gateway.start("127.0.0.1", 0)
    try:
        yield gateway
    finally:
        await gateway.stop()


@contextlib.asynccontextmanager
async def connected_ib(
    gateway: SimulatedGateway, client_id: int = 1, timeout: float = 5.0
) -> AsyncIterator[IB]:
    ib = IB()
    ib.RaiseRequestErrors = False
    await ib.connectAsync("127.0.0.1", gateway.port, clientId=client_id, timeout=timeout)
    try:
        yield ib
    finally:
        ib.disconnect()


async def qualified(ib: IB, contract: Contract) -> Contract:
    [result] = await ib.qualifyContractsAsync(contract)
    assert isinstance(result, Contract), f"{contract} did not qualify"
    return result


@pytest_asyncio.fixture
async def sim_gateway() -> AsyncIterator[SimulatedGateway]:
    async with running_gateway() as gateway:
        yield gateway


@pytest_asyncio.fixture
async def sim_ib(sim_gateway: SimulatedGateway) -> AsyncIterator[IB]:
    async with connected_ib(sim_gateway) as ib:
        yield ib


@pytest_asyncio.fixture
async def session() -> AsyncIterator[BrokerSession]:
    s = BrokerSession(FAST_SESSION)
    try:
        yield s
    finally:
        await s.close()


@pytest_asyncio.fixture
async def sim_session(session: BrokerSession, sim_gateway: SimulatedGateway) -> BrokerSession:
    profile = make_profile(ProfileKind.CUSTOM, port=sim_gateway.port, client_id=11)
    assert await session.open_connection(profile)
    return session
