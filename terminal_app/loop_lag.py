"""Event-loop lag probe: how late a periodic timer fires.

A late timer is the one number that shows the UI is falling behind the feed (a blocked loop makes
every quote, repaint and order late together). Works on any asyncio loop, so the same probe feeds
the status bar (qasync) and the benchmarks.
"""

import asyncio
import math
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class LagStats:
    """Seconds: `last` sample, `max` and `p99` over the window; `samples` in the window."""

    last: float
    max: float
    p99: float
    samples: int


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of `values`; 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


class LoopLagProbe:
    """Schedules itself every `interval` seconds and records how late each firing was."""

    def __init__(self, interval: float = 0.1, window: int = 600) -> None:
        self.interval = interval
        self._samples: deque[float] = deque(maxlen=window)
        self._handle: asyncio.TimerHandle | None = None
        self._due = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def running(self) -> bool:
        return self._handle is not None

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        if self._handle is not None:
            return
        self._loop = loop or asyncio.get_event_loop()
        self._schedule()

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def record(self, lag: float) -> None:
        self._samples.append(max(0.0, lag))

    def stats(self) -> LagStats:
        values = list(self._samples)
        return LagStats(
            last=values[-1] if values else 0.0,
            max=max(values, default=0.0),
            p99=percentile(values, 99),
            samples=len(values),
        )

    def samples(self) -> list[float]:
        """The lags in the window, oldest first (benchmarks take their own percentiles)."""
        return list(self._samples)

    def reset(self) -> None:
        self._samples.clear()

    def _schedule(self) -> None:
        assert self._loop is not None
        self._due = self._loop.time() + self.interval
        self._handle = self._loop.call_at(self._due, self._fire)

    def _fire(self) -> None:
        assert self._loop is not None
        self.record(self._loop.time() - self._due)
        self._schedule()
