"""The market inside a second: L1 and depth on each asset class's cadence, prints at their own
milliseconds, and history equal to the live feed to the millisecond."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from ib_async import LimitOrder

from terminal_app.simulator.market import DepthChange, Market, MarketEvent, QuoteChange, Trade
from terminal_app.simulator.market.bars import HistoricalTickRow
from tests.simulator.test_trading_harness import (
    AAPL,
    EURUSD,
    SPX,
    MarketHarness,
    es_front,
    make_market,
)

SECONDS = 6


def run_fine(market: Market, seconds: float, step: float = 0.01) -> None:
    """Drive the frozen clock in small steps, like the gateway's sub-second wake-ups."""
    for _ in range(round(seconds / step)):
        market.clock.advance(step)
        market.step()


def record(market: Market, con_id: int, depth: bool = False) -> list[MarketEvent]:
    events: list[MarketEvent] = []
    market.subscribe(con_id, events.append, depth=depth)
    return events


def per_second(times: list[float]) -> Counter[int]:
    return Counter(int(t) for t in times)


def fractions(times: list[float]) -> set[float]:
    return {round(t % 1, 3) for t in times}


def test_level_one_moves_on_each_asset_class_cadence(universe):
    market = make_market(universe)
    start = market.clock.epoch()
    stock, fx, index = record(market, AAPL), record(market, EURUSD), record(market, SPX)
    run_fine(market, SECONDS + 0.5)
    whole = range(int(start) + 1, int(start) + SECONDS)

    aapl = [e.time for e in stock if isinstance(e, QuoteChange)]
    assert fractions(aapl) <= {0.0, 0.25, 0.5, 0.75}  # aggregated L1 every 250 ms
    assert min(per_second(aapl)[s] for s in whole) >= 3
    eurusd = [e.time for e in fx if isinstance(e, QuoteChange)]
    assert fractions(eurusd) <= {k / 10 for k in range(10)}  # forex every 100 ms
    assert min(per_second(eurusd)[s] for s in whole) >= 6
    assert not [e for e in index if isinstance(e, QuoteChange)]  # an index has no quote
    assert max(per_second([e.time for e in index]).values()) <= 3  # values about once a second


def test_future_depth_moves_faster_than_its_quote(universe):
    market = make_market(universe)
    es = es_front(universe)
    events = record(market, es, depth=True)
    run_fine(market, SECONDS)
    depth = [e.time for e in events if isinstance(e, DepthChange)]
    quotes = [e.time for e in events if isinstance(e, QuoteChange)]
    assert fractions(depth) <= {k / 8 for k in range(8)} and len(fractions(depth)) >= 6
    assert fractions(quotes) <= {0.0, 0.25, 0.5, 0.75}
    assert len(depth) >= 7 * (SECONDS - 1) > len(quotes)
    # on every L1 sample the quote is the top of the book the depth stream has built
    bids, asks = market.depth(es, 1)
    q = market.quote(es)
    assert (bids[0].price, asks[0].price) == (q.bid, q.ask)


def test_prints_carry_their_own_milliseconds(universe):
    market = make_market(universe)
    events = record(market, AAPL)
    run_fine(market, SECONDS)
    trades = [e for e in events if isinstance(e, Trade)]
    assert len(trades) >= SECONDS
    times = [t.time for t in trades]
    assert times == sorted(times) and len(fractions(times)) > len(trades) // 2
    assert all(t.time < market.clock.epoch() for t in trades)
    # the quote in force when a print happens is the one it printed at (bid or ask)
    for trade in trades:
        quote = [e for e in events if isinstance(e, QuoteChange) and e.time <= trade.time][-1]
        assert trade.price in (quote.bid, quote.ask)


def _tick_time(row: HistoricalTickRow) -> float:
    return row.time.timestamp()


def test_history_equals_the_live_feed_to_the_millisecond(universe):
    market = make_market(universe)
    start = market.clock.epoch()
    events = record(market, AAPL)
    run_fine(market, SECONDS)
    end = market.clock.epoch()
    live_prints = [(e.time, e.price, e.size) for e in events if isinstance(e, Trade)]
    rows = market.historical_ticks(AAPL, start, end, 1000, "TRADES", False)
    history = [(_tick_time(r), r.price, r.size) for r in rows]  # type: ignore[union-attr]
    assert [round(t, 3) for t, _, _ in history] == [round(t, 3) for t, _, _ in live_prints]
    assert [(p, s) for _, p, s in history] == [(p, s) for _, p, s in live_prints]
    # BID_ASK history lists every L1 sample; the live feed sends the ones that changed
    quotes = [
        (round(e.time, 3), e.bid, e.ask, e.bidSize, e.askSize)
        for e in events
        if isinstance(e, QuoteChange)
    ]
    rows = market.historical_ticks(AAPL, start - 1, end, 1000, "BID_ASK", False)
    samples = [
        (round(_tick_time(r), 3), r.priceBid, r.priceAsk, r.sizeBid, r.sizeAsk)  # type: ignore[union-attr]
        for r in rows
    ]
    changed = [s for i, s in enumerate(samples) if i and s[1:] != samples[i - 1][1:]]
    assert [s for s in changed if s[0] >= start] == quotes and len(quotes) > 3 * SECONDS


def test_a_snapshot_shows_the_latest_sample(universe):
    """Unwatched, the quote is the L1 sample in force, the same one a subscriber holds."""
    watched = make_market(universe)
    record(watched, AAPL)
    run_fine(watched, 1.3)
    later = make_market(universe, start=datetime.fromtimestamp(watched.clock.epoch()).astimezone())
    a, b = watched.quote(AAPL), later.quote(AAPL)
    assert (a.bid, a.ask, a.bidSize, a.askSize) == (b.bid, b.ask, b.bidSize, b.askSize)


def test_a_resting_limit_fills_at_the_instant_the_market_reaches_it() -> None:
    """Stepped every 10 ms like the gateway: the fill comes from the first print or L1 sample
    through the limit, stamped with its millisecond, in the same step it was emitted."""
    h = MarketHarness()
    seen: list[MarketEvent] = []
    h.market.subscribe(AAPL, seen.append)
    limit = round(h.market.quote(AAPL).bid - 0.03, 2)
    oid = h.place(LimitOrder("BUY", 100, limit))
    for _ in range(60_000):
        h.clock.advance(0.01)
        h.market.step()
        h.engine.poll()
        if h.last_status(oid).status == "Filled":
            break
    fill = h.fills(oid)[0].execution
    reached = next(
        e
        for e in seen
        if (isinstance(e, Trade) and e.price <= limit)
        or (isinstance(e, QuoteChange) and e.ask <= limit)
    )
    assert fill.price <= limit and fill.time.timestamp() == pytest.approx(reached.time, abs=1e-6)
    assert h.clock.epoch() - reached.time <= 0.01 + 1e-6
