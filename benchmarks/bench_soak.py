"""Soak: the busy day (`benchmarks.busy_day`) for `--minutes`; does the terminal's memory grow?

After a warm-up minute, this process's RSS is sampled every `--every` seconds and tracemalloc
starts; its snapshot at minute 2 is compared with one at the end, and the ten allocation sites
that grew most are listed. tracemalloc's own bookkeeping lives in the same process, so the RSS
growth reported is net of it (`rss_growth_mb`; the raw growth beside it). Target (issue 21): RSS
growth ≤ 30 MB after the warm-up, no allocation site growing steadily. No tick-to-screen probes
run meanwhile (their samples would be the growth). `--seconds` sets the whole length instead of
`--minutes` (warm-up and first snapshot shrink to a quarter and a half of it).
Prints a table and one JSON line. `python -m benchmarks bench_soak [--minutes 10]`.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import qasync

from benchmarks.busy_day import Setup, busy_day
from benchmarks.measure import Window, machine, print_result, rss_mb
from benchmarks.terminal_run import app, fresh_home

WARM_UP_S, SNAPSHOT_S = 60.0, 120.0


@dataclass
class Soak:
    """When, in seconds from the start of the soak, each phase begins."""

    total: float
    warm_up: float = field(init=False)
    snapshot: float = field(init=False)

    def __post_init__(self) -> None:
        self.warm_up = min(WARM_UP_S, self.total / 4)
        self.snapshot = min(SNAPSHOT_S, self.total / 2)


def top_growth(first: tracemalloc.Snapshot, last: tracemalloc.Snapshot) -> list[dict[str, Any]]:
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
    diff = last.filter_traces(ignore).compare_to(first.filter_traces(ignore), "lineno")
    diff.sort(key=lambda d: d.size_diff, reverse=True)
    return [
        {
            "where": f"{d.traceback[0].filename}:{d.traceback[0].lineno}",
            "size_diff_kb": round(d.size_diff / 1024, 1),
            "count_diff": d.count_diff,
        }
        for d in diff[:10]
    ]


async def _until(
    started: float, at: float, samples: list[tuple[float, float]], every: float
) -> None:
    """Sleep until `at` seconds after `started`, sampling RSS every `every` seconds."""
    while (now := time.perf_counter() - started) < at:
        await asyncio.sleep(min(every, at - now))
        samples.append((round(time.perf_counter() - started, 1), round(rss_mb(), 1)))


async def measure(setup: Setup, soak: Soak, every: float) -> dict[str, Any]:
    samples: list[tuple[float, float]] = []
    with fresh_home() as home:
        async with busy_day(home, setup) as day:
            window = Window(day.session.ib)
            started = time.perf_counter()
            await _until(started, soak.warm_up, samples, every)
            tracemalloc.start()
            rss0, traced0 = rss_mb(), tracemalloc.get_tracemalloc_memory()
            await _until(started, soak.snapshot, samples, every)
            first = tracemalloc.take_snapshot()
            await _until(started, soak.total, samples, every)
            last = tracemalloc.take_snapshot()
            rss1, traced1 = rss_mb(), tracemalloc.get_tracemalloc_memory()
            tracemalloc.stop()
            figures = window.close()
    raw = rss1 - rss0
    return {
        "benchmark": "soak",
        **machine(),
        "minutes": round(soak.total / 60, 2),
        "warm_up_s": soak.warm_up,
        "snapshot_s": soak.snapshot,
        "rss_after_warm_up_mb": round(rss0, 1),
        "rss_end_mb": round(rss1, 1),
        "rss_growth_mb": round(raw - (traced1 - traced0) / 2**20, 1),
        "rss_growth_raw_mb": round(raw, 1),
        "lag_p99_ms": figures["lag_p99_ms"],
        "cpu_s_per_s": figures["cpu_s_per_s"],
        "top_growth": top_growth(first, last),
        "rss_mb_over_time": samples,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the soak")
    parser.add_argument("--seconds", type=float, default=None, help="length, instead of minutes")
    parser.add_argument("--every", type=float, default=10.0, help="RSS sample interval, s")
    parser.add_argument("--symbols", type=int, default=100, help="watchlist rows")
    parser.add_argument("--positions", type=int, default=20)
    parser.add_argument("--orders", type=int, default=20, help="working orders")
    args = parser.parse_args(list(argv) if argv is not None else None)
    total = args.seconds if args.seconds is not None else args.minutes * 60
    every = min(args.every, total / 8)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app())) as runner:
        result = runner.run(
            measure(Setup(args.symbols, args.positions, args.orders), Soak(total), every)
        )
    print(f"RSS after the {result['warm_up_s']:g} s warm-up: {result['rss_after_warm_up_mb']} MB")
    print(f"RSS at the end ({result['minutes']} min): {result['rss_end_mb']} MB")
    print(
        f"growth: {result['rss_growth_mb']} MB net of tracemalloc "
        f"({result['rss_growth_raw_mb']} MB raw; target <= 30 MB)"
    )
    print(f"allocation sites that grew most (snapshot at {result['snapshot_s']:g} s -> end):")
    for site in result["top_growth"]:
        print(f"  {site['size_diff_kb']:>10} KiB {site['count_diff']:>8} blocks  {site['where']}")
    print_result(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
