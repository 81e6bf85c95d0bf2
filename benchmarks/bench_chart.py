"""The chart with 1,000,000 one-minute bars, against finplot on the same bars in the same run.

Measured offscreen, every frame as the screen gets it (`render`: the whole viewport marked dirty
and painted by Qt's event loop into the window's backing store, one paint per frame; not
`grab()`, which renders into a fresh pixmap the screen never sees):
- first paint: building the chart on bars already in memory, to the first complete frame;
- pan sweep: 200 frames, each moving a 300-bar window by 60 bars across the history; p50 / p99
  of the wall time, and the CPU time per frame (this machine is shared: wall time includes
  waiting for a core, CPU time does not);
- zoom: from the full range down to the last 100 bars in 20 frames; total and worst frame;
- live update: revise the bar in progress through the panel's path (indicators, then the view)
  and let Qt repaint what that dirtied, until the live bar is painted; `live_code` is the part
  before Qt paints.

finplot (pyqtgraph-based, needs PyQt6) runs in its own process on the same bars saved as .npy,
with the same steps. Its packages (the `bench` extra in pyproject) are installed with
`pip --target` into `.venv/bench-finplot`, never into the app's site-packages: with PyQt6 importable
qasync picks PyQt6 over PySide6 and the terminal no longer starts. Ratios are finplot / ours (>1:
we are faster). `baseline` is two empty pyqtgraph plots panned the same way: the floor of a frame
on this machine.
`python -m benchmarks bench_chart [--bars 1000000] [--no-finplot]`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

from terminal_app.chart.synthetic import minute_bars
from terminal_app.loop_lag import percentile

WIDTH, HEIGHT = 1200, 700
WINDOW, PAN_STEP, PAN_FRAMES, ZOOM_FRAMES, LIVE_UPDATES = 300, 60, 200, 20, 200
TARGETS = {"first_paint_s": 1.0, "pan_p99_ms": 16.0, "live_update_ms": 2.0}


def pan_windows(n: int) -> list[tuple[float, float]]:
    start = n - WINDOW
    return [(start - k * PAN_STEP, start - k * PAN_STEP + WINDOW) for k in range(PAN_FRAMES)]


def zoom_windows(n: int) -> list[tuple[float, float]]:
    spans = np.geomspace(n, 100, ZOOM_FRAMES)
    return [(n - span, float(n)) for span in spans]


def render(widget: Any, app: Any) -> None:
    """One full frame through the real path: the whole viewport dirty, Qt's loop paints it."""
    widget.viewport().update()
    app.processEvents()


def sweep(
    frames: list[tuple[float, float]], show: Callable[[float, float], None]
) -> tuple[list[float], float]:
    """Wall time of each frame, and the mean CPU time of this process per frame."""
    times = []
    cpu = time.process_time()
    for x0, x1 in frames:
        t = time.perf_counter()
        show(x0, x1)
        times.append(time.perf_counter() - t)
    return times, (time.process_time() - cpu) / len(frames)


def summary(
    first: float,
    pan: tuple[list[float], float],
    zoom: tuple[list[float], float],
    live: list[float],
    code: list[float],
) -> dict[str, float]:
    """`live`: one live update with Qt's repaint of what it dirtied; `code`: the chart's own
    part of it (data + invalidation), before Qt paints."""
    return {
        "first_paint_s": first,
        "pan_p50_ms": percentile(pan[0], 50) * 1e3,
        "pan_p99_ms": percentile(pan[0], 99) * 1e3,
        "pan_cpu_ms": pan[1] * 1e3,
        "zoom_total_ms": sum(zoom[0]) * 1e3,
        "zoom_worst_ms": max(zoom[0]) * 1e3,
        "live_update_ms": percentile(live, 50) * 1e3,
        "live_code_ms": percentile(code, 50) * 1e3,
    }


def run_ours(n: int) -> dict[str, float]:
    from zoneinfo import ZoneInfo

    from PySide6.QtWidgets import QApplication

    from terminal_app.chart.studies import Studies
    from ui.chart.items import Drawn
    from ui.chart.view import ChartView

    app = QApplication.instance() or QApplication([])
    series = minute_bars(n)
    zone = ZoneInfo("America/New_York")
    t = time.perf_counter()
    view = ChartView(lambda: series)
    view.set_time_info(zone, 60)
    view.resize(WIDTH, HEIGHT)
    view.show()
    view.bars_reset()
    render(view, app)
    first = time.perf_counter() - t

    def show(x0: float, x1: float) -> None:
        view.price.view.setXRange(x0, x1, padding=0)
        render(view, app)

    pan = sweep(pan_windows(n), show)
    show(0, n)
    zoom = sweep(zoom_windows(n), show)
    live, code = [], []
    studies = Studies()  # the panel's indicators, kept in step before the view (none here)
    painted = view.price.visuals[0].live
    t0, o, h, low, _c, v = series.bar(n - 1)
    app.processEvents()
    for k in range(LIVE_UPDATES):
        painted.drawn = Drawn(0, 0, 0)
        t = time.perf_counter()
        close = low + (h - low) * (k % 10) / 10  # a tick inside the bar's range
        series.upsert(t0, o, h, low, close, v + k)
        studies.update_last(series, zone)
        view.bar_ticked(appended=False)
        code.append(time.perf_counter() - t)
        while painted.drawn.step == 0:  # until Qt has painted the live bar
            app.processEvents()
        live.append(time.perf_counter() - t)
    view.close()
    return summary(first, pan, zoom, live, code)


def run_baseline(n: int) -> float:
    """p50 of a pan frame over two empty pyqtgraph plots of the same size: what any frame costs."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    widget = pg.GraphicsLayoutWidget()
    widget.resize(WIDTH, HEIGHT)
    top = widget.addPlot(row=0, col=0)
    widget.addPlot(row=1, col=0).setXLink(top)
    widget.show()

    def show(x0: float, x1: float) -> None:
        top.setXRange(x0, x1, padding=0)
        render(widget, app)

    frames, _cpu = sweep(pan_windows(n), show)
    widget.close()
    return percentile(frames, 50) * 1e3


FINPLOT_RUN = r"""
import json, sys, time
import numpy as np, pandas as pd
import finplot as fplt
from PyQt6.QtWidgets import QApplication
from benchmarks.bench_chart import (
    HEIGHT, LIVE_UPDATES, WIDTH, pan_windows, render, summary, sweep, zoom_windows)
cols = np.load({path!r})
n = cols.shape[1]
df = pd.DataFrame({{"time": pd.to_datetime(cols[0].astype("int64"), unit="s"), "open": cols[1],
    "close": cols[4], "high": cols[2], "low": cols[3], "volume": cols[5]}})
app = QApplication.instance() or QApplication([])
t = time.perf_counter()
ax, ax2 = fplt.create_plot("bench", rows=2, init_zoom_periods=300)
candles = fplt.candlestick_ochl(df[["time", "open", "close", "high", "low"]], ax=ax)
volume = fplt.volume_ocv(df[["time", "open", "close", "volume"]], ax=ax2)
fplt.show(qt_exec=False)
win = fplt.windows[0]
win.resize(WIDTH, HEIGHT)
render(win, app)
first = time.perf_counter() - t
def show(x0, x1):
    ax.vb.update_y_zoom(x0, x1)  # finplot: x range, y fitted to the visible bars
    render(win, app)
pan = sweep(pan_windows(n), show)
show(0, n)
zoom = sweep(zoom_windows(n), show)
live, code = [], []
app.processEvents()
volume0 = df.loc[n - 1, "volume"]
for k in range(LIVE_UPDATES):
    t = time.perf_counter()
    low, high = df.loc[n - 1, "low"], df.loc[n - 1, "high"]
    df.loc[n - 1, "close"] = low + (high - low) * (k % 10) / 10
    df.loc[n - 1, "volume"] = volume0 + k
    candles.update_data(df[["time", "open", "close", "high", "low"]])
    volume.update_data(df[["time", "open", "close", "volume"]])
    code.append(time.perf_counter() - t)
    app.processEvents()
    live.append(time.perf_counter() - t)
print("RESULT " + json.dumps(summary(first, pan, zoom, live, code)))
"""


FINPLOT_DIR = Path(sys.prefix) / "bench-finplot"
FINPLOT_PACKAGES = ("finplot>=1.9", "PyQt6>=6.7")  # the `bench` extra in pyproject.toml


def finplot_env() -> dict[str, str]:
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QT_API": "pyqt6",
        "PYTHONPATH": os.pathsep.join([str(FINPLOT_DIR), str(Path(__file__).parent.parent)]),
    }


def ensure_finplot() -> str:
    """Install finplot into its own target directory when missing; '' or why it cannot run."""
    probe = [sys.executable, "-c", "import finplot, PyQt6.QtWidgets"]
    if subprocess.run(probe, capture_output=True, env=finplot_env()).returncode == 0:
        return ""
    pip = [sys.executable, "-m", "pip", "install", "-q", "--target", str(FINPLOT_DIR)]
    done = subprocess.run([*pip, *FINPLOT_PACKAGES], capture_output=True, text=True)
    if done.returncode != 0:
        return f"pip install finplot failed: {done.stderr.strip()[-300:]}"
    check = subprocess.run(probe, capture_output=True, text=True, env=finplot_env())
    return "" if check.returncode == 0 else check.stderr.strip()[-300:]


def run_finplot(n: int) -> dict[str, float] | str:
    problem = ensure_finplot()
    if problem:
        return problem
    series = minute_bars(n)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bars.npy"
        table = np.vstack(
            [series.time.astype(np.float64)]
            + [series.column(c) for c in ("open", "high", "low", "close", "volume")]
        )
        np.save(path, table)
        script = FINPLOT_RUN.format(path=str(path))
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            env=finplot_env(),
            timeout=900,
        )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, float] = json.loads(line[7:])
            return result
    return f"finplot run failed (exit {done.returncode}): {done.stderr.strip()[-500:]}"


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: min(run[key] for run in runs) for key in runs[0]}


def report(ours: dict[str, float], theirs: dict[str, float] | str) -> dict[str, Any]:
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    print(f"{'':18}{'ours':>12}{'finplot':>12}{'ratio':>8}{'target':>10}")
    for key, value in ours.items():
        other = theirs.get(key) if isinstance(theirs, dict) else None
        ratio = f"{other / value:7.1f}x" if other and value else "      -"
        target = TARGETS.get(key)
        verdict = "" if target is None else ("  ok" if value <= target else "  MISSED")
        print(
            f"{key:18}{value:12.3f}{(other if other is not None else float('nan')):12.3f}"
            f"{ratio:>8}{'' if target is None else f'{target:10g}'}{verdict}"
        )
    if isinstance(theirs, str):
        print(f"finplot: not run: {theirs}")
    return {"ours": ours, "finplot": theirs, "loadavg": load, "cores": os.cpu_count()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_chart")
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--no-finplot", action="store_true")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    # Rounds alternate ours and finplot (this machine's load drifts); best of the rounds each.
    ours_runs: list[dict[str, float]] = []
    their_runs: list[dict[str, float]] = []
    theirs: dict[str, float] | str = "skipped (--no-finplot)"
    for _ in range(args.rounds):
        ours_runs.append(run_ours(args.bars))
        if not args.no_finplot:
            result = run_finplot(args.bars)
            if isinstance(result, str):
                theirs = result
                break
            their_runs.append(result)
    ours = best(ours_runs)
    if their_runs:
        theirs = best(their_runs)
    baseline = run_baseline(args.bars)
    print(f"baseline: an empty two-plot pan frame takes {baseline:.1f} ms here (p50)")
    print(json.dumps({**report(ours, theirs), "baseline_pan_p50_ms": baseline}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
