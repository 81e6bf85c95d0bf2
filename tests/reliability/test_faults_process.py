"""The gateway as a process of its own, SIGKILLed under a running terminal and started again on
its port and state dir (TWS crashing, then restarted by the user or a watchdog).

The gateway is out of reach of the test's code here, so what the terminal asked of it is counted
on the wire (a `WireTap` proxy in between): after the restart, one request per line each open
panel had, the saved orders, fill and position shown again, and no order re-sent.
"""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.reliability.gateway_process import gateway_process
from tests.reliability.terminal_under_test import (
    Terminal,
    connect_terminal,
    custom,
    default_window,
    seed_account,
    wait_resynced,
)
from tests.session import wiretap as wire
from tests.session.wiretap import WireTap
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio
# Requests a line of each kind costs (message id on the wire -> line kind at the gateway).
LINE_REQUESTS = {
    wire.REQ_MKT_DATA: "mktData",
    wire.REQ_MKT_DEPTH: "depth",
    wire.REQ_TICK_BY_TICK: "tickByTick",
    wire.REQ_PNL: "pnl",
    wire.REQ_PNL_SINGLE: "pnlSingle",
}


async def test_gateway_process_killed_and_restarted(qapp: QApplication, tmp_path: Path) -> None:
    async with gateway_process(tmp_path / "gateway") as gateway, WireTap(gateway.port) as tap:
        with default_window(tmp_path) as window:
            try:
                await connect_terminal(window, custom(tap.port))
                term = Terminal(window, None)
                await term.settle()
                seeded = await seed_account(term)
                placed = tap.count(wire.PLACE_ORDER)
                assert placed == 2
                await gateway.kill()
                await term.wait(lambda: not window.session.is_connected, 1.0, "drop not seen")
                await wait_until(lambda: window.session.state.attempt >= 2, 10)
                before = len(tap.frames)
                await gateway.start()
                await term.wait_restored()
                await wait_resynced(term, seeded)

                def again() -> dict[str, int]:
                    sent = [frame[1] for frame in tap.frames[before:]]
                    return {kind: sent.count(msg_id) for msg_id, kind in LINE_REQUESTS.items()}

                # A line is in the session before its request is on the wire (the position's
                # pnlSingle follows the re-synced positions): wait for every one, then no extra.
                expected = {kind: term.baseline[kind] for kind in LINE_REQUESTS.values()}
                await term.wait(
                    lambda: all(again()[k] >= n for k, n in expected.items()),
                    10,
                    "lines not re-requested",
                )
                assert again() == expected
                assert tap.count(wire.PLACE_ORDER) == placed  # nothing re-sent
            finally:
                await window.tasks.cancel_all()
                await window.session.close()
