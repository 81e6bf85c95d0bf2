"""Order-layer fixtures: a session on the simulated gateway (through a wire tap, so a test can
count what reached the gateway) and its order service with a live AAPL quote."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest_asyncio
from ib_async import Contract, Stock

from terminal_app.orders import OrderService
from terminal_app.orders.prices import Quote
from terminal_app.session import BrokerSession, ProfileKind, TickerHandle, make_profile
from terminal_app.simulator.config import SimConfig
from tests.session.wiretap import WireTap
from tests.sim_fixtures import running_gateway, sim_config
from tests.waiting import wait_until


@dataclass
class Desk:
    session: BrokerSession
    service: OrderService
    tap: WireTap
    aapl: Contract
    handle: TickerHandle

    def quote(self) -> Quote:
        return Quote.of(self.handle)

    async def live_quote(self) -> Quote:
        await wait_until(lambda: self.quote().bid is not None and self.quote().ask is not None)
        return self.quote()


async def open_desk(session: BrokerSession, tap: WireTap, read_only: bool = False) -> Desk:
    profile = make_profile(ProfileKind.CUSTOM, port=tap.port, client_id=21, read_only=read_only)
    assert await session.open_connection(profile)
    aapl = await session.qualify(Stock("AAPL", "SMART", "USD"))
    handle = session.ticker(aapl)
    return Desk(session, OrderService(session), tap, aapl, handle)


@pytest_asyncio.fixture
async def fast_gateway() -> AsyncIterator[object]:
    """The simulated market at 20x, so algos, triggers and fills happen within a test."""
    config: SimConfig = sim_config(speed=20.0)
    async with running_gateway(config) as gateway:
        yield gateway


@pytest_asyncio.fixture
async def desk(session: BrokerSession, fast_gateway: object) -> AsyncIterator[Desk]:
    async with WireTap(fast_gateway.port) as tap:  # type: ignore[attr-defined]
        d = await open_desk(session, tap)
        yield d
        d.handle.release()
        await session.close_connection()  # before the gateway goes: no reconnect attempts
