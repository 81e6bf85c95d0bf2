"""The watchlist panel against the simulated gateway: real session, real sockets, real tickers."""

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from terminal_app.session import (
    BrokerSession,
    Kind,
)
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from tests.waiting import wait_until
from ui.panel import PanelContext
from ui.row_actions import RowAction
from ui.watchlist.columns import COLUMN_INDEX
from ui.watchlist.panel import WatchlistPanel


@pytest_asyncio.fixture
async def panel(qapp: QApplication, sim_session: BrokerSession) -> AsyncIterator[WatchlistPanel]:
    tasks = TaskOwner("watchlist-test")
    widget = WatchlistPanel(PanelContext(sim_session, LinkGroups(), tasks))
    widget.resize(900, 400)
    widget.show()
    try:
        yield widget
    finally:
        widget.release_panel()  # what the dock manager does when a panel is removed
        await tasks.cancel_all()
        widget.close()
        widget.deleteLater()


def _cell(panel: WatchlistPanel, row: int, key: str, tab: int = 0) -> str:
    model = panel.lists()[tab].model
    return str(model.data(model.index(row, COLUMN_INDEX[key])))


def _symbols(panel: WatchlistPanel, tab: int = 0) -> list[str]:
    return [_cell(panel, r, "symbol", tab) for r in range(panel.lists()[tab].model.rowCount())]


@pytest.mark.asyncio
async def test_typed_and_pasted_symbols_stream_and_errors_show_in_the_row(
    panel: WatchlistPanel, sim_session: BrokerSession
) -> None:
    panel.add_symbols("AAPL, msft\nEUR.USD;/ES  NOSUCHSYM")
    await wait_until(lambda: panel.lists()[0].model.rowCount() == 5, 10, "rows never appeared")
    symbols = _symbols(panel)
    assert symbols[:3] == ["AAPL", "MSFT", "EUR.USD"]
    assert symbols[3].startswith("ES") and symbols[3] != "ES"  # the front month's local symbol
    assert symbols[4] == "⚠ NOSUCHSYM"
    error_index = panel.lists()[0].model.index(4, 0)
    assert "NOSUCHSYM" in error_index.data(Qt.ItemDataRole.ToolTipRole)
    await wait_until(lambda: _cell(panel, 0, "bid") != "" and _cell(panel, 2, "ask") != "", 10)
    assert panel.has_live_data() or await _eventually_live(panel)
    bid, ask = float(_cell(panel, 0, "bid").replace(",", "")), float(_cell(panel, 0, "ask"))
    assert 0 < bid <= ask
    assert len(_cell(panel, 2, "bid").partition(".")[2]) == 5  # forex to the fractional pip
    assert "nan" not in "".join(_cell(panel, r, k) for r in range(5) for k in COLUMN_INDEX)
    await wait_until(lambda: _cell(panel, 0, "high52") != "", 10)  # generic tick 165
    assert float(_cell(panel, 0, "low52")) <= bid <= float(_cell(panel, 0, "high52"))
    assert sim_session.line_count(Kind.MARKET) == 4


async def _eventually_live(panel: WatchlistPanel) -> bool:
    await wait_until(panel.has_live_data, 10, "no last price ever arrived")
    return True


@pytest.mark.asyncio
async def test_lists_share_lines_and_release_them(
    panel: WatchlistPanel, sim_session: BrokerSession
) -> None:
    panel.add_symbols("AAPL MSFT")
    await wait_until(lambda: panel.lists()[0].model.rowCount() == 2, 10)
    second = panel.add_list("Tech")
    panel.add_symbols("AAPL NVDA", second)
    await wait_until(lambda: second.model.rowCount() == 2, 10)
    assert sim_session.line_count(Kind.MARKET) == 3  # AAPL is one line for both lists
    first = panel.lists()[0]
    first.model.remove_indices([0])  # AAPL leaves the first list: still in "Tech"
    assert sim_session.line_count(Kind.MARKET) == 3
    second.model.remove_indices([0])
    assert sim_session.line_count(Kind.MARKET) == 2
    panel.add_symbols("MSFT", second)  # a duplicate in the same list is not added twice
    await wait_until(lambda: second.model.rowCount() == 2, 10)
    panel.add_symbols("MSFT", second)
    await wait_until(lambda: not any(t.pending for t in panel.lists()), 10)
    assert second.model.rowCount() == 2


@pytest.mark.asyncio
async def test_state_round_trip_restores_lists_without_asking_ib(
    panel: WatchlistPanel, sim_session: BrokerSession
) -> None:
    panel.add_symbols("SPY QQQ USD.JPY")
    await wait_until(lambda: panel.lists()[0].model.rowCount() == 3, 10)
    panel.add_list("Futures")
    panel.add_symbols("/NQ")
    await wait_until(lambda: panel.lists()[1].model.rowCount() == 1, 10)
    view = panel.lists()[0].view
    view.horizontalHeader().setSectionHidden(COLUMN_INDEX["volume"], True)
    view.horizontalHeader().moveSection(COLUMN_INDEX["ask"], 1)
    state = panel.panel_state()
    tasks = TaskOwner("restore")
    restored = WatchlistPanel(PanelContext(sim_session, LinkGroups(), tasks))
    restored.restore_panel_state(state)
    assert [t.name for t in restored.lists()] == ["List 1", "Futures"]
    assert _symbols(restored) == ["SPY", "QQQ", "USD.JPY"]
    assert _symbols(restored, 1) == _symbols(panel, 1)
    header = restored.lists()[0].view.horizontalHeader()
    assert header.isSectionHidden(COLUMN_INDEX["volume"])
    assert header.visualIndex(COLUMN_INDEX["ask"]) == 1
    await wait_until(lambda: _cell(restored, 0, "last") != "", 10)
    restored.release_panel()
    await tasks.cancel_all()
    restored.deleteLater()


@pytest.mark.asyncio
async def test_selecting_a_row_chooses_its_contract(panel: WatchlistPanel) -> None:
    chosen: list[object] = []
    panel.contract_chosen.connect(chosen.append)
    panel.add_symbols("AAPL GBP.USD")
    await wait_until(lambda: panel.lists()[0].model.rowCount() == 2, 10)
    panel.lists()[0].view.selectRow(1)
    assert [getattr(c, "symbol", None) for c in chosen] == ["GBP"]


@pytest.mark.asyncio
async def test_first_run_preset_loads_the_default_lists(
    qapp: QApplication, session: BrokerSession
) -> None:
    widget = WatchlistPanel(PanelContext(session, LinkGroups(), TaskOwner("t")))
    widget.restore_panel_state({"preset": "default"})
    assert [t.name for t in widget.lists()] == ["Markets"]
    assert "AAPL" in widget.lists()[0].pending and "/ES" in widget.lists()[0].pending
    assert "when the connection is up" in widget.status.text()
    widget.deleteLater()


@pytest.mark.asyncio
async def test_release_gives_every_line_back_and_stops_resolving(
    panel: WatchlistPanel, sim_session: BrokerSession
) -> None:
    panel.add_symbols("AAPL MSFT EUR.USD")
    await wait_until(lambda: panel.lists()[0].model.rowCount() == 3, 10)
    panel.add_symbols("SPY QQQ IWM")  # still resolving when the panel goes
    panel.release_panel()
    assert sim_session.line_count(Kind.MARKET) == 0
    await wait_until(lambda: panel._resolving is None or panel._resolving.done(), 5)
    assert sim_session.line_count(Kind.MARKET) == 0


@pytest.mark.asyncio
async def test_row_menu_lists_only_registered_panel_actions(panel: WatchlistPanel) -> None:
    panel.add_symbols("AAPL NOSUCHSYM")
    tab = panel.lists()[0]
    await wait_until(lambda: tab.model.rowCount() == 2, 10)
    index = tab.model.index(0, 0)
    texts = [a.text() for a in panel.row_menu(tab, index).actions() if not a.isSeparator()]
    assert texts == ["Remove", "Paste symbols"]  # no chart/DOM/ticket panel exists yet
    opened: list[str] = []
    panel._ctx.actions.register(RowAction("chart", "Open chart", lambda c: opened.append(c.symbol)))
    menu = panel.row_menu(tab, index)
    assert menu.actions()[0].text() == "Open chart"
    menu.actions()[0].trigger()
    assert opened == ["AAPL"]
    refused = panel.row_menu(tab, tab.model.index(1, 0))  # IB knows no such symbol: no chart
    assert [a.text() for a in refused.actions()] == ["Remove", "Paste symbols"]
