"""Shared pieces of the bad-input and property tests (issue 22), imported explicitly by them
(not a conftest: the faults suite beside them has its own).

Hypothesis runs with the `ci` profile unless `HYPOTHESIS_PROFILE` names another: derandomized
(the same examples on every run, so a red CI is reproducible and its time bounded), no example
database, no deadline (a loaded 2-core machine makes per-example timing meaningless). `dev` tries
ten times as many examples, with fresh randomness, for a local hunt.
"""

import os
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest_asyncio
from hypothesis import HealthCheck, settings

from terminal_app.orders import OrderService
from terminal_app.session import BrokerSession
from tests.orders.conftest import Desk, open_desk
from tests.session import wiretap as wire
from tests.session.wiretap import WireTap
from tests.sim_fixtures import running_gateway, sim_config
from tests.waiting import wait_until

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=1500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

#: Distinct bad inputs tried per surface in this run (printed as each table finishes).
TRIED: Counter[str] = Counter()


def tried(surface: str, count: int) -> None:
    """Count `count` distinct bad inputs for `surface`, and say so in the test output
    (`pytest -s`, or the captured stdout of a failure)."""
    TRIED[surface] += count
    sys.stdout.write(f"\nbad inputs tried: {surface}: {count}\n")


#: The simulated gateway's clock at the start of every test (sim_fixtures.SIM_START, New York
#: 10:00 = 15:00 UTC): the order service judges "past" GTDs and algo windows against it.
SIM_NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


@pytest_asyncio.fixture
async def tapped_desk(session: BrokerSession) -> AsyncIterator[Desk]:
    """A session on the simulated gateway through a wire tap (to count what reaches the
    gateway), an AAPL quote, and an order service whose clock is the simulator's."""
    async with running_gateway(sim_config(speed=20.0)) as gateway, WireTap(gateway.port) as tap:
        desk = await open_desk(session, tap)
        try:
            desk.service = OrderService(session, clock=lambda: SIM_NOW)
            quote = desk.quote
            # The first quote of a fresh gateway can take a while on a loaded machine.
            await wait_until(lambda: None not in (quote().bid, quote().ask), timeout=20)
            yield desk
        finally:
            desk.handle.release()
            await session.close_connection()  # before the gateway goes: no reconnect attempts


async def placed_so_far(desk: Desk) -> int:
    """How many placeOrder requests reached the gateway up to now. A reqCurrentTime answered is
    the marker: the stream is ordered, so anything placed earlier went through the tap first."""
    await desk.session.server_time()
    return desk.tap.count(wire.PLACE_ORDER)
