"""Generic ticks 456, 236, 104, 106, 221 and 411 arrive on a reqMktData line (issue 19: only 233
and 165 did)."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from datetime import date

import pytest
from ib_async import IB, Forex, Stock, Ticker

from tests.sim_fixtures import qualified

ALL = "456,236,104,106,221,411"


def _complete(t: Ticker) -> bool:
    return (
        t.dividends is not None
        and t.shortable > 2.5
        and t.shortableShares > 0
        and t.histVolatility > 0
        and t.rtHistVolatility > 0
        and t.impliedVolatility > 0
        and t.markPrice > 0
    )


async def _until(ticker: Ticker, condition: Callable[[Ticker], bool], timeout: float = 3.0) -> None:
    async def wait() -> None:
        while not condition(ticker):
            await ticker.updateEvent

    await asyncio.wait_for(wait(), timeout)


@pytest.mark.asyncio
async def test_generic_ticks_of_a_dividend_stock(sim_ib: IB) -> None:
    ko = await qualified(sim_ib, Stock("KO", "SMART", "USD"))
    ticker = sim_ib.reqMktData(ko, ALL)
    await _until(ticker, _complete)

    d = ticker.dividends
    assert d is not None and d.past12Months and d.nextAmount
    assert d.past12Months == pytest.approx(4 * d.nextAmount, rel=0.01)
    assert isinstance(d.nextDate, date) and d.nextDate > date(2026, 11, 24)
    assert 0.05 < ticker.histVolatility < 0.6 and ticker.rtHistVolatility == ticker.histVolatility
    assert ticker.impliedVolatility == pytest.approx(0.16)
    assert ticker.bid <= ticker.markPrice <= ticker.ask


@pytest.mark.asyncio
async def test_mark_price_follows_the_quote(sim_ib: IB) -> None:
    eur = await qualified(sim_ib, Forex("EURUSD"))
    ticker = sim_ib.reqMktData(eur, "221,104")
    await _until(ticker, lambda t: t.markPrice > 0 and t.histVolatility > 0)
    first = ticker.markPrice
    await _until(ticker, lambda t: t.markPrice != first, timeout=5.0)
    assert math.isclose(ticker.markPrice, ticker.midpoint(), abs_tol=ticker.minTick)
    assert math.isnan(ticker.shortable)  # no stock-only ticks for forex
