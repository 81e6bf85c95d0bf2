"""Portfolio fixtures: the order desk on the fast simulated gateway (see tests/orders) and a
portfolio panel on its session."""

from collections.abc import AsyncIterator

import pytest_asyncio
from PySide6.QtWidgets import QApplication

from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from tests.orders.conftest import Desk, desk, fast_gateway
from ui.panel import PanelContext
from ui.portfolio.panel import PortfolioPanel

__all__ = ["desk", "fast_gateway"]


@pytest_asyncio.fixture
async def panel(qapp: QApplication, desk: Desk) -> AsyncIterator[PortfolioPanel]:
    tasks = TaskOwner("portfolio-test")
    widget = PortfolioPanel(PanelContext(desk.session, LinkGroups(), tasks))
    widget.resize(1100, 300)
    widget.show()
    try:
        yield widget
    finally:
        widget.release_panel()
        await tasks.cancel_all()
        widget.close()
        widget.deleteLater()
