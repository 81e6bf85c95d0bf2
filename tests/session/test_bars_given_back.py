"""A chart's bars line given back in the same turn it was taken (the chart moved straight on to
another symbol, or closed): its paced history load never starts, so no history is requested and
no coroutine is left unstarted when the loop ends ("LineRegistry._load_paced was never awaited"
at the end of test runs)."""

import asyncio

import pytest

from terminal_app.session import BarsSpec, BrokerSession
from tests.session import wiretap as wire
from tests.session.test_subscriptions import connect_and_qualify_aapl
from tests.session.wiretap import WireTap


@pytest.mark.asyncio
@pytest.mark.filterwarnings("error::RuntimeWarning")
async def test_bars_given_back_at_once_start_no_load(session: BrokerSession, tap: WireTap) -> None:
    aapl = await connect_and_qualify_aapl(session, tap)
    tasks = session._tasks.pending
    session.bars(aapl, BarsSpec("1800 S", "1 min", "TRADES", False)).release()
    assert session._tasks.pending == tasks  # nothing waits to start once the loop turns
    await asyncio.sleep(0)  # one turn of the loop: the deferred start finds the line given back
    assert session._tasks.pending == tasks
    assert tap.count(wire.REQ_HISTORICAL_DATA) == 0
