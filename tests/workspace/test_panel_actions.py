"""What panel kinds offer each other on a contract, through the main window's dock manager: real
session on the simulated gateway, real watchlist rows, the row menu the user right-clicks."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDockWidget, QMenu

from terminal_app.session import BrokerSession
from terminal_app.workspace.layout import LayoutStore
from tests.waiting import wait_until
from tests.workspace.panels import SymbolPanel, symbol_kind
from ui.main_window import MainWindow
from ui.row_actions import OpenOffer, TargetOffer
from ui.watchlist.lists import WatchlistTab
from ui.watchlist.panel import WatchlistPanel

OFFERS = (OpenOffer("Open sym"), TargetOffer("Send to sym"))


@pytest_asyncio.fixture
async def window(
    qapp: QApplication, tmp_path: Path, sim_session: BrokerSession
) -> AsyncIterator[MainWindow]:
    win = MainWindow(
        store=LayoutStore(tmp_path / "ws"), settings_path=tmp_path / "ui.json", session=sim_session
    )
    win.show()
    try:
        yield win
    finally:
        win.docks.remove_all()  # releases the watchlists' lines
        win.close()
        win.deleteLater()


async def _watchlist(window: MainWindow, symbols: str, name: str | None = None) -> WatchlistPanel:
    panel = window.docks.open("watchlist", name).widget()
    assert isinstance(panel, WatchlistPanel)
    panel.add_symbols(symbols)
    count = len(symbols.split())
    await wait_until(lambda: panel.lists()[0].model.rowCount() == count, 10, "rows never came")
    return panel


def _menu(panel: WatchlistPanel, row: int, tab: WatchlistTab | None = None) -> QMenu:
    tab = tab or panel.lists()[0]
    return panel.row_menu(tab, tab.model.index(row, 0))


def _texts(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def _entry(menu: QMenu, *path: str) -> QAction:
    """The menu entry at `path` ("Add to watchlist", "Tech"), through submenus."""
    *submenus, label = path
    for title in submenus:
        sub = next(a for a in menu.actions() if a.text() == title).menu()
        assert isinstance(sub, QMenu)
        menu = sub
    return next(a for a in menu.actions() if a.text() == label)


def _submenu(menu: QMenu, title: str) -> list[str]:
    sub = _entry(menu, title).menu()
    assert isinstance(sub, QMenu)
    return _texts(sub)


def _sym(dock: QDockWidget) -> SymbolPanel:
    widget = dock.widget()
    assert isinstance(widget, SymbolPanel)
    return widget


@pytest.mark.asyncio
async def test_open_offer_appears_with_its_kind_and_opens_or_raises_a_panel_on_the_row(
    window: MainWindow,
) -> None:
    watchlist = await _watchlist(window, "AAPL MSFT")
    # Only the built-in kinds' offers (chart, order ticket, DOM) until "sym" is registered.
    assert _texts(_menu(watchlist, 0)) == [
        "Open chart",
        "Trade…",
        "Open DOM",
        "Remove",
        "Paste symbols",
    ]
    window.docks.register_kind(symbol_kind("sym", offers=OFFERS))
    assert _texts(_menu(watchlist, 0)) == [
        "Open chart",
        "Trade…",
        "Open DOM",
        "Open sym",
        "Remove",
        "Paste symbols",
    ]

    msft = watchlist.lists()[0].model.row(1).contract
    window.links.publish("red", msft)  # the red group's symbol, which a new red panel would show
    _entry(_menu(watchlist, 0), "Open sym").trigger()
    (first,) = window.docks.docks("sym")
    assert _sym(first).shown == ["AAPL"]  # given the row's contract, not the group's symbol first
    aapl = watchlist.lists()[0].model.row(0).contract
    assert _sym(first).contract is aapl

    _entry(_menu(watchlist, 1), "Open sym").trigger()  # no sym panel shows MSFT: a new one
    second = window.docks.docks("sym")[1]
    assert _sym(second).shown == ["MSFT"]
    assert not first.isHidden() and not window.tabifiedDockWidgets(first)  # opened beside it
    window.tabifyDockWidget(first, second)  # the user stacks them as tabs, MSFT's in front
    second.raise_()
    await wait_until(lambda: first.visibleRegion().isEmpty(), 5, "AAPL's panel still in front")

    _entry(_menu(watchlist, 0), "Open sym").trigger()  # the panel showing AAPL comes to the front
    assert window.docks.docks("sym") == [first, second]
    await wait_until(lambda: not first.visibleRegion().isEmpty(), 5, "AAPL's panel not raised")
    assert _sym(first).shown == ["AAPL"]

    first.toggleViewAction().trigger()  # hidden from the View menu, still open
    assert first.isHidden()
    _entry(_menu(watchlist, 0), "Open sym").trigger()
    assert not first.isHidden() and len(window.docks.docks("sym")) == 2


@pytest.mark.asyncio
async def test_target_offer_lasts_while_a_panel_of_its_kind_is_open(window: MainWindow) -> None:
    window.docks.register_kind(symbol_kind("sym", offers=OFFERS))
    watchlist = await _watchlist(window, "AAPL MSFT")
    assert "Send to sym" not in _texts(_menu(watchlist, 0))  # no sym panel to send to

    first = window.docks.open("sym")
    _entry(_menu(watchlist, 1), "Send to sym", "Compare").trigger()
    assert _sym(first).shown == ["MSFT"]

    second = window.docks.open("sym")
    labels = _submenu(_menu(watchlist, 0), "Send to sym")
    assert labels == ["Sym: Compare", "Sym 2: Compare"]  # one entry per panel, named by dock
    _entry(_menu(watchlist, 0), "Send to sym", "Sym 2: Compare").trigger()
    assert _sym(second).shown == ["AAPL"] and _sym(first).shown == ["MSFT"]

    window.docks.remove(first)  # one of several closes: its entry goes, the offer stays
    assert _submenu(_menu(watchlist, 0), "Send to sym") == ["Compare"]
    window.docks.remove(second)  # the last one: the offer goes
    assert "Send to sym" not in _texts(_menu(watchlist, 0))
    keys = [a.key for a in watchlist._ctx.actions.actions()]
    assert keys == [
        "chart:Open chart",
        "order_ticket:Trade…",
        "dom:Open DOM",
        "sym:Open sym",
        "watchlist:Add to watchlist",
    ]


@pytest.mark.asyncio
async def test_add_to_watchlist_offers_every_other_list_and_no_dead_entries(
    window: MainWindow,
) -> None:
    first = await _watchlist(window, "AAPL")
    tab = first.lists()[0]
    # its only list is its own: nothing to add to
    assert _texts(_menu(first, 0)) == [
        "Open chart",
        "Trade…",
        "Open DOM",
        "Remove",
        "Paste symbols",
    ]
    assert _texts(first.row_menu(tab, QModelIndex())) == ["Paste symbols"]  # below the rows

    tech = first.add_list("Tech")
    assert _texts(_menu(first, 0, tab))[3] == "Add to watchlist"
    assert _submenu(_menu(first, 0, tab), "Add to watchlist") == ["Tech"]

    second = await _watchlist(window, "MSFT")
    menu = _menu(first, 0, tab)
    targets = _submenu(menu, "Add to watchlist")
    assert targets == ["Watchlist: Tech", "Watchlist 2: List 1"]
    _entry(menu, "Add to watchlist", "Watchlist 2: List 1").trigger()
    assert [r.contract.symbol for r in second.lists()[0].model.rows()] == ["MSFT", "AAPL"]
    _entry(_menu(first, 0, tab), "Add to watchlist", "Watchlist: Tech").trigger()
    assert [r.contract.symbol for r in tech.model.rows()] == ["AAPL"]

    window.docks.remove(window.docks.docks("watchlist")[1])
    targets = _submenu(_menu(first, 0, tab), "Add to watchlist")
    assert targets == ["Tech"]


@pytest.mark.asyncio
async def test_a_panel_opens_or_raises_another_through_its_context(window: MainWindow) -> None:
    window.docks.register_kind(symbol_kind("sym"))
    watchlist = await _watchlist(window, "AAPL")
    contract = watchlist.lists()[0].model.row(0).contract
    opened = watchlist._ctx.open_panel("sym", contract)
    assert isinstance(opened, SymbolPanel) and opened.shown == ["AAPL"]
    assert watchlist._ctx.open_panel("sym", contract) is opened
    assert len(window.docks.docks("sym")) == 1
