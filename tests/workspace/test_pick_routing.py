"""Ctrl+K against the simulated gateway: a pick always lands somewhere the trader sees it."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from terminal_app.session.profiles import ProfileKind, make_profile
from terminal_app.session.state import Phase
from terminal_app.simulator.gateway import SimulatedGateway
from tests.sim_fixtures import running_gateway, sim_config
from tests.waiting import wait_until
from tests.workspace.app_run import window_in
from tests.workspace.panels import SymbolPanel, symbol_kind
from ui.main_window import MainWindow
from ui.watchlist.panel import WatchlistPanel

TIMEOUT = 20.0


@pytest.fixture
def window(qapp: QApplication, tmp_path: Path) -> Iterator[MainWindow]:
    win = window_in(tmp_path)
    win.docks.register_kind(symbol_kind("sym"))
    win.show()
    yield win
    win.close()
    win.docks.remove_all()
    win.deleteLater()


@pytest_asyncio.fixture
async def gateway() -> AsyncIterator[SimulatedGateway]:
    async with running_gateway(sim_config()) as gw:
        yield gw


def _symbols(panel: WatchlistPanel) -> list[str]:
    return [row.contract.symbol for row in panel.current().model.rows()]


async def _pick(window: MainWindow, symbol: str) -> None:
    """Ctrl+K, type, Enter: as a trader does it."""
    QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    search = window.symbol_search
    await wait_until(search.isVisible, 5, "Ctrl+K did not open the search")
    search.edit.setText(symbol)
    QTest.keyClick(search.edit, Qt.Key.Key_Return)
    await wait_until(lambda: not search.isVisible(), TIMEOUT, search.status.text())
    await _activate(window)  # the offscreen platform does not hand activation back by itself


async def _activate(window: MainWindow) -> None:
    window.activateWindow()
    await wait_until(lambda: QApplication.activeWindow() is window, 5, "window not active")


def _watchlist(window: MainWindow, index: int) -> WatchlistPanel:
    widget = window.docks.docks("watchlist")[index].widget()
    assert isinstance(widget, WatchlistPanel)
    return widget


@pytest.mark.asyncio
async def test_a_pick_goes_to_the_linked_panel_else_the_active_watchlist_else_a_new_one(
    window: MainWindow, gateway: SimulatedGateway
) -> None:
    await _activate(window)
    window.request_connect(make_profile(ProfileKind.CUSTOM, port=gateway.port))
    try:
        await wait_until(lambda: window.session.state.phase is Phase.CONNECTED, TIMEOUT)
        window.symbol_search.popup()
        assert window.symbol_search.target.text() == "The pick opens a new watchlist."
        window.symbol_search.hide()

        await _pick(window, "AAPL")  # nothing open: a new watchlist holds the pick
        first = _watchlist(window, 0)
        await wait_until(lambda: _symbols(first) == ["AAPL"], TIMEOUT)
        assert window.statusBar().currentMessage() == "AAPL sent to a new Watchlist."

        second_dock = window.docks.open("watchlist")
        second = _watchlist(window, 1)
        second.entry.setFocus()  # the trader works in the second one
        await wait_until(second.entry.hasFocus, 5)
        await _pick(window, "MSFT")
        await wait_until(lambda: _symbols(second) == ["MSFT"], TIMEOUT)
        assert _symbols(first) == ["AAPL"]
        assert window.statusBar().currentMessage() == f"MSFT sent to {second_dock.windowTitle()}."

        chart = window.docks.open("sym")  # a panel that shows the active colour's symbol
        window.docks.set_link(chart, "red")
        panel = chart.widget()
        assert isinstance(panel, SymbolPanel)
        await _pick(window, "IBM")
        await wait_until(lambda: panel.shown[-1:] == ["IBM"], TIMEOUT)
        assert _symbols(second) == ["MSFT"]
        assert "IBM shown in the red link group (Sym)" in window.statusBar().currentMessage()
    finally:
        await window.session.close()
