"""The server's fair scheduler of slow work: turns, follow-ups, cancellation, failures."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from terminal_app.simulator.slicer import Slicer
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio


def counting(log: list[str], name: str, slices: int) -> Callable[[], bool]:
    left = [slices]

    def step() -> bool:
        log.append(name)
        left[0] -= 1
        return left[0] > 0

    return step


async def until_idle(slicer: Slicer) -> None:
    await wait_until(lambda: not slicer.pending(), 5)


async def test_clients_take_turns_and_each_clients_jobs_run_in_order() -> None:
    slicer = Slicer(asyncio.get_running_loop(), budget_s=0.0)
    log: list[str] = []
    slicer.add("a", counting(log, "a1", 2))
    slicer.add("a", counting(log, "a2", 1))
    slicer.add("b", counting(log, "b1", 2))
    await until_idle(slicer)
    assert log == ["a1", "b1", "a1", "b1", "a2"]


async def test_a_follow_up_runs_before_the_clients_other_jobs() -> None:
    """A history reply's encoding comes right after its bars, not after the whole burst."""
    slicer = Slicer(asyncio.get_running_loop(), budget_s=0.0)
    log: list[str] = []

    def compute() -> bool:
        log.append("bars 1")
        slicer.add("a", counting(log, "reply 1", 1))
        return False

    slicer.add("a", compute)
    slicer.add("a", counting(log, "bars 2", 1))
    await until_idle(slicer)
    assert log == ["bars 1", "reply 1", "bars 2"]


async def test_cancelled_and_failing_jobs_end_alone(caplog: pytest.LogCaptureFixture) -> None:
    slicer = Slicer(asyncio.get_running_loop())
    log: list[str] = []

    def broken() -> bool:
        raise RuntimeError("boom")

    cancel = slicer.add("a", counting(log, "cancelled", 3))
    slicer.add("a", broken)
    slicer.add("a", counting(log, "kept", 2))
    cancel()
    await until_idle(slicer)
    assert log == ["kept", "kept"]
    assert "sliced work failed" in caplog.text
