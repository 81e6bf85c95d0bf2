"""Periodic work on the event loop's timers (market clock, keepUpToDate, 5-second bars, PnL).

Plain timer callbacks rather than tasks: under qasync the loop is sometimes driven by bare Qt event
processing (pytest-qt, `run_until_complete`'s final pass) with no running loop registered, and a
coroutine that then calls `asyncio.sleep` dies. A timer callback needs no running loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


class Repeater:
    """Calls `step()` until it returns None or `cancel()` is called; `step` returns the delay in
    host seconds until its next call."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        step: Callable[[], float | None],
        first_delay: float = 0.0,
        name: str = "",
    ) -> None:
        self._loop = loop
        self._step = step
        self._name = name or getattr(step, "__qualname__", "repeater")
        self.stopped = False
        self._handle = loop.call_later(first_delay, self._run)

    def _run(self) -> None:
        if self.stopped:
            return
        try:
            delay = self._step()
        except Exception:
            log.exception("%s failed; stopped", self._name)
            delay = None
        if delay is None:
            self.stopped = True
        elif not self.stopped:
            self._handle = self._loop.call_later(max(delay, 0.0), self._run)

    def cancel(self) -> None:
        self.stopped = True
        self._handle.cancel()
