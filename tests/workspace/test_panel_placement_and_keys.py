"""New panels open in sight, and the watchlist can be reached and worked with keys alone."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog
from pytestqt.qtbot import QtBot

from tests.workspace.app_run import window_in
from ui.main_window import MainWindow
from ui.shortcuts import collect_shortcuts
from ui.watchlist.panel import WatchlistPanel

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    win = window_in(tmp_path)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win


def test_five_watchlists_are_all_in_sight(window: MainWindow, qtbot: QtBot) -> None:
    docks = [window.docks.open("watchlist") for _ in range(5)]
    qtbot.waitUntil(lambda: all(not d.visibleRegion().isEmpty() for d in docks))
    assert all(not window.tabifiedDockWidgets(d) for d in docks)
    areas = [dock.geometry() for dock in docks if not dock.isFloating()]
    assert all(not a.intersects(b) for i, a in enumerate(areas) for b in areas[i + 1 :])


def test_keys_reach_the_symbol_box_a_new_list_and_rename(window: MainWindow, qtbot: QtBot) -> None:
    QTest.keyClick(window, Qt.Key.Key_L, CTRL)  # no watchlist yet: one opens, cursor in its box
    (dock,) = window.docks.docks("watchlist")
    panel = dock.widget()
    assert isinstance(panel, WatchlistPanel)
    qtbot.waitUntil(panel.entry.hasFocus)

    QTest.keyClick(panel.entry, Qt.Key.Key_T, CTRL)  # the "+" tab
    assert [t.name for t in panel.lists()] == ["List 1", "List 2"]
    assert panel.current().name == "List 2"

    QTest.keyClick(panel.entry, Qt.Key.Key_F2)  # rename the current tab
    dialog = next(d for d in panel.findChildren(QInputDialog) if d.isVisible())
    assert dialog.textValue() == "List 2"
    dialog.setTextValue("Futures")
    dialog.accept()
    assert [t.name for t in panel.lists()] == ["List 1", "Futures"]
    QTest.keyClick(panel.entry, Qt.Key.Key_PageDown, CTRL)  # wraps around to the first
    assert panel.current().name == "List 1"
    QTest.keyClick(panel.entry, Qt.Key.Key_PageUp, CTRL)
    assert panel.current().name == "Futures"

    keys = {(what, k) for _where, what, k in collect_shortcuts(window)}
    assert {
        ("Go to the watchlist's symbol box", "Ctrl+L"),
        ("New watchlist tab", "Ctrl+T"),
        ("Rename the watchlist tab", "F2"),
        ("Next watchlist tab", "Ctrl+PgDown"),
    } <= keys
