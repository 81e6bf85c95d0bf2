"""What `Market.step` costs per simulated second with many instruments subscribed.

The market alone (no sockets): a frozen clock at 10:00 New York on a Tuesday, `--instruments`
subscribed with a callback that only counts, and optionally `--depth` of them with depth too.
The clock advances in `--wake` steps (the gateway wakes about that often for sub-second events)
for `--seconds` simulated seconds after a warm-up minute (first-use path caches). Reports CPU
milliseconds of `step` per simulated second and the events emitted per simulated second.
Prints a table and one JSON line. `python -m benchmarks bench_market_step`.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from terminal_app.simulator.clock import SimClock
from terminal_app.simulator.market import Market, MarketEvent
from terminal_app.simulator.market.instruments import Universe

START = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("America/New_York"))


def measure(instruments: int, depth: int, seconds: int, wake: float) -> dict[str, float]:
    universe = Universe.load(as_of=START)
    market = Market(universe, SimClock(START, speed=0), seed=7)
    events = 0

    def count(event: MarketEvent) -> None:
        nonlocal events
        events += 1

    chosen = universe.instruments[:instruments]
    for i, inst in enumerate(chosen):
        market.subscribe(inst.conId, count, depth=i < depth)
    steps = round(1 / wake)
    for _ in range(60 * steps):  # warm-up: a minute of path detail per instrument
        market.clock.advance(wake)
        market.step()
    events = 0
    cpu = 0.0
    for _ in range(seconds * steps):
        market.clock.advance(wake)
        t0 = time.process_time()
        market.step()
        cpu += time.process_time() - t0
    return {
        "instruments": len(chosen),
        "depth": min(depth, len(chosen)),
        "ms_per_sim_second": round(cpu / seconds * 1000, 2),
        "events_per_sim_second": round(events / seconds, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_market_step", description=__doc__)
    parser.add_argument("--instruments", type=int, default=200)
    parser.add_argument("--depth", type=int, default=3, help="instruments also watched in depth")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--wake", type=float, default=0.05, help="simulated seconds per step")
    args, _ = parser.parse_known_args(argv)
    row = measure(args.instruments, args.depth, args.seconds, args.wake)
    print(f"{'instruments':>12} {'depth':>6} {'step ms/sim s':>14} {'events/sim s':>13}")
    print(
        f"{row['instruments']:>12} {row['depth']:>6} {row['ms_per_sim_second']:>14} "
        f"{row['events_per_sim_second']:>13}"
    )
    print(json.dumps({"benchmark": "market_step", **row}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
