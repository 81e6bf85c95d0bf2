"""A DOM panel on the simulated session, hosted as a dock would host it; `es_panel` shows ES
with its book and quote live, `tapped_ladder` the same through a wire tap (to count what
reached the gateway)."""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest_asyncio
from ib_async import Future
from PySide6.QtWidgets import QApplication

from terminal_app.orders import order_service
from terminal_app.session import BrokerSession, ProfileKind, make_profile
from terminal_app.simulator.gateway import SimulatedGateway
from tests.panel_hosting import hosted_panel
from tests.session.wiretap import WireTap
from tests.waiting import wait_until
from ui.dom.panel import DomPanel

ES = Future("ES", "202612", "CME")


@pytest_asyncio.fixture
async def panel(qapp: QApplication, sim_session: BrokerSession) -> AsyncIterator[DomPanel]:
    async with hosted_panel(DomPanel, sim_session, (640, 720)) as widget:
        yield widget


async def show_es(panel: DomPanel, session: BrokerSession) -> None:
    """ES on the panel, its book and quote live and the window centred."""
    panel.show_contract(await session.qualify(ES))
    await wait_until(lambda: panel.feed is not None, 10, "the ladder never showed ES")
    feed = panel.feed
    assert feed is not None
    await wait_until(lambda: panel.has_live_data() and feed.quote().bid is not None, 10)
    await wait_until(lambda: panel.ladder.window_.centre is not None, 5)


def cancel_working(panel: DomPanel, session: BrokerSession) -> None:
    if panel.feed is not None and session.trading_allowed:
        for trade in panel.feed.working_at(None):
            order_service(session).cancel(trade)


@pytest_asyncio.fixture
async def es_panel(panel: DomPanel, sim_session: BrokerSession) -> AsyncIterator[DomPanel]:
    """The panel on ES; its orders are cancelled afterwards."""
    await show_es(panel, sim_session)
    yield panel
    cancel_working(panel, sim_session)


@dataclass
class TappedLadder:
    panel: DomPanel
    session: BrokerSession
    tap: WireTap
    gateway: SimulatedGateway


@contextlib.asynccontextmanager
async def tapped_ladder(
    session: BrokerSession, gateway: SimulatedGateway, read_only: bool = False
) -> AsyncIterator[TappedLadder]:
    async with WireTap(gateway.port) as tap:
        profile = make_profile(ProfileKind.CUSTOM, port=tap.port, client_id=11, read_only=read_only)
        assert await session.open_connection(profile)
        async with hosted_panel(DomPanel, session, (640, 720)) as widget:
            await show_es(widget, session)
            yield TappedLadder(widget, session, tap, gateway)
            cancel_working(widget, session)
        await session.close_connection()  # before the tap goes: no reconnect attempts


@pytest_asyncio.fixture
async def tapped(
    qapp: QApplication, session: BrokerSession, sim_gateway: SimulatedGateway
) -> AsyncIterator[TappedLadder]:
    async with tapped_ladder(session, sim_gateway) as ladder:
        yield ladder
