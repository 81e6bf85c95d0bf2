"""Tick-by-tick and 5-second bar lines: shared, routed, replayed and marked STALE like the rest."""

import asyncio
from collections.abc import AsyncIterator
from itertools import pairwise

import pytest
import pytest_asyncio
from ib_async import Contract, Stock, TickByTickAllLast, TickByTickBidAsk

from terminal_app.session import BrokerSession, ProfileKind, make_profile
from terminal_app.simulator.gateway import SimulatedGateway
from tests.session import wiretap as wire
from tests.session.wiretap import WireTap
from tests.sim_fixtures import running_gateway, sim_config
from tests.waiting import wait_until


async def connect_and_qualify(
    session: BrokerSession, tap: WireTap, *symbols: str
) -> list[Contract]:
    assert await session.open_connection(make_profile(ProfileKind.CUSTOM, port=tap.port))
    return [await session.qualify(Stock(s, "SMART", "USD")) for s in symbols]


@pytest_asyncio.fixture
async def fast_gateway() -> AsyncIterator[SimulatedGateway]:
    """A clock 30x real time: a 5-second bar every ~0.17 s."""
    async with running_gateway(sim_config(speed=30.0)) as gateway:
        yield gateway


@pytest_asyncio.fixture
async def fast_tap(fast_gateway: SimulatedGateway) -> AsyncIterator[WireTap]:
    async with WireTap(fast_gateway.port) as t:
        yield t


@pytest.mark.asyncio
async def test_tick_by_tick_lines_are_shared_per_type_and_cancelled_on_last_release(
    session: BrokerSession, fast_tap: WireTap
) -> None:
    tap = fast_tap
    [aapl] = await connect_and_qualify(session, tap, "AAPL")
    quote = session.ticker(aapl)  # shares ib_async's Ticker with the tick-by-tick lines
    tape = [session.tick_by_tick(aapl, "AllLast"), session.tick_by_tick(aapl, "AllLast")]
    book = session.tick_by_tick(aapl, "BidAsk")
    assert tape[0].users == 2 and book.users == 1
    trades_per_update: list[list[object]] = []
    tape[0].updated.connect(lambda _t: trades_per_update.append(list(tape[0].ticks)))
    quotes_per_update: list[list[object]] = []
    book.updated.connect(lambda _t: quotes_per_update.append(list(book.ticks)))
    await wait_until(lambda: len(trades_per_update) >= 3 and len(quotes_per_update) >= 3)
    # Each handle hears only of reads that carried its own type of tick.
    assert all(ticks for ticks in trades_per_update + quotes_per_update)
    assert all(isinstance(t, TickByTickAllLast) for ticks in trades_per_update for t in ticks)
    assert all(isinstance(t, TickByTickBidAsk) for ticks in quotes_per_update for t in ticks)
    assert tape[0].ticker is quote.ticker and not tape[1].stale and not quote.stale
    assert tap.count(wire.REQ_TICK_BY_TICK) == 2 and session.line_count() == 3
    tape[0].release()
    await asyncio.sleep(0.05)  # a wrongly sent cancel would reach the tap by now
    assert tap.count(wire.CANCEL_TICK_BY_TICK) == 0
    tape[1].release()
    book.release()
    await wait_until(lambda: tap.count(wire.CANCEL_TICK_BY_TICK) == 2)
    assert tap.count(wire.CANCEL_MKT_DATA) == 0 and session.line_count() == 1


@pytest.mark.asyncio
async def test_tick_by_tick_refusal_reaches_the_handle_of_that_line(
    session: BrokerSession, tap: WireTap
) -> None:
    contracts = await connect_and_qualify(session, tap, "AAPL", "MSFT", "NVDA", "AMZN")
    lines = [session.tick_by_tick(c) for c in contracts]  # the simulator allows 3 (as TWS does)
    await wait_until(lambda: lines[3].error != "")
    assert lines[3].error.startswith("10190") and lines[3].stale
    assert [h.error for h in lines[:3]] == ["", "", ""]


def test_an_unknown_tick_type_is_refused(session: BrokerSession) -> None:
    with pytest.raises(ValueError, match="AllLast"):
        session.tick_by_tick(Stock("AAPL", "SMART", "USD", conId=265598), "Trades")


@pytest.mark.asyncio
async def test_realtime_bars_are_shared_every_five_seconds_and_cancelled(
    session: BrokerSession, fast_tap: WireTap
) -> None:
    [aapl] = await connect_and_qualify(session, fast_tap, "AAPL")
    charts = [session.realtime_bars(aapl), session.realtime_bars(aapl)]
    midpoints = session.realtime_bars(aapl, "MIDPOINT")
    await wait_until(lambda: charts[1].bars is not None and len(charts[1].bars) >= 3)
    bars = charts[0].bars
    assert bars is charts[1].bars and bars is not None and not charts[0].stale
    steps = {(b.time - a.time).total_seconds() for a, b in pairwise(bars)}
    assert min(steps) == 5.0 and all(step % 5 == 0 for step in steps)  # a stalled loop skips
    assert fast_tap.count(wire.REQ_REAL_TIME_BARS) == 2  # TRADES and MIDPOINT
    for handle in (*charts, midpoints):
        handle.release()
    await wait_until(lambda: fast_tap.count(wire.CANCEL_REAL_TIME_BARS) == 2)
    assert session.line_count() == 0


@pytest.mark.asyncio
async def test_farm_outages_mark_each_kind_stale_by_its_farm(
    session: BrokerSession, fast_gateway: SimulatedGateway, fast_tap: WireTap
) -> None:
    [aapl] = await connect_and_qualify(session, fast_tap, "AAPL")
    tape = session.tick_by_tick(aapl)
    bars = session.realtime_bars(aapl)
    await wait_until(lambda: not tape.stale and not bars.stale)
    # Data that keeps flowing clears STALE again at once: watch the flips, not the state.
    tape_flips: list[bool] = []
    tape.staleChanged.connect(tape_flips.append)
    bars_flips: list[bool] = []
    bars.staleChanged.connect(bars_flips.append)
    control = fast_gateway.control
    control.inject_error(2103, "Market data farm connection is broken:usfarm")
    await wait_until(lambda: tape_flips[:1] == [True])
    control.inject_error(2104, "Market data farm connection is OK:usfarm")
    await wait_until(lambda: tape_flips[:2] == [True, False])
    assert bars_flips == []  # 5-second bars come from the historical data farm
    control.inject_error(2105, "HMDS data farm connection is broken:ushmds")
    await wait_until(lambda: bars_flips[:1] == [True])
    control.inject_error(2106, "HMDS data farm connection is OK:ushmds")
    await wait_until(lambda: bars_flips[:2] == [True, False])
    assert tape_flips == [True, False]


@pytest.mark.asyncio
async def test_1101_requests_ticks_and_realtime_bars_again(
    session: BrokerSession, fast_gateway: SimulatedGateway, fast_tap: WireTap
) -> None:
    [aapl] = await connect_and_qualify(session, fast_tap, "AAPL")
    tape = session.tick_by_tick(aapl, "BidAsk")
    bars = session.realtime_bars(aapl)
    await wait_until(lambda: not tape.stale and not bars.stale)
    flips: list[bool] = []
    tape.staleChanged.connect(flips.append)
    bars.staleChanged.connect(flips.append)
    fast_gateway.control.connectivity_lost()
    await wait_until(lambda: flips[:2] == [True, True])  # data still flowing may clear it again
    fast_gateway.control.connectivity_restored(data_lost=True)  # the gateway ends both streams
    await wait_until(
        lambda: (
            fast_tap.count(wire.REQ_TICK_BY_TICK) == 2
            and fast_tap.count(wire.REQ_REAL_TIME_BARS) == 2
        )
    )
    await wait_until(lambda: not tape.stale and not bars.stale)
    assert tape.error == "" and bars.error == ""
    assert bars.bars is not None and len(bars.bars) > 0
