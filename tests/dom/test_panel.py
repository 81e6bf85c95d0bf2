"""The DOM panel against the simulated gateway: a real depth line and tick-by-tick trades for a
future, painted on its tick grid with the inside market marked."""

from pathlib import Path

import pytest
from ib_async import Future

from terminal_app.session import BrokerSession, Kind
from tests.waiting import wait_until
from ui.dom.cells import Col
from ui.dom.panel import DomPanel


@pytest.mark.asyncio
async def test_live_book_paints_on_the_tick_grid_with_the_inside_market_marked(
    panel: DomPanel, sim_session: BrokerSession, tmp_path: Path
) -> None:
    assert panel.has_live_data()  # showing nothing, it waits for nothing
    es = await sim_session.qualify(Future("ES", "202612", "CME"))
    painted: list[int] = []
    panel.ladder.rowPainted.connect(painted.append)
    panel.show_contract(es)
    assert panel.shown_contract() is es
    assert sim_session.line_count(Kind.DEPTH) == 1 and sim_session.line_count(Kind.TICKS) == 1
    assert not panel.has_live_data()
    await wait_until(panel.has_live_data, 10, "the book never arrived")
    feed = panel.feed
    assert feed is not None and str(feed.grid.tick) == "0.25"
    book = feed.book
    bids, asks = book.bid_levels(), book.ask_levels()
    assert [i for i, _ in bids] == sorted((i for i, _ in bids), reverse=True)
    assert [i for i, _ in asks] == sorted(i for i, _ in asks)
    assert bids[0][0] < asks[0][0]
    await wait_until(lambda: book.volume.largest > 0, 10, "no trade arrived")
    window = panel.ladder.window_
    await wait_until(lambda: window.row_of(book.best_bid or 0) is not None, 5)
    await wait_until(lambda: len(painted) > 20, 5, "rows were not repainted")
    row = window.row_of(book.best_bid or 0)
    assert row is not None
    texts, (best_bid, *_others) = panel.ladder._content(feed, book.best_bid or 0)
    assert best_bid and texts[Col.PRICE] == feed.grid.text(book.best_bid or 0)
    assert "spread" in panel._header.text()
    panel.grab().save(str(tmp_path / "dom.png"))
    panel.release_panel()
    assert sim_session.line_count(Kind.DEPTH) == 0 and sim_session.line_count(Kind.TICKS) == 0
