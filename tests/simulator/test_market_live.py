"""The live market: events in order, sessions, depth diffs, determinism, pause, flood, run()."""

import asyncio
import itertools
from datetime import datetime

import pytest

from terminal_app.simulator.clock import SimClock
from terminal_app.simulator.market import DepthChange, Market, MarketEvent, QuoteChange, Trade, live
from terminal_app.simulator.market.book import (
    ASK_SIDE,
    BID_SIDE,
    DELETE,
    INSERT,
    UPDATE,
    Level,
    depth_diff,
)
from tests.simulator.test_trading_harness import (
    AAPL,
    EURUSD,
    NY,
    SPX,
    START,
    make_market,
)
from tests.waiting import wait_until


def run_seconds(market: Market, seconds: int) -> None:
    for _ in range(seconds):
        market.clock.advance(1)
        market.step()


def test_quote_snapshot(universe):
    market = make_market(universe)
    q = market.quote(AAPL)
    assert q.ask - q.bid == pytest.approx(0.01) and q.bidSize > 0 and q.askSize > 0
    assert q.low <= q.last <= q.high and q.volume > 0 and q.prevClose > 0
    assert q.low <= q.vwap <= q.high
    fx = market.quote(EURUSD)
    assert fx.ask - fx.bid == pytest.approx(0.00005) and fx.volume == 0
    assert fx.last != fx.last  # nan: forex has no last price
    bids, asks = market.depth(AAPL, 10)
    assert len(bids) == len(asks) == 10
    assert (bids[0].price, bids[0].size) == (q.bid, q.bidSize)
    assert (asks[0].price, asks[0].size) == (q.ask, q.askSize)
    assert all(a.price < b.price for a, b in itertools.pairwise(asks))
    assert all(a.price > b.price for a, b in itertools.pairwise(bids))
    assert market.book_levels(AAPL, "BUY") == market.depth(AAPL, 1000)[1]


def test_a_subscriber_reading_depth_sees_the_book_of_the_event(universe):
    """Whoever reacts to a quote (the order engine) reads the book of that quote's second,
    with or without a depth subscription, even when the market catches up several seconds."""
    market = make_market(universe)
    quoted: list[tuple[float, float, float, float]] = []
    booked: list[tuple[float, float, float, float]] = []

    def check(event: MarketEvent) -> None:
        if isinstance(event, QuoteChange):
            bids, asks = market.depth(AAPL, 1)
            quoted.append((event.bid, event.bidSize, event.ask, event.askSize))
            booked.append((bids[0].price, bids[0].size, asks[0].price, asks[0].size))

    market.subscribe(AAPL, check)
    run_seconds(market, 5)
    market.clock.advance(5)
    market.step()
    assert len(quoted) >= 5 and booked == quoted


def test_the_book_stays_with_the_quote_between_sessions(universe):
    """After the close the quote freezes; the book (watched with or without depth, for a depth
    subscriber arriving later, or unwatched) is the book of that frozen quote."""
    market = make_market(universe, start=datetime(2026, 11, 24, 19, 58, tzinfo=NY))
    market.subscribe(AAPL, lambda event: None)
    run_seconds(market, 600)  # 20:08, two minutes after the extended session ended
    q = market.quote(AAPL)
    bids, asks = market.depth(AAPL, 1)
    assert (bids[0].price, bids[0].size, asks[0].price) == (q.bid, q.bidSize, q.ask)
    market.subscribe(AAPL, lambda event: None, depth=True)
    bids, asks = market.depth(AAPL, 1)
    assert (bids[0].price, bids[0].size, asks[0].price) == (q.bid, q.bidSize, q.ask)
    # Nobody watching: a snapshot an hour later shows the same closing quote and book.
    later = make_market(universe, start=datetime(2026, 11, 24, 21, 8, tzinfo=NY))
    snap = later.quote(AAPL)
    assert (snap.bid, snap.ask, snap.bidSize) == (q.bid, q.ask, q.bidSize)
    assert later.depth(AAPL, 1)[0][0] == bids[0]
    later.subscribe(AAPL, lambda event: None)
    assert later.quote(AAPL).bid == q.bid


def test_events_arrive_in_order_and_match_the_quote(universe):
    market = make_market(universe)
    events: list[MarketEvent] = []
    unsubscribe = market.subscribe(AAPL, events.append)
    run_seconds(market, 20)
    assert {type(e) for e in events} == {QuoteChange, Trade}
    times = [e.time for e in events]
    assert times == sorted(times)
    last_quote = [e for e in events if isinstance(e, QuoteChange)][-1]
    q = market.quote(AAPL)
    assert (q.bid, q.ask, q.bidSize, q.askSize) == (
        last_quote.bid,
        last_quote.ask,
        last_quote.bidSize,
        last_quote.askSize,
    )
    trades = [e for e in events if isinstance(e, Trade)]
    assert q.last == trades[-1].price and q.volume == trades[-1].volume
    for t in trades:  # a trade prints at the bid or the ask of its second
        quote = [e for e in events if isinstance(e, QuoteChange) and e.time <= t.time][-1]
        assert t.price in (quote.bid, quote.ask)
    # the book of a watched instrument moves with the feed even without a depth subscription
    bids, asks = market.depth(AAPL, 5)
    assert (bids[0].price, bids[0].size, asks[0].price) == (q.bid, q.bidSize, q.ask)
    unsubscribe()
    count = len(events)
    run_seconds(market, 5)
    assert len(events) == count
    assert market.watched() == []


def test_same_seed_same_live_path(universe):
    def record(seed: int) -> list[MarketEvent]:
        market = make_market(universe, seed)
        events: list[MarketEvent] = []
        market.subscribe(AAPL, events.append)
        run_seconds(market, 30)
        return events

    assert record(7) == record(7)
    assert record(7) != record(9)


def test_no_trades_outside_trading_hours(universe):
    night = datetime(2026, 11, 24, 21, 0, tzinfo=NY)
    market = make_market(universe, start=night)
    events: list[MarketEvent] = []
    market.subscribe(AAPL, events.append)
    run_seconds(market, 30)
    assert events == []
    assert market.quote(AAPL).bid > 0  # the quote stays
    fx: list[MarketEvent] = []
    market.subscribe(EURUSD, fx.append)
    run_seconds(market, 10)
    assert fx and all(isinstance(e, QuoteChange) for e in fx)


def test_index_prints_values_without_quotes(universe):
    market = make_market(universe)
    events: list[MarketEvent] = []
    market.subscribe(SPX, events.append)
    run_seconds(market, 30)
    assert events and all(isinstance(e, Trade) and e.size == 0 for e in events)


def test_depth_diff_rules():
    a, b, c = Level(10.0, 1), Level(9.99, 2), Level(9.98, 3)
    assert depth_diff(BID_SIDE, [], [a, b]) == [
        d for d in depth_diff(BID_SIDE, [], [a, b]) if d.operation == INSERT
    ]
    assert [(d.position, d.operation) for d in depth_diff(BID_SIDE, [], [a, b])] == [
        (0, INSERT),
        (1, INSERT),
    ]
    ops = depth_diff(ASK_SIDE, [a, b, c], [Level(10.0, 5), b])
    assert [(d.position, d.operation, d.size) for d in ops] == [(0, UPDATE, 5), (2, DELETE, 3)]
    assert depth_diff(BID_SIDE, [a, b], [a, b]) == []
    grow = depth_diff(BID_SIDE, [a], [b, a, c])
    assert [(d.position, d.operation) for d in grow] == [(0, UPDATE), (1, INSERT), (2, INSERT)]


@pytest.mark.parametrize("watched_before", [False, True])
def test_live_depth_changes_apply_by_position(universe, watched_before):
    market = make_market(universe)
    events: list[MarketEvent] = []
    if watched_before:  # a quote subscriber first: the book must still start current
        market.subscribe(AAPL, lambda event: None)
        run_seconds(market, 7)
    market.subscribe(AAPL, events.append, depth=True)
    bids, asks = market.depth(AAPL, 1000)
    q = market.quote(AAPL)
    assert (bids[0].price, bids[0].size, asks[0].size) == (q.bid, q.bidSize, q.askSize)
    book = {ASK_SIDE: {i: (lv.price, lv.size) for i, lv in enumerate(asks)}}
    book[BID_SIDE] = {i: (lv.price, lv.size) for i, lv in enumerate(bids)}
    run_seconds(market, 15)
    depth = [e for e in events if isinstance(e, DepthChange)]
    assert depth
    for change in depth:  # apply like ib_async: rows keyed by position, no shifting
        for op in change.ops:
            rows = book[op.side]
            if op.operation == INSERT:
                assert op.position == len(rows)
            if op.operation == DELETE:
                assert op.position == len(rows) - 1
                rows.pop(op.position)
            else:
                rows[op.position] = (op.price, op.size)
    bids, asks = market.depth(AAPL, 1000)
    assert [book[BID_SIDE][i] for i in range(len(bids))] == [(lv.price, lv.size) for lv in bids]
    assert [book[ASK_SIDE][i] for i in range(len(asks))] == [(lv.price, lv.size) for lv in asks]


def test_pause_resume_and_flood(universe):
    market = make_market(universe)
    events: list[MarketEvent] = []
    market.subscribe(AAPL, events.append)
    market.pause()
    run_seconds(market, 10)
    assert events == [] and market.paused
    market.resume()
    run_seconds(market, 2)
    assert events
    assert events[0].time == market.clock.epoch() - 2  # resumed from "now", nothing replayed
    daily = market.bars(AAPL, None, "1 D", "1 day", "TRADES", False)
    assert market.quote(AAPL).volume == daily[-1].volume  # session figures caught up


def test_flood_owes_no_burst_for_idle_or_stalled_time(universe, monkeypatch):
    """Credit for time with nobody subscribed (between two clients), or for a step that came
    late, came out as one burst: 10 s idle at 1000/s was 10,000 ticks in one step, which stalls
    the gateway's loop for seconds (and at a high rate for good)."""
    real = [1000.0]
    monkeypatch.setattr(live.time, "monotonic", lambda: real[0])
    market = make_market(universe)
    market.flood(1000)
    events: list[MarketEvent] = []
    unsubscribe = market.subscribe(AAPL, events.append)
    market.step()
    unsubscribe()
    real[0] += 10  # nobody subscribed for 10 s
    market.step()
    market.subscribe(AAPL, events.append)
    events.clear()
    real[0] += 0.05
    market.step()
    market.step()
    assert len(events) <= 50
    real[0] += 5  # a step 5 s late owes at most MAX_FLOOD_CATCH_UP_S of ticks
    events.clear()
    market.step()
    assert len(events) <= 1000 * live.MAX_FLOOD_CATCH_UP_S + 1


@pytest.mark.asyncio
async def test_run_follows_the_clock_and_floods(universe):
    market = Market(universe, SimClock(START, speed=20), 7)
    events: list[MarketEvent] = []
    market.subscribe(AAPL, events.append)
    market.flood(2000)
    task = asyncio.ensure_future(market.run())
    try:
        await wait_until(
            lambda: len(events) >= 300 and any(isinstance(e, Trade) for e in events),
            message="run() printed trades and flood quotes",
        )
    finally:
        market.stop()
        await asyncio.wait_for(task, 2)
    assert any(isinstance(e, Trade) for e in events)
    flood = [e for e in events if isinstance(e, QuoteChange) and (e.time * 4) % 1]
    assert flood, "flood events arrive between the stock's 250 ms L1 samples"
