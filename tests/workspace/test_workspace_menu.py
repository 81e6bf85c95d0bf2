"""The Workspace menu as a trader uses it: Default stays, a reset asks, saving is said aloud."""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from terminal_app.ib_errors import Severity
from terminal_app.workspace.layout import DEFAULT_NAME
from tests.workspace.app_run import window_in
from tests.workspace.panels import symbol_kind
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    win = window_in(tmp_path)
    qtbot.addWidget(win)
    win.docks.register_kind(symbol_kind("sym"))
    win.workspace.reset_to_default()
    win.show()
    return win


def _open_entries(window: MainWindow) -> list[str]:
    menu = window.workspace._open_menu
    menu.aboutToShow.emit()
    return [a.text() for a in menu.actions() if a.isEnabled()]


def test_save_as_from_default_keeps_default_under_open(window: MainWindow) -> None:
    assert window.workspace.current_name == DEFAULT_NAME
    window.workspace.save("Morning")  # what "Save workspace as…" does with the name typed
    assert _open_entries(window) == [DEFAULT_NAME, "Morning"]
    window.workspace.switch_to(DEFAULT_NAME)  # the never-saved Default opens its layout
    assert window.workspace.current_name == DEFAULT_NAME
    assert [d.objectName() for d in window.docks.docks()] == [
        p.name for p in window.workspace.default().panels
    ]


def test_reset_to_default_layout_asks_first(window: MainWindow) -> None:
    window.docks.open("sym")
    names = [d.objectName() for d in window.docks.docks()]
    (reset,) = [a for a in window.workspace_menu.actions() if a.text().startswith("&Reset")]
    reset.trigger()
    box = QApplication.activeModalWidget() or window.findChild(QMessageBox)
    assert isinstance(box, QMessageBox) and box.isVisible() and "default layout" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert [d.objectName() for d in window.docks.docks()] == names  # nothing closed
    box = window.workspace.ask_reset()
    box.button(QMessageBox.StandardButton.Reset).click()
    assert len(window.docks.docks("sym")) == 1  # the default layout's one


def test_the_menu_and_the_status_bar_say_that_switching_saves(window: MainWindow) -> None:
    notes = [a.text() for a in window.workspace_menu.actions() if not a.isEnabled()]
    assert any("saved on switching workspace and on quit" in n for n in notes)
    window.workspace.save("Other")
    window.workspace.save("Mine")
    window.workspace.switch_to("Other")
    assert window.statusBar().currentMessage() == "Workspace 'Mine' saved; 'Other' opened."
    assert window.session.messages[-1].severity is Severity.INFO


def test_deleting_a_workspace_is_an_info_not_a_warning(window: MainWindow) -> None:
    window.workspace.save("Old")
    window.workspace.save("Mine")
    window.workspace.ask_delete("Old").button(QMessageBox.StandardButton.Yes).click()
    last = window.session.messages[-1]
    assert last.text == "Workspace 'Old' deleted." and last.severity is Severity.INFO
