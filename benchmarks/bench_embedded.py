"""The terminal as it starts out of the box: default workspace, embedded simulated gateway.

Runs the whole app (`ui.app.run_app`, offscreen) in a fresh user dir, waits until it is connected
and its panels show live data, then measures for `--seconds`: event-loop lag (how late a 100 ms
timer fires), the CPU of the terminal's process, and the CPU of the gateway's child process (Linux:
from /proc), plus how long the child took from spawn to its ready line.
`python -m benchmarks bench_embedded [--seconds 8]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("IB_TERMINAL_HOME", tempfile.mkdtemp(prefix="ib-terminal-bench-"))

import qasync
from PySide6.QtWidgets import QApplication

from terminal_app.cli import parse_args
from terminal_app.loop_lag import LoopLagProbe, percentile
from terminal_app.session.state import Phase
from terminal_app.workspace.layout import LayoutStore
from ui.app import run_app
from ui.main_window import MainWindow

START_TIMEOUT_S = 60.0


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of another process (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _until(condition: object, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {START_TIMEOUT_S:g}s")
        await asyncio.sleep(0.05)


async def measure(seconds: float) -> dict[str, float | None]:
    home = Path(os.environ["IB_TERMINAL_HOME"])
    window = MainWindow(store=LayoutStore(home / "ws"), settings_path=home / "ui.json")
    run = asyncio.ensure_future(run_app(parse_args([]), window))
    session = window.session
    try:
        await _until(lambda: session.state.phase is Phase.CONNECTED, "not connected")
        await _until(window.panels_live, "panels not live")
        simulator = session.simulator
        assert simulator is not None and simulator.pid is not None
        probe = LoopLagProbe(window=100_000)
        probe.start()
        child0, cpu0, wall0 = process_cpu_s(simulator.pid), time.process_time(), time.monotonic()
        await asyncio.sleep(seconds)
        wall = time.monotonic() - wall0
        cpu, child1 = time.process_time() - cpu0, process_cpu_s(simulator.pid)
        probe.stop()
        lags = probe.samples()
        child = None if child0 is None or child1 is None else round((child1 - child0) / wall, 2)
        return {
            "ready_s": round(simulator.ready_s, 2),
            "lag_p50_ms": round(percentile(lags, 50) * 1000, 1),
            "lag_p99_ms": round(percentile(lags, 99) * 1000, 1),
            "lag_max_ms": round(max(lags, default=0.0) * 1000, 1),
            "gui_cpu_s_per_s": round(cpu / wall, 2),
            "gateway_cpu_s_per_s": child,
        }
    finally:
        window.close()
        await asyncio.wait_for(run, 30)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=8.0)
    args, _unknown = parser.parse_known_args(argv)
    app = QApplication.instance() or QApplication(["bench_embedded"])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # as ui.app: closing the window ends run_app
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        figures = runner.run(measure(args.seconds))
    for name, value in figures.items():
        print(f"  {name:<22} {value}")
    print(json.dumps({"bench_embedded": figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
