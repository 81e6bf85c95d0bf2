"""The simulator suite's shared fixtures (the gateway ones are in tests/sim_fixtures.py)."""

import pytest

from terminal_app.simulator.market.instruments import Universe
from tests.simulator.test_trading_harness import UNIVERSE


@pytest.fixture(scope="session")
def universe() -> Universe:
    """The instrument universe as of Tuesday 2026-11-24 10:00 New York (15:00 UTC)."""
    return UNIVERSE
