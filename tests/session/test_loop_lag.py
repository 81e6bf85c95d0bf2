"""The loop lag probe notices a blocked event loop."""

import time

import pytest

from terminal_app.loop_lag import LoopLagProbe, percentile
from tests.waiting import wait_until


def test_percentile_nearest_rank() -> None:
    assert percentile([], 99) == 0.0
    values = [float(i) for i in range(1, 101)]
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0


def block_the_loop(seconds: float) -> None:
    """Busy work on the loop thread, as a slow slot would do: what the probe must catch."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


@pytest.mark.asyncio
async def test_probe_measures_how_late_the_timer_fires() -> None:
    probe = LoopLagProbe(interval=0.02, window=100)
    probe.start()
    await wait_until(lambda: probe.stats().samples >= 3)
    assert probe.stats().max < 0.08  # an idle loop fires on time (generous for a busy CI box)
    block_the_loop(0.15)
    await wait_until(lambda: probe.stats().max >= 0.1)
    stats = probe.stats()
    assert stats.p99 >= 0.1 or stats.samples > 100
    probe.stop()
    assert not probe.running
    probe.reset()
    assert probe.stats().samples == 0
