"""Slow work of every client (large history replies), done a slice at a time and in turn.

asyncio runs every ready callback before it polls the sockets again, so 45 history requests
each stepping on their own would hold the loop for 45 slices in a row, and another client's
reqCurrentTime (or a new connection) would wait for all of them. One `Slicer` per server runs
the slices of all clients round-robin, one client after another (each client's jobs in the order
it asked), for at most `budget_s` per loop pass; between passes the loop serves the sockets.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

BUDGET_S = 0.005

Step = Callable[[], bool]


@dataclass
class _Job:
    step: Step
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


class Slicer:
    def __init__(self, loop: asyncio.AbstractEventLoop, budget_s: float = BUDGET_S) -> None:
        self._loop = loop
        self.budget_s = budget_s
        # Insertion order is the turn order: a client that had its slice goes to the back.
        self._queues: dict[object, deque[_Job]] = {}
        self._running: object = None
        self._scheduled = False

    def add(self, owner: object, step: Step) -> Callable[[], None]:
        """Call `step()` in later loop passes until it returns False (a step that raises is
        logged and ends its job). Returns a function that abandons the job."""
        job = _Job(step)
        queue = self._queues.setdefault(owner, deque())
        if owner is self._running:
            queue.insert(1, job)  # a job's follow-up (encoding its reply) comes next
        else:
            queue.append(job)
        self._schedule()
        return job.cancel

    def pending(self) -> int:
        """Jobs not finished yet (cancelled ones until their turn comes)."""
        return sum(len(queue) for queue in self._queues.values())

    def _schedule(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._run)

    def _run(self) -> None:
        self._scheduled = False
        deadline = time.perf_counter() + self.budget_s
        while self._queues:  # one slice at least, more while the budget lasts
            owner, queue = next(iter(self._queues.items()))
            self._running = owner
            job = queue[0]
            if job.cancelled or not self._step(job):
                queue.popleft()
            self._running = None
            del self._queues[owner]
            if queue:
                self._queues[owner] = queue  # to the back of the turn order
            if time.perf_counter() >= deadline:
                break
        if self._queues:
            self._schedule()

    @staticmethod
    def _step(job: _Job) -> bool:
        try:
            return job.step()
        except Exception:
            log.exception("sliced work failed")
            return False
