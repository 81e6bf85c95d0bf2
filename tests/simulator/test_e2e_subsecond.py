"""The sub-second market end to end: the real ib_async client over loopback sees L1 and depth
change several times per simulated second, and prints whose RTVolume times carry milliseconds
and whose order and seconds equal the historical ticks of the same span."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime

import pytest
from ib_async import Contract, Forex, Stock, Ticker

from tests.sim_fixtures import connected_ib, qualified, running_gateway, sim_config
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio

AAPL = Stock("AAPL", "SMART", "USD")
ES_FRONT = Contract(secType="FUT", localSymbol="ESZ6", exchange="CME", currency="USD")
SIM_SECONDS = 6
SPEED = 4
L1_TICKS = (0, 1, 2, 3)  # bid size, bid, ask, ask size


async def test_level_one_and_depth_move_inside_the_second() -> None:
    async with running_gateway(sim_config(speed=SPEED)) as gateway, connected_ib(gateway) as ib:
        aapl = await qualified(ib, AAPL)
        es = await qualified(ib, ES_FRONT)
        eurusd = await qualified(ib, Forex("EURUSD"))
        counts: Counter[str] = Counter()
        bid_ask = ib.reqTickByTickData(aapl, "BidAsk")
        fx = ib.reqMktData(eurusd)
        book = ib.reqMktDepth(es, numRows=5)
        await wait_until(lambda: fx.bid > 0 and len(book.domBids) == 5, 5, "no first quote")

        def count(name: str, n: int) -> None:
            counts[name] += n

        bid_ask.updateEvent += lambda t: count("stock", len(t.tickByTicks))
        fx.updateEvent += lambda t: count("fx", sum(tk.tickType in L1_TICKS for tk in t.ticks))
        book.updateEvent += lambda t: count("top", sum(d.position == 0 for d in t.domTicks))
        start = gateway.clock.epoch()
        await wait_until(lambda: gateway.clock.epoch() - start >= SIM_SECONDS, 10)
        seconds = gateway.clock.epoch() - start
        rates = {name: n / seconds for name, n in counts.items()}
        # once a second per line before: one BidAsk tick, two L1 size/price ticks, two top rows
        assert rates["stock"] >= 2.5, rates  # aggregated stock L1 every 250 ms
        assert rates["fx"] >= 6, rates  # forex top of book every 100 ms
        assert rates["top"] >= 6, rates  # the future's book every 125 ms


async def test_history_equals_the_live_prints_inside_the_second() -> None:
    async with running_gateway(sim_config(speed=SPEED)) as gateway, connected_ib(gateway) as ib:
        aapl = await qualified(ib, AAPL)
        ticker = ib.reqMktData(aapl, "233")
        await wait_until(lambda: ticker.rtTime is not None, 5, "no RTVolume snapshot")
        # per socket read: the prints in it, and the RTVolume and last-trade times of its last
        batches: list[tuple[list[tuple[float, float]], float, float]] = []

        def on_update(t: Ticker) -> None:
            prints = [(tk.price, tk.size) for tk in t.ticks if tk.tickType == 48]
            if prints and t.rtTime is not None and t.lastTimestamp is not None:
                batches.append((prints, t.rtTime.timestamp(), t.lastTimestamp.timestamp()))

        ticker.updateEvent += on_update
        await wait_until(lambda: sum(len(b[0]) for b in batches) >= 16, 10, "too few prints")
        ticker.updateEvent -= on_update
        rt_times = [rt for _, rt, _ in batches]
        assert all(math.floor(rt) == last for _, rt, last in batches)
        assert len({round(rt % 1, 3) for rt in rt_times}) > len(batches) // 2, rt_times

        singles = [i for i, b in enumerate(batches) if len(b[0]) == 1]
        first, last = singles[0], singles[-1]
        assert last > first, "every read carried several prints"
        live = [p for prints, _, _ in batches[first : last + 1] for p in prints]
        t_first, t_last = math.floor(batches[first][1]), math.floor(batches[last][1])
        rows = await ib.reqHistoricalTicksAsync(
            aapl,
            datetime.fromtimestamp(t_first, UTC),
            datetime.fromtimestamp(t_last + 1, UTC),
            1000,
            "TRADES",
            False,
        )
        history = [(r.time.timestamp(), r.price, r.size) for r in rows]
        spans = [
            i
            for i in range(len(history) - len(live) + 1)
            if [(p, s) for _, p, s in history[i : i + len(live)]] == live
            and history[i][0] == t_first
            and history[i + len(live) - 1][0] == t_last
        ]
        assert spans, f"live {live} not in history {history}"
