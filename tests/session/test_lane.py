"""The bulk lane keeps bulk sends under a rate so priority sends never queue behind them."""

import asyncio
import time

import pytest

from terminal_app.session.lane import BulkLane
from tests.waiting import wait_until


@pytest.mark.asyncio
async def test_sends_at_most_rate_per_interval_and_eventually_all() -> None:
    lane = BulkLane(rate=5, interval=0.2)
    times: list[float] = []
    for _ in range(12):
        lane.submit(lambda: times.append(time.monotonic()))
    assert len(times) == 5 and lane.pending == 7
    await wait_until(lambda: len(times) == 12, timeout=3)
    for i in range(len(times) - 5):
        assert times[i + 5] - times[i] >= 0.2 - 0.005  # never 6 within one interval


@pytest.mark.asyncio
async def test_keyed_submit_replaces_withdraw_drops_and_clear_notifies() -> None:
    lane = BulkLane(rate=1, interval=10)
    done: list[str] = []
    dropped: list[str] = []
    lane.submit(lambda: done.append("first"))
    lane.submit(lambda: done.append("a1"), key="a")
    lane.submit(lambda: done.append("a2"), key="a", on_drop=lambda: dropped.append("a"))
    lane.submit(lambda: done.append("b"), key="b")
    assert lane.pending == 2
    assert lane.withdraw("b") and not lane.withdraw("b")
    lane.clear()
    assert done == ["first"] and dropped == ["a"] and lane.pending == 0


@pytest.mark.asyncio
async def test_pause_holds_and_resume_sends() -> None:
    lane = BulkLane(rate=10, interval=1)
    done: list[int] = []
    lane.pause()
    lane.submit(lambda: done.append(1))
    assert done == []
    lane.resume()
    assert done == [1]


@pytest.mark.asyncio
async def test_a_failing_action_is_reported_and_the_rest_still_go() -> None:
    lane = BulkLane(rate=10, interval=1)
    errors: list[BaseException] = []
    lane.on_error = errors.append
    done: list[int] = []

    def boom() -> None:
        raise RuntimeError("boom")

    lane.submit(boom)
    lane.submit(lambda: done.append(1))
    assert done == [1] and isinstance(errors[0], RuntimeError)


@pytest.mark.asyncio
async def test_slot_waits_its_turn_and_gives_it_up_when_cancelled() -> None:
    lane = BulkLane(rate=1, interval=0.2)
    lane.submit(lambda: None)  # uses the budget of this interval
    first = asyncio.ensure_future(lane.slot())
    second = asyncio.ensure_future(lane.slot())
    await asyncio.sleep(0)
    assert lane.pending == 2 and not first.done()
    second.cancel()
    await asyncio.sleep(0)
    assert lane.pending == 1
    await asyncio.wait_for(first, 1)
    third = asyncio.ensure_future(lane.slot())
    await asyncio.sleep(0)
    lane.clear()
    with pytest.raises(ConnectionError):
        await third
