"""A simulated gateway in a child process, flooding ticks, for benchmarks that measure a client.

In its own process the server's CPU is apart from the measured client's; `server_cpu()` reports
the server's CPU seconds per wall second over the window opened by `start_window()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.synchronize import Event as EventType
from typing import Any

START = "2026-11-24 10:00"  # a Tuesday in regular trading hours, New York


def _serve(
    rate: float,
    start: str,
    flood_from_window: bool,
    port_q: Any,
    measure: EventType,
    stop: EventType,
    result_q: Any,
) -> None:
    from terminal_app.simulator.config import SimConfig
    from terminal_app.simulator.gateway import SimulatedGateway

    async def main() -> None:
        # Room for a few hundred streams per client (an IB account with quote booster packs).
        gateway = SimulatedGateway(SimConfig(start=start, speed=1.0, max_market_data_lines=500))
        port = await gateway.start("127.0.0.1", 0)
        if not flood_from_window:
            gateway.control.flood(rate)
        port_q.put(port)
        await asyncio.to_thread(measure.wait)
        gateway.control.flood(rate)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await asyncio.to_thread(stop.wait)
        result_q.put((time.process_time() - cpu0) / (time.perf_counter() - wall0))
        await gateway.stop()

    asyncio.run(main())


@dataclass
class GatewayProcess:
    port: int
    _measure: EventType
    _stop: EventType
    _result_q: Any

    def start_window(self) -> None:
        self._measure.set()

    def server_cpu(self) -> float:
        """Stop the server; its CPU seconds per wall second since `start_window()`."""
        self._measure.set()
        self._stop.set()
        return float(self._result_q.get(timeout=30))


@contextlib.contextmanager
def flooding_gateway(
    rate: float, start: str = START, flood_from_window: bool = False
) -> Iterator[GatewayProcess]:
    """A started gateway process flooding `rate` extra quote changes per second (from
    `start_window()` on with `flood_from_window`: a client starting up under a flood is not
    what is measured, and one that stalls long enough is dropped as not reading)."""
    ctx = mp.get_context("spawn")
    port_q, result_q = ctx.Queue(), ctx.Queue()
    measure, stop = ctx.Event(), ctx.Event()
    proc = ctx.Process(
        target=_serve,
        args=(rate, start, flood_from_window, port_q, measure, stop, result_q),
        daemon=True,
    )
    proc.start()
    try:
        yield GatewayProcess(int(port_q.get(timeout=60)), measure, stop, result_q)
    finally:
        measure.set()
        stop.set()
        proc.join(10)
        if proc.is_alive():
            proc.kill()
