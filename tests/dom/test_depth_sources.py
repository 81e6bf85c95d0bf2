"""Where the ladder's rows come from, against the simulated gateway: SMART depth asked for
SMART-routed contracts only (counted on the wire), IB's refusal of depth shown, and the tick
grid of an option from its market rule (the increment changes at 3.00)."""

from decimal import Decimal

import pytest
from ib_async import IB, Index, Option, Stock

from terminal_app.session import BrokerSession
from tests.dom.conftest import TappedLadder
from tests.session import wiretap as wire
from tests.sim_fixtures import qualified
from tests.waiting import wait_until
from ui.dom.panel import DomPanel

SMART_DEPTH_FIELD = 16  # reqMktDepth: id, version, reqId, 12 contract fields, numRows, isSmartDepth


def _smart_flags(ladder: TappedLadder) -> list[str]:
    return [f[SMART_DEPTH_FIELD] for _, m, f in ladder.tap.frames if m == wire.REQ_MKT_DEPTH]


@pytest.mark.asyncio
async def test_smart_depth_only_where_the_contract_routes_smart(tapped: TappedLadder) -> None:
    panel, session = tapped.panel, tapped.session
    assert _smart_flags(tapped) == ["0"]  # ES on CME: its exchange's book
    assert not panel.options.smart.isEnabled()
    aapl = await session.qualify(Stock("AAPL", "SMART", "USD"))
    panel.show_contract(aapl)
    await wait_until(lambda: _smart_flags(tapped) == ["0", "1"], 5, str(_smart_flags(tapped)))
    assert panel.options.smart.isEnabled() and panel.feed is not None
    await wait_until(panel.has_live_data, 10, "the SMART book never arrived")
    ticker = panel.feed._depth.ticker
    assert ticker is not None and all(level.marketMaker for level in ticker.domBids)
    panel.options.smart.setChecked(False)  # the switch: a new request without SMART depth
    await wait_until(lambda: _smart_flags(tapped) == ["0", "1", "0"], 5, str(_smart_flags(tapped)))
    await wait_until(lambda: tapped.tap.count(wire.CANCEL_MKT_DEPTH) == 2, 5)


@pytest.mark.asyncio
async def test_a_contract_without_depth_says_why(
    panel: DomPanel, sim_session: BrokerSession
) -> None:
    panel.show_contract(await sim_session.qualify(Index("SPX", "CBOE", "USD")))
    await wait_until(panel.notice.isVisible, 10, "the refusal was not shown")
    assert "Deep market data is not supported" in panel.notice.text()


@pytest.mark.asyncio
async def test_an_option_ladder_steps_by_its_market_rule(
    panel: DomPanel, sim_session: BrokerSession, sim_ib: IB
) -> None:
    stock = await qualified(sim_ib, Stock("AAPL", "SMART", "USD"))
    [chain] = [
        c
        for c in await sim_ib.reqSecDefOptParamsAsync("AAPL", "", "STK", stock.conId)
        if c.exchange == "SMART"
    ]
    call = Option("AAPL", chain.expirations[3], sorted(chain.strikes)[len(chain.strikes) // 2], "C")
    call.exchange = "SMART"
    panel.show_contract(await sim_session.qualify(call))
    feed = panel.feed
    assert feed is not None
    await wait_until(lambda: feed.grid.variable, 10, "the market rule never reached the grid")
    assert panel.feed is feed
    grid = feed.grid
    assert [(b.low, b.increment) for b in grid.bands] == [
        (Decimal(0), Decimal("0.01")),
        (Decimal("3.0"), Decimal("0.05")),
    ]
    edge = grid.index(3.0)
    assert [grid.text(i) for i in range(edge - 2, edge + 3)] == [
        "2.98",
        "2.99",
        "3.00",
        "3.05",
        "3.10",
    ]
    assert panel.ladder.feed is feed  # the ladder shows the feed on its new grid
