"""For tests that run the whole app (`ui.app.run_app`): a window with its files in a temp dir,
and the warnings a clean start and shutdown must not log."""

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from terminal_app.session import BrokerSession
from terminal_app.workspace.layout import LayoutStore
from ui.main_window import MainWindow

APP_LOGGERS = ("qt", "asyncio", "terminal_app.tasks", "ui.app")


def window_in(tmp_path: Path, session: BrokerSession | None = None) -> MainWindow:
    """A main window whose workspaces and settings live under `tmp_path` (on `session`, e.g.
    one already connected to the simulated gateway, else its own)."""
    return MainWindow(
        store=LayoutStore(tmp_path / "ws"), settings_path=tmp_path / "ui.json", session=session
    )


@contextlib.contextmanager
def shown_window(tmp_path: Path, session: BrokerSession | None = None) -> Iterator[MainWindow]:
    """`window_in(tmp_path, session)`, shown, and closed and deleted afterwards."""
    win = window_in(tmp_path, session)
    win.show()
    try:
        yield win
    finally:
        win.close()
        win.deleteLater()


def noisy(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Warnings and errors from Qt, asyncio, task ownership and the app runner."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name in APP_LOGGERS
    ]
