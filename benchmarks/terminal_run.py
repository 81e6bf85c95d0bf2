"""The terminal and its gateway as the benchmarks run them.

`running_terminal(home, argv)`: the whole app (`ui.app.run_app`, offscreen) in this process,
connected and its first-run default workspace live; with no `argv` it starts its embedded gateway
as a child process, as `ib-terminal` does. `fresh_home()`: every user dir in a new temporary
folder (a first run). `gateway_child(state_dir)`: that gateway program outside any terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from terminal_app.cli import parse_args
from terminal_app.session.simulated import EmbeddedSimulator
from terminal_app.session.state import Phase
from terminal_app.workspace.layout import LayoutStore
from ui.app import run_app
from ui.main_window import MainWindow

START_TIMEOUT_S = 120.0  # a loaded machine subscribing 100 rows through the paced bulk lane


def app() -> QApplication:
    """The one QApplication; closing the window ends `run_app`, not the application."""
    instance = QApplication.instance() or QApplication(["ib-terminal-bench"])
    assert isinstance(instance, QApplication)
    instance.setQuitOnLastWindowClosed(False)
    return instance


async def until(
    condition: Callable[[], object], what: str, timeout: float = START_TIMEOUT_S
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {timeout:g}s")
        await asyncio.sleep(0.05)


@contextlib.contextmanager
def fresh_home() -> Iterator[Path]:
    """Every user dir below a new temporary folder for the duration (a first run)."""
    old = os.environ.get("IB_TERMINAL_HOME")
    with tempfile.TemporaryDirectory(prefix="ib-terminal-bench-") as home:
        os.environ["IB_TERMINAL_HOME"] = home
        try:
            yield Path(home)
        finally:
            if old is None:
                os.environ.pop("IB_TERMINAL_HOME", None)
            else:
                os.environ["IB_TERMINAL_HOME"] = old


@contextlib.asynccontextmanager
async def running_terminal(home: Path, argv: Sequence[str] = ()) -> AsyncIterator[MainWindow]:
    """The app connected and its default panels live; closed (and its gateway stopped) after."""
    window = MainWindow(store=LayoutStore(home / "ws"), settings_path=home / "ui.json")
    run = asyncio.ensure_future(run_app(parse_args(list(argv)), window))
    try:
        session = window.session
        await until(lambda: session.state.phase is Phase.CONNECTED or run.done(), "not connected")
        if run.done():
            run.result()  # raises what stopped it
        await until(window.panels_live, "default panels not live")
        yield window
    finally:
        window.close()
        await asyncio.wait_for(run, 60)


@contextlib.asynccontextmanager
async def gateway_child(state_dir: Path) -> AsyncIterator[EmbeddedSimulator]:
    """The terminal's own gateway program on `state_dir`, outside any terminal."""
    simulator = EmbeddedSimulator(state_dir)
    await simulator.start()
    try:
        yield simulator
    finally:
        await simulator.stop()
