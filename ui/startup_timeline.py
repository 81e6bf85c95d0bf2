"""How long this start took: window shown, connected, first live quote painted, every watchlist
row streaming, in seconds from the process's start.

Logged once, when every row streams (or after `TIMEOUT_S` with what was reached), so a slow start
on a user's machine can be told from the log. `--startup-report FILE` writes the same figures as
JSON and then closes the window: what benchmarks/bench_startup.py runs, from source and from the
bundle alike. It only listens (an event filter on the window and on the watchlists' views, their
models' frame signal); it changes nothing the user sees.
"""

import logging
import os
import sys
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from terminal_app.price_format import is_missing
from terminal_app.session import Phase
from terminal_app.session.state import ConnectionState
from ui.main_window import MainWindow
from ui.panel_kinds import WATCHLIST_KIND
from ui.watchlist.columns import RowData
from ui.watchlist.lists import WatchlistTab
from ui.watchlist.panel import WatchlistPanel

log = logging.getLogger(__name__)

STAGES = ("window_s", "connected_s", "first_quote_s", "all_rows_s")
TIMEOUT_S = 60.0
_LOADED = time.monotonic()  # the fallback origin where the OS does not tell a process's start


def process_age() -> tuple[float, str]:
    """Seconds since this process started, and what they count from: the kernel's start time
    (Linux, 10 ms steps), else since the app's modules were loaded."""
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/self/stat", encoding="ascii") as stat:
                fields = stat.read().rpartition(")")[2].split()
            started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: starttime
            return time.clock_gettime(time.CLOCK_BOOTTIME) - started, "process start"
        except (OSError, ValueError, IndexError):
            pass
    return time.monotonic() - _LOADED, "app modules loaded"


def streams(row: RowData) -> bool:
    """A row shows a live quote: a bid or a last price, and its line is not STALE."""
    ticker = row.ticker
    if ticker is None or row.stale:
        return False
    return not (is_missing(ticker.bid) and is_missing(ticker.last))


class StartupTimeline(QObject):
    """Stamps each stage once; `finished(figures)` when every watchlist row streams (or at the
    timeout). Create it right after the workspace is restored, before the window is shown."""

    finished = Signal(dict)

    def __init__(self, window: MainWindow, timeout_s: float = TIMEOUT_S) -> None:
        super().__init__(window)
        self._window = window
        self._times: dict[str, Any] = {}
        self._cpu: dict[str, float] = {}
        self._origin = ""
        self._done = False
        self._tabs = [
            tab
            for dock in window.docks.docks(WATCHLIST_KIND)
            if isinstance(panel := dock.widget(), WatchlistPanel)
            for tab in panel.lists()
        ]
        self._views = {tab.view.viewport() for tab in self._tabs}
        window.installEventFilter(self)
        for view in self._views:
            view.installEventFilter(self)
        for tab in self._tabs:
            tab.model.frame_flushed.connect(self._check_rows)
        window.session.stateChanged.connect(self._on_state)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._finish)
        self._timer.start(int(timeout_s * 1000))

    @property
    def figures(self) -> dict[str, Any]:
        return dict(self._times)

    def _stamp(self, stage: str) -> None:
        if stage not in self._times:
            age, self._origin = process_age()
            self._times[stage] = round(age, 3)
            # This process's CPU time by then: what the stage costs on a machine with no load.
            self._cpu[stage] = round(time.process_time(), 3)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            if watched is self._window:
                self._stamp("window_s")
            elif watched in self._views and self._painted_quote(watched):
                self._stamp("first_quote_s")
                self._check_rows()
        return False

    def _painted_quote(self, viewport: QObject) -> bool:
        tab = next(t for t in self._tabs if t.view.viewport() is viewport)
        return any(streams(row) for row in tab.model.rows())

    def _on_state(self, state: ConnectionState) -> None:
        if state.phase is Phase.CONNECTED:
            self._stamp("connected_s")
            if not self._tabs:  # nothing to stream: the start is complete once connected
                self._finish()

    def _check_rows(self) -> None:
        if "first_quote_s" not in self._times or self._done:
            return  # all rows streaming counts once a quote was painted
        if any(_waiting(tab) for tab in self._tabs):
            return
        self._stamp("all_rows_s")
        self._finish()

    def _finish(self) -> None:
        if self._done:
            return
        self._done = True
        self._timer.stop()
        self._times["rows"] = sum(streams(row) for tab in self._tabs for row in tab.model.rows())
        self._times["since"] = self._origin or process_age()[1]
        self._times["cpu_s"] = dict(self._cpu)
        for watched in (self._window, *self._views):
            if isinstance(watched, QWidget):
                watched.removeEventFilter(self)
        log.info("start-up: %s", describe(self._times))
        figures = self.figures
        # Not from inside the paint event that completed it: listeners may build or close.
        QTimer.singleShot(0, self, lambda: self.finished.emit(figures))


def _waiting(tab: WatchlistTab) -> bool:
    """Symbols still to resolve, no row yet, or a row without a live quote."""
    rows = tab.model.rows()
    return bool(tab.pending) or not all(streams(row) for row in rows)


def describe(times: dict[str, Any]) -> str:
    """The figures in words, for the log: "window shown 0.84 s, …, after process start"."""
    words = {
        "window_s": "window shown",
        "connected_s": "connected",
        "first_quote_s": "first quote painted",
        "all_rows_s": f"all {times.get('rows', 0)} watchlist rows streaming",
    }
    parts = [
        f"{words[s]} {times[s]:.2f} s" if s in times else f"{words[s]}: not reached" for s in STAGES
    ]
    return f"{', '.join(parts)} (since {times.get('since', 'process start')})"
