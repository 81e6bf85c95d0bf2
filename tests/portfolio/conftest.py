"""Portfolio fixtures: the order desk on the fast simulated gateway (see tests/orders) and a
portfolio panel on its session."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import pytest_asyncio
from PySide6.QtWidgets import QApplication, QWidget

from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from tests.orders.conftest import Desk, desk, fast_gateway
from ui.panel import PanelContext
from ui.portfolio.panel import PortfolioPanel

__all__ = ["desk", "fast_gateway"]
P = TypeVar("P", bound=QWidget)


@asynccontextmanager
async def hosted(desk: Desk, factory: Callable[[PanelContext], P]) -> AsyncIterator[P]:
    """A panel on the desk's session, shown, and released as the dock manager would."""
    tasks = TaskOwner("portfolio-test")
    widget = factory(PanelContext(desk.session, LinkGroups(), tasks))
    widget.resize(1100, 300)
    widget.show()
    try:
        yield widget
    finally:
        widget.release_panel()  # type: ignore[attr-defined]
        await tasks.cancel_all()
        widget.close()
        widget.deleteLater()


@pytest_asyncio.fixture
async def panel(qapp: QApplication, desk: Desk) -> AsyncIterator[PortfolioPanel]:
    async with hosted(desk, PortfolioPanel) as widget:
        yield widget
