"""The first-run layout at the window's default 1280x800: the DOM shows a usable ladder and the
watchlist still shows its rows (the DOM once ended about 90 px tall, its ladder out of sight)."""

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.workspace.app_run import shown_window
from ui.dom.panel import DomPanel
from ui.watchlist.panel import WatchlistPanel

MIN_LADDER_ROWS = 5
MIN_WATCHLIST_ROWS = 5  # whole rows offline, as on the old layout (about 7 once connected)


def _ladder_rows(panel: DomPanel) -> int:
    ladder = panel.ladder
    return ladder.height() // ladder._row_h - 1  # the first row is the header


def test_default_layout_shows_ladder_and_watchlist_rows(qtbot: QtBot, tmp_path: Path) -> None:
    with shown_window(tmp_path) as window:
        window.resize(1280, 800)
        window.workspace.reset_to_default()
        [dom_dock] = window.docks.docks("dom")
        [list_dock] = window.docks.docks("watchlist")
        dom, watchlist = dom_dock.widget(), list_dock.widget()
        assert isinstance(dom, DomPanel) and isinstance(watchlist, WatchlistPanel)
        view = watchlist.lists()[0].view
        qtbot.waitUntil(lambda: dom.ladder.isVisible() and view.isVisible())
        row_h = view.verticalHeader().defaultSectionSize()

        def rows() -> tuple[int, int]:
            return _ladder_rows(dom), view.viewport().height() // row_h

        qtbot.waitUntil(
            lambda: rows()[0] >= MIN_LADDER_ROWS and rows()[1] >= MIN_WATCHLIST_ROWS, timeout=3000
        )
        window.docks.remove_all()
