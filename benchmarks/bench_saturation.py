"""Saturation: the gateway floods as fast as the client reads; how much of it the terminal takes.

One simulated gateway process (its own process, so its CPU is not ours) floods `--rate` extra
quote changes per second across every subscribed instrument; past what the socket drains it
conflates per (request, tick type), as TWS does, so the client reads as fast as it can. Two runs
against it, one after the other, on the same lines:

- terminal: the whole app (offscreen, this process) with its first-run default workspace,
  connected to that gateway;
- baseline: a bare ib_async client that sends the terminal's own subscriptions again (replayed
  from its line registry) and only counts.

Reports messages/s each decoded, the ratio terminal / bare (target ≥ 0.8), both processes' CPU
and the loop lag meanwhile. Prints a table and one JSON line.
`python -m benchmarks bench_saturation [--seconds 15] [--rate 30000]`.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from typing import Any

import qasync

from benchmarks.bare_client import baseline, copied
from benchmarks.gateway_process import flooding_gateway
from benchmarks.measure import Window, machine, print_result, print_versus
from benchmarks.terminal_run import app, fresh_home, running_terminal

TERMINAL_CLIENT_ID, BARE_CLIENT_ID = 7, 8
SETTLE_S = 2.0  # from the flood's start to the measured window


async def measure(rate: float, seconds: float) -> dict[str, Any]:
    with fresh_home() as home, flooding_gateway(rate, flood_from_window=True) as gateway:
        argv = ["--connect", f"127.0.0.1:{gateway.port}", "--client-id", str(TERMINAL_CLIENT_ID)]
        async with running_terminal(home, argv) as window:
            gateway.start_window()  # the flood starts
            await asyncio.sleep(SETTLE_S)
            measured = Window(window.session.ib)
            await asyncio.sleep(seconds)
            terminal = measured.close()
            lines = copied(window.session.lines())
        bare = await baseline(gateway.port, lines, seconds, BARE_CLIENT_ID)
        gateway_cpu = gateway.server_cpu()
    ratio = terminal["messages_per_s"] / max(1, bare["messages_per_s"])
    return {
        "benchmark": "saturation",
        **machine(),
        "flood_per_s": rate,
        "lines": len(lines),
        "ratio": round(ratio, 3),
        "terminal_messages_per_s": terminal["messages_per_s"],
        "bare_messages_per_s": bare["messages_per_s"],
        "lag_p50_ms": terminal["lag_p50_ms"],
        "lag_p99_ms": terminal["lag_p99_ms"],
        "lag_max_ms": terminal["lag_max_ms"],
        "cpu_s_per_s": terminal["cpu_s_per_s"],
        "gateway_cpu_s_per_s": round(gateway_cpu, 3),
        "terminal": terminal,
        "baseline": bare,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_saturation", description=__doc__)
    parser.add_argument("--seconds", type=float, default=15.0, help="measured window per run")
    parser.add_argument("--rate", type=float, default=30_000, help="gateway flood, changes/s")
    args = parser.parse_args(list(argv) if argv is not None else None)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app())) as runner:
        result = runner.run(measure(args.rate, args.seconds))
    terminal, bare = result["terminal"], result["baseline"]
    keys = ("messages_per_s", "cpu_s_per_s", "lag_p50_ms", "lag_p99_ms", "lag_max_ms")
    print_versus(keys, terminal, bare)
    print(f"terminal / bare: {result['ratio']} (target >= 0.8) on {result['lines']} lines")
    print(f"gateway process CPU (s per s, both runs): {result['gateway_cpu_s_per_s']}")
    print_result(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
