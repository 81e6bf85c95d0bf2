"""History from the price path: determinism, bar counts, OHLC sanity, limits, consistency."""

import math
from datetime import date, datetime

import pytest

from terminal_app.simulator.market import HistoricalDataError, Market, Trade
from tests.simulator.test_trading_harness import (
    AAPL,
    EURUSD,
    NY,
    SPX,
    es_front,
    make_market,
)

MONDAY_CLOSE = datetime(2026, 11, 23, 16, 0, tzinfo=NY)


@pytest.fixture
def market(universe) -> Market:
    return make_market(universe)


def assert_sane(bars, tick: float, trades: bool = True) -> None:
    assert bars
    for b in bars:
        assert b.low <= min(b.open, b.close) <= max(b.open, b.close) <= b.high
        for price in (b.open, b.high, b.low, b.close):
            assert abs(price / tick - round(price / tick)) < 1e-6, price
        if trades:
            assert b.volume > 0 and b.barCount > 0 and b.low <= b.average <= b.high
        else:
            assert (b.volume, b.barCount, b.average) == (-1, -1, -1)
    dates = [b.date for b in bars]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)


def test_same_seed_same_history_other_seed_differs(universe):
    requests = [
        (AAPL, "1 D", "1 min", "TRADES", False),
        (es_front(universe), "2 D", "5 mins", "TRADES", False),
        (EURUSD, "1 W", "1 hour", "MIDPOINT", False),
        (AAPL, "1 Y", "1 day", "TRADES", True),
    ]
    a, b, c = make_market(universe), make_market(universe), make_market(universe, seed=8)
    for con_id, duration, size, what, rth in requests:
        first = a.bars(con_id, MONDAY_CLOSE, duration, size, what, rth)
        assert first == b.bars(con_id, MONDAY_CLOSE, duration, size, what, rth)
        assert first != c.bars(con_id, MONDAY_CLOSE, duration, size, what, rth)


def test_a_window_does_not_depend_on_what_was_asked_before(universe):
    a, b = make_market(universe), make_market(universe)
    a.bars(AAPL, MONDAY_CLOSE, "1 M", "1 hour", "TRADES", False)  # warms caches differently
    assert a.bars(AAPL, MONDAY_CLOSE, "1 D", "1 min", "TRADES", True) == b.bars(
        AAPL, MONDAY_CLOSE, "1 D", "1 min", "TRADES", True
    )


@pytest.mark.parametrize(
    ("duration", "bar_size", "count"),
    [
        ("1 D", "1 min", 390),
        ("1 D", "5 mins", 78),
        ("1 D", "30 mins", 13),
        ("1 D", "1 hour", 7),  # 09:30, 10:00 ... 15:00
        ("3600 S", "1 min", 60),
        ("2 D", "15 mins", 52),
        ("1 W", "1 day", 5),
        ("1 D", "1 day", 1),
    ],
)
def test_bar_counts_regular_hours(market, duration, bar_size, count):
    bars = market.bars(AAPL, MONDAY_CLOSE, duration, bar_size, "TRADES", True)
    assert len(bars) == count
    assert_sane(bars, 0.01)


def test_second_bars(market):
    end = datetime(2026, 11, 23, 15, 0, tzinfo=NY)
    bars = market.bars(AAPL, end, "1800 S", "1 secs", "MIDPOINT", True)
    assert len(bars) == 1800
    assert bars[0].date == datetime(2026, 11, 23, 14, 30, tzinfo=NY)
    assert_sane(bars, 0.005, trades=False)
    five = market.bars(AAPL, end, "1800 S", "5 secs", "TRADES", True)
    assert len(five) == 360
    assert_sane(five, 0.01)


def test_use_rth_and_dates(market):
    full = market.bars(AAPL, MONDAY_CLOSE, "1 D", "1 hour", "TRADES", False)
    rth = market.bars(AAPL, MONDAY_CLOSE, "1 D", "1 hour", "TRADES", True)
    assert full[0].date.astimezone(NY).hour == 4
    assert rth[0].date == datetime(2026, 11, 23, 9, 30, tzinfo=NY)
    for b in rth:
        local = b.date.astimezone(NY)
        assert (9, 30) <= (local.hour, local.minute) < (16, 0)
    daily = market.bars(AAPL, MONDAY_CLOSE, "1 M", "1 day", "TRADES", True)
    assert all(type(b.date) is date and b.date.weekday() < 5 for b in daily)
    assert_sane(daily, 0.01)
    weekly = market.bars(AAPL, MONDAY_CLOSE, "6 M", "1 week", "TRADES", True)
    assert 25 <= len(weekly) <= 28
    monthly = market.bars(AAPL, MONDAY_CLOSE, "2 Y", "1 month", "TRADES", True)
    assert 24 <= len(monthly) <= 25
    assert_sane(weekly, 0.01)
    assert_sane(monthly, 0.01)


def test_midpoint_bid_ask_and_forex(universe, market):
    spread = 0.00005
    mid = market.bars(EURUSD, MONDAY_CLOSE, "1 D", "5 mins", "MIDPOINT", False)
    bid = market.bars(EURUSD, MONDAY_CLOSE, "1 D", "5 mins", "BID", False)
    ask = market.bars(EURUSD, MONDAY_CLOSE, "1 D", "5 mins", "ASK", False)
    assert_sane(bid, spread, trades=False)
    assert_sane(mid, spread / 2, trades=False)
    for m, b, a in zip(mid, bid, ask, strict=True):
        assert a.high == pytest.approx(b.high + spread) and m.low == pytest.approx(
            b.low + spread / 2
        )
    with pytest.raises(HistoricalDataError) as err:
        market.bars(EURUSD, MONDAY_CLOSE, "1 D", "5 mins", "TRADES", False)
    assert (
        err.value.code == 162
        and "Historical Market Data Service error message" in err.value.message
    )
    index = market.bars(SPX, MONDAY_CLOSE, "1 D", "1 hour", "TRADES", True)
    assert index and all(b.volume == 0 for b in index)


def test_limits_are_refused_like_ib(market):
    with pytest.raises(HistoricalDataError, match="greater than 365 days"):
        market.bars(AAPL, MONDAY_CLOSE, "2 Y", "1 hour", "TRADES", True)
    with pytest.raises(HistoricalDataError, match="Time length exceed max") as err:
        market.bars(AAPL, MONDAY_CLOSE, "1 D", "1 secs", "TRADES", True)
    assert err.value.code == 162
    with pytest.raises(HistoricalDataError, match="Time length exceed max"):
        market.bars(AAPL, MONDAY_CLOSE, "2 D", "5 secs", "TRADES", False)
    with pytest.raises(HistoricalDataError, match="Time length exceed max"):
        market.bars(AAPL, MONDAY_CLOSE, "6 Y", "1 day", "TRADES", False)
    with pytest.raises(HistoricalDataError, match="Time length exceed max"):
        market.bars(EURUSD, MONDAY_CLOSE, "1 Y", "1 min", "MIDPOINT", False)
    assert len(market.bars(AAPL, MONDAY_CLOSE, "1 D", "5 secs", "TRADES", True)) > 4000
    with pytest.raises(HistoricalDataError) as bad:
        market.bars(AAPL, MONDAY_CLOSE, "1 D", "7 mins", "TRADES", True)
    assert bad.value.code == 321
    with pytest.raises(HistoricalDataError):
        market.bars(AAPL, MONDAY_CLOSE, "ten days", "1 min", "TRADES", True)


def test_history_starts_at_the_head_timestamp(universe, market):
    es = es_front(universe)
    head = market.head_timestamp(es, "TRADES", False)
    assert head.year == 2024
    bars = market.bars(es, MONDAY_CLOSE, "4 Y", "1 month", "TRADES", False)
    assert bars[0].date >= head.date()


def _aggregate(bars):
    return (
        bars[0].open,
        max(b.high for b in bars),
        min(b.low for b in bars),
        bars[-1].close,
        sum(b.volume for b in bars),
        sum(b.barCount for b in bars),
    )


def _ohlcvn(b):
    return (b.open, b.high, b.low, b.close, b.volume, b.barCount)


def test_bar_sizes_agree_with_each_other(universe, market):
    end = datetime(2026, 11, 23, 11, 0, tzinfo=NY)
    minute = market.bars(AAPL, end, "60 S", "1 min", "TRADES", True)
    seconds = market.bars(AAPL, end, "60 S", "1 secs", "TRADES", True)
    assert len(minute) == 1 and _ohlcvn(minute[0]) == _aggregate(seconds)
    hour = market.bars(AAPL, end, "3600 S", "1 hour", "TRADES", True)
    minutes = market.bars(AAPL, end, "3600 S", "1 min", "TRADES", True)
    assert _ohlcvn(hour[-1]) == _aggregate(minutes)
    es = es_front(universe)
    day = market.bars(es, MONDAY_CLOSE, "1 D", "1 day", "TRADES", False)
    hours = market.bars(es, MONDAY_CLOSE, "1 D", "1 hour", "TRADES", False)
    assert _ohlcvn(day[-1]) == _aggregate(hours)


def test_historical_ticks_match_bars(market):
    end = datetime(2026, 11, 23, 11, 0, tzinfo=NY)
    (bar,) = market.bars(AAPL, end, "60 S", "1 min", "TRADES", True)
    ticks = market.historical_ticks(AAPL, bar.date, None, 1000, "TRADES", True)
    in_minute = [t for t in ticks if t.time < end]
    assert sum(t.size for t in in_minute) == bar.volume and len(in_minute) == bar.barCount
    assert in_minute[0].price == bar.open and max(t.price for t in in_minute) == bar.high
    backwards = market.historical_ticks(AAPL, None, end, 10, "BID_ASK", True)
    assert len(backwards) == 10 and backwards[-1].time < end
    assert all(t.priceAsk - t.priceBid == pytest.approx(0.01) for t in backwards)
    assert [t.time for t in backwards] == sorted(t.time for t in backwards)
    mids = market.historical_ticks(AAPL, end, None, 5, "MIDPOINT", True)
    assert len(mids) == 5 and mids[0].time == end


def test_realtime_bar_matches_five_second_history(market):
    end = datetime(2026, 11, 23, 11, 0, tzinfo=NY)
    five = market.bars(AAPL, end, "60 S", "5 secs", "TRADES", True)
    rt = market.realtime_bar(AAPL, int(five[3].date.timestamp()), "TRADES")
    assert rt is not None
    assert (rt.open_, rt.high, rt.low, rt.close, rt.volume, rt.count) == _ohlcvn(five[3])


def test_history_joins_the_live_path(universe):
    market = make_market(universe)
    before = market.bars(AAPL, None, "1 D", "1 min", "TRADES", False)
    partial = before[-1]
    events: list[object] = []
    market.subscribe(AAPL, events.append)
    for _ in range(90):
        market.clock.advance(1)
        market.step()
    trades = [e for e in events if isinstance(e, Trade)]
    assert trades, "the live feed printed"
    after = market.bars(AAPL, None, "1 D", "1 min", "TRADES", False)
    assert after[: len(before) - 1] == before[:-1]  # closed bars never change
    assert isinstance(partial.date, datetime)
    minute = math.floor(partial.date.timestamp() / 60) * 60
    # the bar that was partial continues exactly with the live prints of its minute
    same = [t for t in trades if minute <= t.time < minute + 60]
    grown = after[len(before) - 1]
    assert grown.date == partial.date
    assert grown.volume == partial.volume + sum(t.size for t in same)
    assert grown.high == max([partial.high] + [t.price for t in same])
    assert grown.low == min([partial.low] + [t.price for t in same])
    assert grown.close == same[-1].price if same else partial.close
    # the next bar is exactly the live prints of the next minute
    nxt = [t for t in trades if minute + 60 <= t.time < minute + 120]
    assert _ohlcvn(after[len(before)])[:5] == (
        nxt[0].price,
        max(t.price for t in nxt),
        min(t.price for t in nxt),
        nxt[-1].price,
        sum(t.size for t in nxt),
    )
    last_start = after[-1].date
    assert isinstance(last_start, datetime)
    assert after[-1].volume == sum(t.size for t in trades if t.time >= last_start.timestamp())
    # the live session volume is the sum of the history
    assert trades[-1].volume == market.quote(AAPL).volume
    daily = market.bars(AAPL, None, "1 D", "1 day", "TRADES", False)
    assert daily[-1].volume == trades[-1].volume
    keep = market.current_bar(AAPL, "1 min", "TRADES", False)
    assert keep == after[-1]


def test_an_early_close_does_not_shorten_another_day_of_the_same_shape(universe):
    """Session masks are shared by days of one layout: the day after Thanksgiving 2025 (13:00
    close) once gave every later Friday in EST a 13:00 close."""
    market = make_market(universe)
    early = market.bars(
        AAPL, datetime(2025, 11, 28, 17, 0, tzinfo=NY), "1 D", "15 mins", "TRADES", True
    )
    friday = market.bars(
        AAPL, datetime(2026, 11, 20, 17, 0, tzinfo=NY), "1 D", "15 mins", "TRADES", True
    )
    assert (len(early), len(friday)) == (14, 26)
