"""A flood of quotes at ten times a busy day's rate, with the whole terminal up.

A busy day (issue 21's benchmark) is about 100 symbols at 5 updates/s: 500 quote updates a
second. The gateway adds `FLOOD_RATE` extra quote events a second for `FLOOD_S` seconds (a few
seconds, not the issue's 30: the suite's time budget; the queues reach their steady state within
the first second). Speed is printed, never asserted (a shared, loaded machine): the loop lag p99
from the app's own probe. Asserted: every queue between the gateway and the screen stays within
its bound while the flood runs, the terminal is connected and live afterwards, and memory comes
back to near where it was.
"""

import asyncio
import gc
import os
from pathlib import Path

import pytest

from terminal_app.loop_lag import LoopLagProbe
from terminal_app.session import ib_internals
from terminal_app.simulator.connection import MAX_BACKLOG
from tests.reliability.terminal_under_test import CLIENT_ID, Terminal, red_contract

pytestmark = pytest.mark.asyncio
BUSY_DAY_RATE = 500  # quote updates per second
FLOOD_RATE = 10 * BUSY_DAY_RATE
FLOOD_S = 4.0
SAMPLE_S = 0.05
MEMORY_SLACK_MB = 40.0  # allocator arenas, caches warmed by the flood


def rss_mb() -> float:
    statm = Path("/proc/self/statm")
    if not statm.exists():
        pytest.skip("needs /proc (Linux) to read the resident set size")
    pages = int(statm.read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class QueueWatch:
    """Longest length seen of each queue on the way from the gateway to the panels."""

    def __init__(self, term: Terminal) -> None:
        self.term = term
        self.longest: dict[str, int] = {}

    def sample(self) -> None:
        session = self.term.session
        conn = self.term.gateway.server.by_client_id.get(CLIENT_ID)
        sizes = {
            "gateway socket backlog (bytes)": (
                conn.writer.transport.get_write_buffer_size() if conn is not None else 0
            ),
            "ib_async unread buffer (bytes)": ib_internals.unread_bytes(session.ib),
            "session request lane": session.lane.pending,
            "message log": len(session.messages),
            "history queue": len(session.history_scheduler.waiting()),
        }
        for name, size in sizes.items():
            self.longest[name] = max(size, self.longest.get(name, 0))


async def test_flood_at_ten_times_a_busy_day(terminal: Terminal) -> None:
    gc.collect()
    baseline_mb = rss_mb()
    probe = LoopLagProbe(interval=0.02)
    probe.start()
    watch = QueueWatch(terminal)
    quote = terminal.session.ticker(red_contract(terminal))
    ticks = 0

    def count(*_args: object) -> None:
        nonlocal ticks
        ticks += len(quote.ticker.ticks) if quote.ticker is not None else 0

    quote.updated.connect(count)
    received = ib_internals.messages_received(terminal.session.ib)
    loop_time = asyncio.get_running_loop().time
    try:
        terminal.gateway.control.flood(FLOOD_RATE)
        end = loop_time() + FLOOD_S
        while loop_time() < end:
            watch.sample()
            await asyncio.sleep(SAMPLE_S)  # a sampling period, not a wait for a condition
        peak_mb = rss_mb()
    finally:
        terminal.gateway.control.flood(0)
        probe.stop()
        quote.release()
    messages = ib_internals.messages_received(terminal.session.ib) - received
    await terminal.wait_restored()
    gc.collect()
    after_mb = rss_mb()
    lag = probe.stats()
    print(
        f"\nflood {FLOOD_RATE}/s for {FLOOD_S:g}s: {messages} messages decoded, {ticks} ticks on "
        f"{red_contract(terminal).symbol}; loop lag p99 {lag.p99 * 1000:.0f} ms, max "
        f"{lag.max * 1000:.0f} ms ({lag.samples} samples); RSS {baseline_mb:.0f} -> "
        f"{peak_mb:.0f} -> {after_mb:.0f} MB; longest queues {watch.longest}"
    )
    assert ticks > FLOOD_S * 100, "the flood did not reach the terminal"
    longest = watch.longest
    assert longest["gateway socket backlog (bytes)"] <= MAX_BACKLOG
    assert longest["ib_async unread buffer (bytes)"] <= 2 * ib_internals.READ_BYTES
    assert longest["session request lane"] <= terminal.session.line_count() + 10
    assert longest["message log"] <= terminal.session.messages.capacity
    assert longest["history queue"] <= 2
    assert terminal.session.is_connected
    assert after_mb - baseline_mb < MEMORY_SLACK_MB
