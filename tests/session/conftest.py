"""A BrokerSession with test-sized delays, closed after each test."""

from collections.abc import AsyncIterator

import pytest_asyncio

from terminal_app.session import Backoff, BrokerSession, PacingRules, SessionSettings

# Test-sized delays: quick retries, and IB's 15 s identical-history rule shrunk to 1 s so a
# chart restored right after a reconnect does not wait.
FAST = SessionSettings(
    backoff=Backoff(initial=0.05, factor=2.0, cap=0.2),
    request_timeout=3.0,
    farm_grace=0.3,
    pacing=PacingRules(identical_gap=1.0),
)


@pytest_asyncio.fixture
async def session() -> AsyncIterator[BrokerSession]:
    s = BrokerSession(FAST)
    try:
        yield s
    finally:
        await s.close()
