"""The whole terminal on a busy day, against a bare ib_async client on the same lines.

The terminal runs offscreen in this process with its embedded gateway as a child process (as
`ib-terminal` does). Before it starts, a separate ib_async client makes `--positions` positions
and `--orders` working orders at that gateway. Then: the default workspace plus a watchlist of
`--symbols` rows (about 5 updates/s each), DOM ladders on ES, NQ and CL at full depth rate, two
1-minute charts with live bars, the portfolio and the blotter.

Measured over `--seconds`: tick-to-screen p50/p95/p99/max per panel kind and over all (from the
ib_async event of the read that carried a change to the end of the paint that drew it; see
`benchmarks.measure`), event-loop lag (how late a 100 ms timer fires), CPU of the terminal's
process and of the gateway's. Baseline from the same run: the terminal's lines replayed by a bare
ib_async client that only counts, on a fresh gateway on the same account (`--baseline-seconds`).
Targets (issue 21): tick-to-screen p50 ≤ 10 ms, p99 ≤ 25 ms; lag p99 ≤ 20 ms; CPU ≤ 0.5 core.
Prints a table and one JSON line. `python -m benchmarks bench_busy_day [--seconds 60]`.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from typing import Any

import qasync

from benchmarks.bare_client import baseline, copied
from benchmarks.busy_day import Setup, busy_day
from benchmarks.measure import Window, latency_figures, machine, print_result, print_versus
from benchmarks.terminal_run import app, fresh_home, gateway_child
from terminal_app.paths import data_dir

KINDS = ("watchlist", "dom", "chart", "portfolio", "blotter")


async def measure(setup: Setup, seconds: float, baseline_seconds: float) -> dict[str, Any]:
    with fresh_home() as home:
        async with busy_day(home, setup) as day:
            simulator = day.session.simulator
            assert simulator is not None
            probes = day.probe()
            window = Window(day.session.ib, simulator.pid)
            await asyncio.sleep(seconds)
            figures = window.close()
            probes.stop()
            lines = copied(day.session.lines())
        every = [s for kind in KINDS for s in probes.samples.get(kind, [])]
        overall = latency_figures(every)
        panels = {kind: latency_figures(probes.samples.get(kind, [])) for kind in KINDS}
        bare: dict[str, Any] = {}
        if baseline_seconds > 0:
            async with gateway_child(data_dir() / "simulator") as gateway:
                bare = await baseline(gateway.port, lines, baseline_seconds, client_id=2)
    return {
        "benchmark": "busy_day",
        **machine(),
        "symbols": setup.symbols,
        "positions": setup.positions,
        "orders": setup.orders,
        "lines": len(lines),
        **{f"tick_to_screen_{k}": v for k, v in overall.items()},
        **figures,
        "panels": panels,
        "baseline": bare,
    }


def print_report(result: dict[str, Any]) -> None:
    print(f"{'panel':<12}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'samples':>9}")
    rows = {
        **result["panels"],
        "all": {k[15:]: v for k, v in result.items() if k[:15] == "tick_to_screen_"},
    }
    for kind, f in rows.items():
        print(
            f"{kind:<12}{f['p50_ms']:>9}{f['p95_ms']:>9}{f['p99_ms']:>9}{f['max_ms']:>9}{f['n']:>9}"
        )
    bare = result["baseline"]
    keys = ("cpu_s_per_s", "lag_p50_ms", "lag_p99_ms", "lag_max_ms", "messages_per_s")
    print_versus(keys, result, bare)
    print(f"gateway process CPU (s per s): {result.get('gateway_cpu_s_per_s')}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_busy_day", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="measured window")
    parser.add_argument(
        "--baseline-seconds",
        type=float,
        default=None,
        help="the bare client's window (default: --seconds, at most 30; 0 skips it)",
    )
    parser.add_argument("--symbols", type=int, default=100, help="watchlist rows")
    parser.add_argument("--positions", type=int, default=20)
    parser.add_argument("--orders", type=int, default=20, help="working orders")
    args = parser.parse_args(list(argv) if argv is not None else None)
    bare_s = min(args.seconds, 30.0) if args.baseline_seconds is None else args.baseline_seconds
    setup = Setup(args.symbols, args.positions, args.orders)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app())) as runner:
        result = runner.run(measure(setup, args.seconds, bare_s))
    print_report(result)
    print_result(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
