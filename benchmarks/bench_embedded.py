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
from collections.abc import Sequence

import qasync

from benchmarks.measure import Window
from benchmarks.terminal_run import app, fresh_home, running_terminal


async def measure(seconds: float) -> dict[str, float | None]:
    with fresh_home() as home:
        async with running_terminal(home) as window:
            simulator = window.session.simulator
            assert simulator is not None and simulator.pid is not None
            measured = Window(other_pid=simulator.pid)
            await asyncio.sleep(seconds)
            figures = measured.close()
            return {
                "ready_s": round(simulator.ready_s, 2),
                "lag_p50_ms": figures["lag_p50_ms"],
                "lag_p99_ms": figures["lag_p99_ms"],
                "lag_max_ms": figures["lag_max_ms"],
                "gui_cpu_s_per_s": figures["cpu_s_per_s"],
                "gateway_cpu_s_per_s": figures.get("gateway_cpu_s_per_s"),
            }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=8.0)
    args, _unknown = parser.parse_known_args(argv)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app())) as runner:
        figures = runner.run(measure(args.seconds))
    for name, value in figures.items():
        print(f"  {name:<22} {value}")
    print(json.dumps({"bench_embedded": figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
