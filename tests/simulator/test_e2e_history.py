"""Historical data end to end through ib_async: counts, OHLC sanity, dates, updates, pacing."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools

import pytest
from ib_async import IB, BarData, BarDataList, Forex, Stock, util

from terminal_app.simulator import connection
from terminal_app.simulator.connection import Connection
from terminal_app.simulator.gateway import SimulatedGateway
from terminal_app.simulator.protocol import framing
from tests.sim_fixtures import connected_ib, qualified, running_gateway, sim_config
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio

AAPL = Stock("AAPL", "SMART", "USD")


def stamp(value: dt.date | dt.datetime) -> float:
    if isinstance(value, dt.datetime):
        return value.timestamp()
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC).timestamp()


def assert_sane(bars: list[BarData], volume: bool = True) -> None:
    assert bars
    for bar in bars:
        assert bar.low <= min(bar.open, bar.close) <= max(bar.open, bar.close) <= bar.high
        if volume:
            assert bar.volume >= 0
    times = [stamp(b.date) for b in bars]
    assert all(a < b for a, b in itertools.pairwise(times)), "dates must increase"


@pytest.mark.parametrize(
    ("duration", "bar_size", "rth", "low", "high"),
    [
        # The fixture's clock starts Tuesday 2026-11-24 10:00 New York.
        ("1 D", "5 mins", True, 7, 7),  # 09:30 … 10:00 (the bar in progress included)
        ("1800 S", "1 min", True, 30, 31),
        ("60 S", "1 secs", False, 60, 61),  # MIDPOINT: a bar every second
        ("1 W", "1 day", True, 5, 6),
        ("1 M", "1 day", True, 20, 24),
        ("1 Y", "1 week", True, 52, 54),
        ("2 Y", "1 month", True, 24, 26),
        ("2 D", "1 hour", True, 8, 9),  # 7 RTH hours yesterday (09:30 first) + today's first
    ],
)
async def test_bar_counts_and_sanity(
    sim_ib: IB, duration: str, bar_size: str, rth: bool, low: int, high: int
) -> None:
    aapl = await qualified(sim_ib, AAPL)
    what = "MIDPOINT" if bar_size == "1 secs" else "TRADES"
    bars = await sim_ib.reqHistoricalDataAsync(aapl, "", duration, bar_size, what, rth)
    assert low <= len(bars) <= high, f"{duration}/{bar_size}: {len(bars)} bars"
    assert_sane(bars, volume=what == "TRADES")


async def test_end_date_time_and_format_date_2(sim_ib: IB) -> None:
    aapl = await qualified(sim_ib, AAPL)
    end = dt.datetime(2026, 11, 23, 16, 0, tzinfo=dt.UTC)  # Monday 11:00 New York
    bars = await sim_ib.reqHistoricalDataAsync(
        aapl, end, "3600 S", "1 min", "MIDPOINT", False, formatDate=2
    )
    assert len(bars) == 60
    assert_sane(bars, volume=False)
    last = bars[-1].date
    assert isinstance(last, dt.datetime) and last.tzinfo is not None
    assert last.timestamp() == end.timestamp() - 60


async def test_forex_midpoint_bid_ask_and_no_trades(sim_ib: IB) -> None:
    eur = await qualified(sim_ib, Forex("EURUSD"))
    mid, bid, ask = [
        await sim_ib.reqHistoricalDataAsync(eur, "", "1 D", "1 hour", what, False)
        for what in ("MIDPOINT", "BID", "ASK")
    ]
    assert len(mid) == len(bid) == len(ask) > 10
    assert all(b.close < a.close for b, a in zip(bid, ask, strict=True))
    errors: list[int] = []
    sim_ib.errorEvent += lambda req_id, code, text, contract: errors.append(code)
    trades = await sim_ib.reqHistoricalDataAsync(eur, "", "1 D", "1 hour", "TRADES", False)
    assert len(trades) == 0
    await wait_until(lambda: 162 in errors, 5)


async def test_head_timestamp_and_historical_ticks(sim_ib: IB) -> None:
    aapl = await qualified(sim_ib, AAPL)
    head = await sim_ib.reqHeadTimeStampAsync(aapl, "TRADES", True, 1)
    assert isinstance(head, dt.datetime) and head.year < 2010
    end = dt.datetime(2026, 11, 24, 14, 59, tzinfo=dt.UTC)
    trades = await sim_ib.reqHistoricalTicksAsync(aapl, "", end, 50, "TRADES", False)
    quotes = await sim_ib.reqHistoricalTicksAsync(aapl, "", end, 20, "BID_ASK", False)
    mids = await sim_ib.reqHistoricalTicksAsync(aapl, "", end, 20, "MIDPOINT", False)
    assert len(trades) >= 50 and len(quotes) == 20 and len(mids) == 20
    assert all(t.time <= end for t in trades) and all(t.size > 0 for t in trades)
    assert all(q.priceBid < q.priceAsk for q in quotes)


async def test_keep_up_to_date_updates_and_new_bars() -> None:
    async with running_gateway(sim_config(speed=40)) as gateway, connected_ib(gateway) as ib:
        aapl = await qualified(ib, AAPL)
        bars = await ib.reqHistoricalDataAsync(
            aapl, "", "600 S", "1 min", "TRADES", False, keepUpToDate=True
        )
        assert isinstance(bars, BarDataList) and bars
        first_count = len(bars)
        updates: list[bool] = []
        bars.updateEvent += lambda b, has_new_bar: updates.append(has_new_bar)
        await wait_until(lambda: True in updates and len(updates) >= 3, 10, "no new bar")
        assert len(bars) > first_count
        assert_sane(list(bars))
        ib.cancelHistoricalData(bars)
        await wait_until(lambda: gateway.server.by_client_id[1].count("history") == 0, 5)


async def test_pacing_violation_after_60_requests() -> None:
    async with running_gateway() as gateway, connected_ib(gateway) as ib:
        aapl = await qualified(ib, AAPL)
        errors: list[tuple[int, int]] = []
        ib.errorEvent += lambda req_id, code, text, contract: errors.append((req_id, code))
        results = [
            await ib.reqHistoricalDataAsync(aapl, "", "60 S", "1 secs", "MIDPOINT", False)
            for _ in range(61)
        ]
        assert all(results[:60]) and len(results[60]) == 0
        await wait_until(lambda: [code for _, code in errors] == [162], 5)


async def test_same_seed_same_history_other_seed_differs() -> None:
    async def history(seed: int) -> list[tuple[object, ...]]:
        async with running_gateway(sim_config(seed=seed)) as gw, connected_ib(gw) as ib:
            aapl = await qualified(ib, AAPL)
            end = dt.datetime(2026, 11, 24, 14, 30, tzinfo=dt.UTC)
            rows: list[tuple[object, ...]] = []
            for duration, size in (("1 D", "5 mins"), ("1 Y", "1 day")):
                bars = await ib.reqHistoricalDataAsync(aapl, end, duration, size, "TRADES", True)
                rows += [(b.date, b.open, b.high, b.low, b.close, b.volume) for b in bars]
            return rows

    first, again, other = await history(7), await history(7), await history(8)
    assert first == again
    assert first != other


async def test_ibapi_style_end_date_formats(sim_gateway: SimulatedGateway) -> None:
    from terminal_app.simulator.handlers.history import parse_end

    utc = dt.UTC
    assert parse_end("") is None
    assert parse_end("20261124-15:00:00") == dt.datetime(2026, 11, 24, 15, tzinfo=utc)
    assert parse_end("20261124 15:00:00 UTC") == dt.datetime(2026, 11, 24, 15, tzinfo=utc)
    ny = parse_end("20261124 10:00:00")
    assert ny is not None and ny.astimezone(utc).hour == 15
    assert parse_end("20261124 10:00:00 US/Eastern") == ny


def history_replies(written: list[bytes]) -> list[int]:
    """The reqIds of the historicalData messages in what the server wrote."""
    reader = framing.FrameReader(expect_prefix=False)
    messages = [framing.split_fields(m) for data in written for m in reader.feed(data)]
    return [int(fields[1]) for fields in messages if fields[0] == "17"]


def spy_writes(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    written: list[bytes] = []
    write = conn._write

    def record(data: bytes) -> None:
        written.append(data)
        write(data)

    monkeypatch.setattr(conn, "_write", record)
    return written


async def test_large_reply_is_encoded_across_loop_passes(
    sim_ib: IB, sim_gateway: SimulatedGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big history reply does not hold the loop: with no time budget every slice of rows is
    its own loop pass, a request sent after it is answered first, and the bars are the same."""
    aapl = await qualified(sim_ib, AAPL)
    end = dt.datetime(2026, 11, 24, 14, 30, tzinfo=dt.UTC)
    args = (aapl, end, "2 D", "1 min", "TRADES", False)
    whole = await sim_ib.reqHistoricalDataAsync(*args)
    assert len(whole) > 4 * connection.SLICE_ROWS

    monkeypatch.setattr(sim_gateway.server.slicer, "budget_s", 0.0)
    conn = sim_gateway.server.by_client_id[1]
    written = spy_writes(conn, monkeypatch)
    done: list[str] = []
    req_id = sim_ib.client.getReqId()
    sliced = BarDataList()
    history = sim_ib.wrapper.startReq(req_id, aapl, container=sliced)
    history.add_done_callback(lambda _: done.append("history"))
    sim_ib.client.reqHistoricalData(
        req_id, aapl, util.formatIBDatetime(end), "2 D", "1 min", "TRADES", False, 1, False, []
    )
    clock = asyncio.ensure_future(sim_ib.reqCurrentTimeAsync())  # sent after the history
    clock.add_done_callback(lambda _: done.append("currentTime"))
    await asyncio.wait_for(history, 10)
    await asyncio.wait_for(clock, 5)
    assert done == ["currentTime", "history"]
    assert history_replies(written) == [req_id]  # still one message
    assert [(b.date, b.open, b.high, b.low, b.close, b.volume) for b in sliced] == [
        (b.date, b.open, b.high, b.low, b.close, b.volume) for b in whole
    ]
    assert conn.count("history") == 0  # a plain request leaves no subscription behind


async def test_cancel_abandons_a_reply_being_encoded(
    sim_ib: IB, sim_gateway: SimulatedGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sim_gateway.server.slicer, "budget_s", 0.0)
    aapl = await qualified(sim_ib, AAPL)
    conn = sim_gateway.server.by_client_id[1]
    written = spy_writes(conn, monkeypatch)
    cancelled = sim_ib.client.getReqId()
    # Sent back to back: the reply has only begun when the cancel is read.
    sim_ib.client.reqHistoricalData(
        cancelled, aapl, "", "2 D", "1 min", "TRADES", False, 1, False, []
    )
    sim_ib.client.cancelHistoricalData(cancelled)
    # The same request again takes as many loop passes as the first would have.
    bars = await asyncio.wait_for(
        sim_ib.reqHistoricalDataAsync(aapl, "", "2 D", "1 min", "TRADES", False), 10
    )
    assert len(bars) > 4 * connection.SLICE_ROWS
    assert cancelled not in history_replies(written)
    assert conn.count("history") == 0


@pytest.mark.parametrize("keep", [False, True])
async def test_a_reply_that_fails_to_encode_ends_its_request(
    sim_ib: IB, sim_gateway: SimulatedGateway, monkeypatch: pytest.MonkeyPatch, keep: bool
) -> None:
    from terminal_app.simulator.handlers import history

    monkeypatch.setattr(sim_gateway.server.slicer, "budget_s", 0.0)
    aapl = await qualified(sim_ib, AAPL)
    calls = 0
    wire_bar = history._wire_bar

    def failing(bar: BarData, format_date: int) -> BarData:
        nonlocal calls
        calls += 1
        if calls > connection.SLICE_ROWS:  # in a later slice, not the first pass
            raise ValueError("broken bar")
        return wire_bar(bar, format_date)

    monkeypatch.setattr(history, "_wire_bar", failing)
    errors: list[tuple[int, int]] = []
    sim_ib.errorEvent += lambda req_id, code, text, contract: errors.append((req_id, code))
    bars = await asyncio.wait_for(
        sim_ib.reqHistoricalDataAsync(aapl, "", "2 D", "1 min", "TRADES", False, 1, keep), 10
    )
    assert len(bars) == 0
    await wait_until(lambda: [code for _, code in errors] == [322], 5, str(errors))
    assert sim_gateway.server.by_client_id[1].count("history") == 0
