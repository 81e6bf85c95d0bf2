"""TWS's 50 messages/s limit as the simulated gateway applies it (error 100, excess dropped).

The gateway counts a message at the earliest time the client can have sent it, so traffic a
stalled loop delivered in one read (the embedded gateway shares the terminal's loop) is not
mistaken for a burst; a real burst still gets error 100.
"""

import asyncio
import time

import pytest
from ib_async import IB

from terminal_app.simulator.connection import ERR_RATE, MAX_MESSAGES_PER_S
from tests.waiting import wait_until


def _rate_errors(ib: IB) -> list[str]:
    errors: list[str] = []
    ib.errorEvent += lambda _req, code, text, _c: errors.append(text) if code == ERR_RATE else None
    return errors


@pytest.mark.asyncio
async def test_a_burst_over_the_limit_gets_error_100(sim_ib: IB) -> None:
    errors = _rate_errors(sim_ib)
    sim_ib.client.MaxRequests = 0  # ib_async's own pacing off: this client misbehaves
    for _ in range(MAX_MESSAGES_PER_S + 10):
        sim_ib.client.reqCurrentTime()
    await wait_until(lambda: bool(errors), 5, "no error 100")
    assert f"max={MAX_MESSAGES_PER_S}" in errors[0]
    assert len(errors) == 1  # one error per second, not one per dropped message


@pytest.mark.asyncio
async def test_legal_traffic_read_late_in_one_go_is_not_a_burst(sim_ib: IB) -> None:
    errors = _rate_errors(sim_ib)
    sim_ib.client.MaxRequests = 0
    for _ in range(45):
        sim_ib.client.reqCurrentTime()
    # The stall under test: the loop is busy (as when a workspace is built) while a second of
    # the client's time passes, so the gateway on this loop reads nothing.
    time.sleep(1.05)  # noqa: ASYNC251 - a deliberate loop stall, not a wait
    for _ in range(45):
        sim_ib.client.reqCurrentTime()
    # Answered after the 90 above (one connection, in order): all of them were read by then.
    await asyncio.wait_for(sim_ib.reqCurrentTimeAsync(), 5)
    assert errors == []
