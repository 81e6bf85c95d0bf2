"""A panel shown on a simulated session the way the dock manager hosts it, and released,
its tasks cancelled and closed afterwards, as when its dock is removed."""

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import TypeVar

from PySide6.QtWidgets import QWidget

from terminal_app.session import BrokerSession
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from ui.panel import PanelContext, ReleasablePanel

W = TypeVar("W", bound=QWidget)


@contextlib.asynccontextmanager
async def hosted_panel(
    factory: Callable[[PanelContext], W], session: BrokerSession, size: tuple[int, int]
) -> AsyncIterator[W]:
    tasks = TaskOwner("panel-test")
    widget = factory(PanelContext(session, LinkGroups(), tasks))
    widget.resize(*size)
    widget.show()
    try:
        yield widget
    finally:
        dispose(widget)
        await tasks.cancel_all()


def dispose(widget: QWidget) -> None:
    """Release, close and delete a panel, as when its dock is removed. Not `qtbot.addWidget`:
    pytest-qt deletes those widgets before fixtures are torn down, so a fixture's release would
    find the panel's C++ side gone (seen now and then under load)."""
    if isinstance(widget, ReleasablePanel):
        widget.release_panel()
    widget.close()
    widget.deleteLater()
