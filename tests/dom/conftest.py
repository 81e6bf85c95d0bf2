"""A DOM panel on the simulated session, hosted as a dock would host it."""

from collections.abc import AsyncIterator

import pytest_asyncio
from PySide6.QtWidgets import QApplication

from terminal_app.session import BrokerSession
from tests.panel_hosting import hosted_panel
from ui.dom.panel import DomPanel


@pytest_asyncio.fixture
async def panel(qapp: QApplication, sim_session: BrokerSession) -> AsyncIterator[DomPanel]:
    async with hosted_panel(DomPanel, sim_session, (640, 720)) as widget:
        yield widget
