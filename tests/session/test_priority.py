"""Order actions overtake a burst of market data requests (ib_async alone would send FIFO)."""

import asyncio
import time

import pytest
from ib_async import LimitOrder, Stock

from terminal_app.session import BrokerSession, ProfileKind, make_profile
from tests.session import wiretap as wire
from tests.session.wiretap import WireTap
from tests.waiting import wait_until

BURST = 200


@pytest.mark.asyncio
async def test_cancel_overtakes_200_queued_subscriptions(
    session: BrokerSession, tap: WireTap
) -> None:
    assert await session.open_connection(make_profile(ProfileKind.CUSTOM, port=tap.port))
    aapl = await session.qualify(Stock("AAPL", "SMART", "USD"))
    trade = session.place_order(aapl, LimitOrder("BUY", 1, 1.00, tif="GTC"))
    await wait_until(lambda: tap.count(wire.PLACE_ORDER) == 1)

    contracts = [Stock(f"BURST{i}", "SMART", "USD", conId=900_000 + i) for i in range(BURST)]
    handles = [session.ticker(c) for c in contracts[: BURST // 2]]
    # A watchlist loading: contract lookups join the same lane as the subscriptions.
    lookups = [asyncio.ensure_future(session.qualify(c)) for c in contracts[BURST // 2 :]]
    await asyncio.sleep(0)  # let the lookups queue up
    started = time.monotonic()
    session.cancel_order(trade)
    await wait_until(lambda: tap.count(wire.CANCEL_ORDER) == 1, timeout=2)
    latency = tap.times(wire.CANCEL_ORDER)[0] - started
    ids = tap.ids()
    bulk = (wire.REQ_MKT_DATA, wire.REQ_CONTRACT_DATA)
    before_cancel = sum(ids[: ids.index(wire.CANCEL_ORDER)].count(b) for b in bulk)
    # The bulk lane had released at most one interval's worth; the rest still wait behind it.
    assert before_cancel <= session.settings.bulk_rate
    assert session.lane.pending >= BURST - session.settings.bulk_rate - before_cancel
    assert latency < 0.25
    print(
        f"\ncancel reached the gateway {latency * 1000:.1f} ms after the call, after "
        f"{before_cancel} of {BURST} queued requests"
    )
    # The burst still completes, paced below ib_async's 45 msg/s.
    await wait_until(lambda: tap.count(wire.REQ_MKT_DATA) >= 50, timeout=5)
    for h in handles:
        h.release()
    for lookup in lookups:
        lookup.cancel()
