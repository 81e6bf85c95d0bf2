"""Start-up: how soon the window shows, the first quote is painted, and every default row streams.

Each run is a fresh child process with its own empty home (`IB_TERMINAL_HOME`), doing what
`ib-terminal` does with no arguments: `run_app` with the embedded simulator and the first-run
workspace (the default watchlist). Times count from the child's first line of Python after the
interpreter started, so they include importing Qt, ib_async and the app. Runs after the first
reuse the home, as a second start of the app does (what it cached on the first start).

Measured per run: window shown, connected, first quote painted (the first paint of a watchlist
view after a row has a bid or last price), all rows streaming (as many rows as the default lists
have symbols show a quote and are not STALE; `rows` is how many did). Prints a table and one
JSON line.
`python -m benchmarks bench_startup [--runs 3] [--timeout 30]`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import tempfile
import time
from collections.abc import Sequence
from multiprocessing.queues import Queue
from typing import Any

STAGES = ("window_s", "connected_s", "first_quote_s", "all_rows_s")


def _child(out: Queue[dict[str, Any]], home: str, timeout: float) -> None:
    """One start of the app; puts the stage times (seconds from this function's start)."""
    start = time.perf_counter()
    import os

    os.environ["IB_TERMINAL_HOME"] = home
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import asyncio

    import qasync
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from terminal_app.cli import LaunchOptions
    from terminal_app.session import Phase
    from terminal_app.tasks import TaskOwner
    from ui.main import run_app
    from ui.main_window import MainWindow
    from ui.watchlist.columns import COLUMN_INDEX
    from ui.watchlist.panel import WatchlistPanel, default_lists

    times: dict[str, Any] = {}

    def stamp(stage: str) -> None:
        times.setdefault(stage, round(time.perf_counter() - start, 3))

    app = QApplication(["bench_startup"])  # a fresh process: no QApplication yet
    app.setQuitOnLastWindowClosed(False)  # run_app's own shutdown runs once the window closes
    window = MainWindow(TaskOwner("app"))

    def panels() -> list[WatchlistPanel]:
        found = [d.widget() for d in window.docks.docks("watchlist")]
        return [p for p in found if isinstance(p, WatchlistPanel)]

    expected = sum(len(lst["symbols"]) for lst in default_lists())

    def quoted(panel: WatchlistPanel) -> int:
        """Rows of the panel's lists with a quote and not STALE."""
        good = 0
        for tab in panel.lists():
            model = tab.model
            for r, row in enumerate(model.rows()):
                cells = (model.index(r, COLUMN_INDEX[k]).data() for k in ("bid", "last"))
                good += int(not row.stale and any(cells))
        return good

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and "first_quote_s" not in times:
                views = {tab.view.viewport() for p in panels() for tab in p.lists()}
                if watched in views and any(quoted(p) for p in panels()):
                    stamp("first_quote_s")
            return False

    watch = PaintWatch()
    app.installEventFilter(watch)  # the workspace's docks may be built after the window shows

    async def monitor() -> None:
        await asyncio.sleep(0)  # run_app has restored the workspace and shown the window
        stamp("window_s")
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if window.session.state.phase is Phase.CONNECTED:
                stamp("connected_s")
            if sum(quoted(p) for p in panels()) >= expected:
                stamp("all_rows_s")
                break
            await asyncio.sleep(0.005)
        times["rows"] = sum(quoted(p) for p in panels())
        out.put(times)
        window.close()

    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.get_loop().create_task(monitor())
        runner.run(run_app(LaunchOptions(), window=window))


def _run_once(home: str, timeout: float) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    out: Queue[dict[str, Any]] = ctx.Queue()
    process = ctx.Process(target=_child, args=(out, home, timeout), name="bench_startup")
    process.start()
    try:
        return out.get(timeout=timeout + 30)
    finally:
        process.join(10)
        if process.is_alive():
            process.kill()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_startup", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="starts; the first with an empty home")
    parser.add_argument("--timeout", type=float, default=30.0, help="give up on a start after")
    args, _unknown = parser.parse_known_args(list(argv) if argv is not None else None)
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as home:
        runs = [_run_once(home, args.timeout) for _ in range(max(1, args.runs))]
    print(f"{'run':<12}" + "".join(f"{s:>16}" for s in (*STAGES, "rows")))
    for i, run in enumerate(runs):
        label = "first" if i == 0 else f"again {i}"
        print(f"{label:<12}" + "".join(f"{run.get(s, '-')!s:>16}" for s in (*STAGES, "rows")))
    again = runs[1:] or runs
    summary = {
        s: statistics.median(r[s] for r in again if s in r) if any(s in r for r in again) else None
        for s in STAGES
    }
    print(json.dumps({"benchmark": "startup", "first": runs[0], "again_median": summary}))
    return 0 if all("all_rows_s" in r for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
