"""Market data end to end: the real ib_async client against the simulated gateway over loopback."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from ib_async import (
    IB,
    Contract,
    Forex,
    Stock,
    TickByTickAllLast,
    TickByTickBidAsk,
    TickByTickMidPoint,
    Ticker,
)

from terminal_app.simulator.gateway import SimulatedGateway
from tests.sim_fixtures import connected_ib, qualified, running_gateway, sim_config
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio

AAPL = Stock("AAPL", "SMART", "USD")


def errors_of(ib: IB) -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []
    ib.errorEvent += lambda req_id, code, text, contract: seen.append((req_id, code))
    return seen


async def test_level_one_snapshot_and_stream(sim_ib: IB, sim_gateway: SimulatedGateway) -> None:
    aapl = await qualified(sim_ib, AAPL)
    ticker = sim_ib.reqMktData(aapl, "233,165")
    await wait_until(lambda: ticker.bid > 0 and ticker.last > 0 and ticker.low52week > 0, 5)
    assert ticker.marketDataType == 1
    assert ticker.minTick == 0.01 and ticker.bboExchange == "SMART"  # tickReqParams
    assert 0 < ticker.bid < ticker.ask and ticker.bidSize > 0 and ticker.askSize > 0
    assert ticker.ask - ticker.bid < 0.05
    assert ticker.low <= ticker.last <= ticker.high and ticker.close > 0 and ticker.open > 0
    assert ticker.volume > 0 and ticker.rtVolume > 0 and ticker.vwap > 0
    assert ticker.low52week <= ticker.low13week <= ticker.high13week <= ticker.high52week
    assert ticker.avVolume > 0
    updates = 0

    def on_update(t: Ticker) -> None:
        nonlocal updates
        updates += 1

    ticker.updateEvent += on_update
    await wait_until(lambda: updates >= 2, 5, "no streaming updates")
    sim_ib.cancelMktData(aapl)
    await wait_until(lambda: lines(sim_gateway, "mktData") == 0, 5)


def lines(gateway: SimulatedGateway, *kinds: str) -> int:
    """Streams of these kinds the server holds for all its clients."""
    return sum(c.count(*kinds) for c in gateway.server.clients())


async def test_snapshot_ends_with_tick_snapshot_end(
    sim_ib: IB, sim_gateway: SimulatedGateway
) -> None:
    aapl = await qualified(sim_ib, AAPL)
    [ticker] = await asyncio.wait_for(sim_ib.reqTickersAsync(aapl), 5)
    assert ticker.bid > 0 and ticker.ask > ticker.bid and ticker.last > 0
    assert lines(sim_gateway, "mktData") == 0  # a snapshot leaves no line open


async def test_delayed_market_data_type(sim_ib: IB) -> None:
    sim_ib.reqMarketDataType(3)
    eur = await qualified(sim_ib, Forex("EURUSD"))
    ticker = sim_ib.reqMktData(eur)
    await wait_until(lambda: ticker.marketDataType == 3 and ticker.bid > 0, 5)
    assert ticker.ask > ticker.bid


async def test_unknown_contract_market_data_gets_200(sim_ib: IB) -> None:
    errors = errors_of(sim_ib)
    sim_ib.reqMktData(Contract(conId=99999999, exchange="SMART"))
    await wait_until(lambda: any(code == 200 for _, code in errors), 5)


async def test_market_data_line_limit_is_101() -> None:
    async with running_gateway() as gateway, connected_ib(gateway) as ib:
        errors = errors_of(ib)
        aapl = await qualified(ib, AAPL)
        tickers = [ib.reqMktData(aapl) for _ in range(101)]
        await wait_until(lambda: any(code == 101 for _, code in errors), 10)
        assert [code for _, code in errors if code == 101] == [101]
        assert gateway.server.by_client_id[1].count("mktData") == 100
        assert len(tickers) == 101


async def test_reused_stream_id_is_322_and_keeps_the_stream(
    sim_ib: IB, sim_gateway: SimulatedGateway
) -> None:
    errors = errors_of(sim_ib)
    aapl = await qualified(sim_ib, AAPL)
    ticker = sim_ib.reqMktData(aapl)
    conn = sim_gateway.server.by_client_id[1]
    await wait_until(lambda: conn.count("mktData") == 1, 5)
    [req_id] = [r for r, sub in conn.subscriptions.items() if sub.kind == "mktData"]
    before = dict(conn.subscriptions)
    for reuse in (
        lambda: sim_ib.client.reqMktData(req_id, aapl, "", False, False, []),
        lambda: sim_ib.client.reqMktDepth(req_id, aapl, 5, False, []),
        lambda: sim_ib.client.reqTickByTickData(req_id, aapl, "Last", 0, False),
        lambda: sim_ib.client.reqRealTimeBars(req_id, aapl, 5, "TRADES", False, []),
    ):
        reuse()
    await wait_until(lambda: [code for _, code in errors] == [322] * 4, 5)
    assert {r for r, _ in errors} == {req_id}
    assert conn.subscriptions == before
    ticker.updateEvent.clear()
    updates: list[object] = []
    ticker.updateEvent += updates.append
    await wait_until(lambda: len(updates) >= 2, 10, "the first line stopped streaming")


async def test_depth_rows_stay_consistent() -> None:
    async with running_gateway(sim_config(speed=20)) as gateway, connected_ib(gateway) as ib:
        aapl = await qualified(ib, AAPL)
        ticker = ib.reqMktDepth(aapl, numRows=5)
        changes = 0

        def on_update(t: Ticker) -> None:
            nonlocal changes
            changes += len(t.domTicks)

        ticker.updateEvent += on_update
        await wait_until(lambda: changes > 40, 10, "depth did not move")
        bids = [level.price for level in ticker.domBids]
        asks = [level.price for level in ticker.domAsks]
        assert len(bids) == len(asks) == 5
        assert bids == sorted(bids, reverse=True) and asks == sorted(asks)
        assert bids[0] < asks[0]
        assert all(level.size > 0 for level in ticker.domBids + ticker.domAsks)
        ib.cancelMktDepth(aapl)
        await wait_until(lambda: lines(gateway, "depth") == 0, 5)


async def test_tick_by_tick_kinds_and_limit() -> None:
    async with running_gateway(sim_config(speed=10)) as gateway, connected_ib(gateway) as ib:
        errors = errors_of(ib)
        aapl = await qualified(ib, AAPL)
        msft = await qualified(ib, Stock("MSFT", "SMART", "USD"))
        aapl_ticks = ib.reqTickByTickData(aapl, "Last")
        # One Ticker per contract: AAPL's Last and BidAsk ticks arrive on the same Ticker.
        assert ib.reqTickByTickData(aapl, "BidAsk") is aapl_ticks
        mid = ib.reqTickByTickData(msft, "MidPoint")
        got: dict[type, list[Any]] = {
            TickByTickAllLast: [],
            TickByTickBidAsk: [],
            TickByTickMidPoint: [],
        }

        def collect(ticker: Ticker) -> None:
            for tick in ticker.tickByTicks:
                got[type(tick)].append(tick)

        aapl_ticks.updateEvent += collect
        mid.updateEvent += collect
        await wait_until(lambda: all(len(v) >= 3 for v in got.values()), 10, f"ticks: {got}")
        assert all(t.bidPrice < t.askPrice for t in got[TickByTickBidAsk])
        ib.reqTickByTickData(msft, "AllLast")
        await wait_until(lambda: any(code == 10190 for _, code in errors), 5)


async def test_realtime_bars_every_five_seconds() -> None:
    async with running_gateway(sim_config(speed=30)) as gateway, connected_ib(gateway) as ib:
        aapl = await qualified(ib, AAPL)
        bars = ib.reqRealTimeBars(aapl, 5, "TRADES", False)
        await wait_until(lambda: len(bars) >= 3, 10)
        times = [b.time.timestamp() for b in bars]
        assert all(b - a == 5 for a, b in itertools.pairwise(times))
        for bar in bars:
            assert bar.low <= min(bar.open_, bar.close) <= max(bar.open_, bar.close) <= bar.high
            assert bar.volume > 0 and bar.count > 0
        ib.cancelRealTimeBars(bars)
        await wait_until(lambda: lines(gateway, "realTimeBars") == 0, 5)


async def test_frozen_data_when_the_market_is_closed() -> None:
    saturday = sim_config(start="2026-11-28 12:00")
    async with running_gateway(saturday) as gateway, connected_ib(gateway) as ib:
        ib.reqMarketDataType(2)
        aapl = await qualified(ib, AAPL)
        ticker = ib.reqMktData(aapl)
        await wait_until(lambda: ticker.marketDataType == 2 and ticker.last > 0, 5)
        assert ticker.close > 0 and ticker.bid > 0


async def test_index_has_no_depth(sim_ib: IB) -> None:
    errors = errors_of(sim_ib)
    spx = await qualified(sim_ib, Contract(symbol="SPX", secType="IND", currency="USD"))
    sim_ib.reqMktDepth(spx, 5)
    await wait_until(lambda: any(code == 10092 for _, code in errors), 5)
    ticker = sim_ib.reqMktData(spx)
    await wait_until(lambda: ticker.last > 0, 5)


async def test_forex_line_reports_its_pip_tick(sim_ib: IB) -> None:
    pairs = [await qualified(sim_ib, Forex(pair)) for pair in ("EURUSD", "USDJPY")]
    tickers = [sim_ib.reqMktData(c) for c in pairs]
    await wait_until(lambda: all(t.minTick > 0 for t in tickers), 5)
    assert [t.minTick for t in tickers] == [0.00005, 0.005]


async def test_delayed_data_is_15_minutes_old(sim_ib: IB, sim_gateway: SimulatedGateway) -> None:
    """Issue 19: delayed lines showed the live market."""
    sim_ib.reqMarketDataType(3)
    aapl = await qualified(sim_ib, AAPL)
    ticker = sim_ib.reqMktData(aapl)
    await wait_until(lambda: ticker.marketDataType == 3 and ticker.volume > 0, 5)
    market = sim_gateway.market
    live, then, before = (market.delayed_quote(aapl.conId, d) for d in (0, 900, 903))
    # 15 minutes of trading not shown yet (a second or two of slack for the sampling).
    assert before.volume <= ticker.volume <= then.volume < live.volume
