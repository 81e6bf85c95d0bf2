from pathlib import Path

import pytest
from ib_async import Stock
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from terminal_app.workspace.files import backup_path
from terminal_app.workspace.layout import LayoutStore
from tests.workspace.panels import SymbolPanel, symbol_kind
from ui.docks import PanelKind
from ui.main_window import MainWindow
from ui.messages_dock import MessagesPanel
from ui.shortcuts import collect_shortcuts
from ui.workspace_controller import WorkspaceController


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    win = MainWindow(store=LayoutStore(tmp_path / "ws"), settings_path=tmp_path / "ui.json")
    qtbot.addWidget(win)
    win.docks.register_kind(symbol_kind("sym"))
    win.docks.register_kind(PanelKind("notes", "Notes", lambda _c: QLabel("n"), "bottom"))
    win.show()
    return win


def _panel(window: MainWindow, name: str) -> SymbolPanel:
    (dock,) = [d for d in window.docks.docks() if d.objectName() == name]
    widget = dock.widget()
    assert isinstance(widget, SymbolPanel)
    return widget


def _names(window: MainWindow) -> list[str]:
    return [d.objectName() for d in window.docks.docks()]


def _default_names(window: MainWindow) -> list[str]:
    names = [p.name for p in window.workspace.default().panels]
    assert {"messages:1", "notes:1", "sym:1"} <= set(names)
    return names


def test_round_trip_two_docks_of_one_kind_with_state(window: MainWindow, tmp_path: Path) -> None:
    window.docks.open("sym")
    second = window.docks.open("sym", area="left")
    window.docks.open("notes")
    window.docks.set_link(second, "blue")
    _panel(window, "sym:1").setText("AAPL")
    _panel(window, "sym:2").setText("ES")
    _panel(window, "sym:2").timeframe = "5 mins"
    window.docks.docks("notes")[0].hide()
    assert window.workspace.save("Morning")

    window.workspace.reset_to_default()
    assert _names(window) == _default_names(window)
    assert window.workspace.restore("Morning")
    names = [d.objectName() for d in window.docks.docks()]
    assert names == ["sym:1", "sym:2", "notes:1"]
    assert _panel(window, "sym:2").text() == "ES"
    assert _panel(window, "sym:2").timeframe == "5 mins"
    assert _panel(window, "sym:1").text() == "AAPL"
    docks = {d.objectName(): d for d in window.docks.docks()}
    assert window.docks.link_of(docks["sym:2"]) == "blue"
    assert window.docks.link_of(docks["sym:1"]) == "red"
    assert window.docks.link_of(docks["notes:1"]) is None
    assert docks["notes:1"].isHidden()
    assert window.dockWidgetArea(docks["sym:2"]) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert window.dockWidgetArea(docks["sym:1"]) == Qt.DockWidgetArea.RightDockWidgetArea
    assert window.windowTitle().endswith("Morning")
    assert window.settings.last_workspace == "Morning"
    assert '"last_workspace": "Morning"' in (tmp_path / "ui.json").read_text()


def test_corrupt_workspace_falls_back_to_default_with_message(
    window: MainWindow, qtbot: QtBot
) -> None:
    path = window.workspace.store.path_for("Broken")
    path.parent.mkdir(parents=True)
    path.write_text('{"name": "Broken", "panels": [{"name": 5}]}')
    with qtbot.waitSignal(window.workspace.message) as blocker:
        assert not window.workspace.restore("Broken")
    assert "Broken.json.bak" in blocker.args[0]
    assert backup_path(path).exists()
    assert "Broken.json.bak" in window.statusBar().currentMessage()
    assert "Broken.json.bak" in window.session.messages[-1].text
    assert _names(window) == _default_names(window)


def test_panel_that_rejects_its_state_does_not_stop_the_restore(window: MainWindow) -> None:
    window.docks.open("sym")
    window.docks.open("notes")
    ws = window.workspace.capture("Odd")
    ws.panels[0].state = {"explode": True}
    messages: list[str] = []
    window.workspace.message.connect(messages.append)
    window.workspace.apply(ws)
    assert [d.objectName() for d in window.docks.docks()] == ["sym:1", "notes:1"]
    assert any("saved state not usable" in m for m in messages)


def test_unknown_kind_in_a_workspace_is_left_out_with_a_message(window: MainWindow) -> None:
    window.docks.open("notes")
    ws = window.workspace.capture("Old")
    ws.panels[0].name = "gone:1"
    messages: list[str] = []
    window.workspace.message.connect(messages.append)
    window.workspace.apply(ws)
    assert window.docks.docks() == []
    assert any("'gone'" in m for m in messages)


def test_link_group_drives_panels_of_the_same_colour(window: MainWindow) -> None:
    red_a = window.docks.open("sym")
    red_b = window.docks.open("sym")
    blue = window.docks.open("sym")
    window.docks.set_link(blue, "blue")
    a, b, c = (d.widget() for d in (red_a, red_b, blue))
    assert isinstance(a, SymbolPanel) and isinstance(b, SymbolPanel) and isinstance(c, SymbolPanel)
    a.pick(Stock("AAPL", "SMART", "USD"))
    assert (a.shown, b.shown, c.shown) == ([], ["AAPL"], [])
    assert window.links.active_color == "red"
    c.pick(Stock("MSFT", "SMART", "USD"))
    assert (a.shown, b.shown) == ([], ["AAPL"])
    assert window.links.active_color == "blue"
    # Joining a colour shows that colour's current symbol at once.
    window.docks.set_link(red_b, "blue")
    assert b.shown == ["AAPL", "MSFT"]
    # Not linked: hears nothing.
    window.docks.set_link(red_b, "none")
    c.pick(Stock("IBM", "SMART", "USD"))
    assert b.shown == ["AAPL", "MSFT"]


def test_link_chooser_in_the_title_bar_changes_the_colour(window: MainWindow) -> None:
    dock = window.docks.open("sym")
    title = dock.titleBarWidget()
    button = title.link_button  # type: ignore[attr-defined]
    assert button is not None and button.color == "red"
    green = next(a for a in button.menu().actions() if a.text() == "Green")
    green.trigger()
    assert window.docks.link_of(dock) == "green"
    assert window.links.active_color == "green"
    notes = window.docks.open("notes")
    assert notes.titleBarWidget().link_button is None  # type: ignore[attr-defined]


def test_theme_switch_changes_palette_and_is_remembered(window: MainWindow, tmp_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window.set_theme("light")
    light_bg = app.palette().window().color().lightness()
    assert window.theme_actions["light"].isChecked() and "#2f6fdb" in app.styleSheet()
    window.set_theme("dark")
    assert app.palette().window().color().lightness() < light_bg
    assert "live-badge" in app.styleSheet()
    window.set_theme("light")
    reopened = MainWindow(settings_path=tmp_path / "ui.json", store=window.workspace.store)
    assert reopened.settings.theme == "light"
    window.set_theme("dark")
    reopened.deleteLater()


def test_shortcuts_dialog_lists_the_real_shortcuts(window: MainWindow) -> None:
    rows = collect_shortcuts(window)
    keys = {what: k for _where, what, k in rows}
    assert keys["Save workspace"] == "Ctrl+S"
    assert keys["Keyboard shortcuts"] == "F1"
    assert "Quit" in keys
    assert ("Messages panel", "Copy") not in {(w, a) for w, a, _k in rows}
    window.docks.open("messages")
    window.docks.open("messages")
    rows = collect_shortcuts(window)
    assert [(w, a) for w, a, _k in rows if w == "Messages panel"] == [("Messages panel", "Copy")]
    dialog = window.show_shortcuts()
    assert dialog.isVisible() and dialog.table.rowCount() == len(rows)
    dialog.close()


def test_shortcuts_dialog_lists_qshortcuts_too(window: MainWindow) -> None:
    """Keys bound with QShortcut (not a QAction) are listed by their whatsThis text."""
    flatten = QShortcut(QKeySequence("Ctrl+Shift+F"), window)
    flatten.setWhatsThis("Flatten position")
    panel = window.docks.open("messages").widget()
    assert panel is not None
    jump = QShortcut(QKeySequence("Ctrl+End"), panel)
    jump.setWhatsThis("Jump to newest")
    rows = {(w, a, k) for w, a, k in collect_shortcuts(window)}
    assert ("Window", "Flatten position", "Ctrl+Shift+F") in rows
    assert ("Messages panel", "Jump to newest", "Ctrl+End") in rows
    flatten.deleteLater()


def test_save_as_dialog_saves_without_blocking(window: MainWindow, qtbot: QtBot) -> None:
    window.docks.open("notes")
    dialog = window.workspace.ask_save_as()
    assert dialog.isVisible()
    dialog.setTextValue("Evening")
    dialog.accept()
    assert window.workspace.store.names() == ["Evening"]
    assert window.workspace.current_name == "Evening"


def test_focus_in_a_linked_panel_makes_its_colour_active(window: MainWindow, qtbot: QtBot) -> None:
    red = window.docks.open("sym")
    blue = window.docks.open("sym", area="left")
    window.docks.set_link(blue, "blue")
    window.docks.set_link(red, "red")
    assert window.links.active_color == "red"
    window.activateWindow()
    blue.widget().setFocus()
    qtbot.waitUntil(lambda: window.links.active_color == "blue")
    window.symbol_search.popup()
    assert "blue link group" in window.symbol_search.target.text()
    window.symbol_search.hide()


def test_closing_a_panel_removes_and_releases_it(window: MainWindow) -> None:
    dock = window.docks.open("messages")
    panel = dock.widget()
    assert isinstance(panel, MessagesPanel)
    dock.titleBarWidget().close_button.click()  # type: ignore[attr-defined]
    assert window.docks.docks() == []
    assert "Messages" not in [a.text() for a in window.view_menu.actions()]
    window.session.messages.add_app("after removal")
    assert panel.model._unsubscribe is None


def test_switching_workspaces_saves_the_current_one(window: MainWindow) -> None:
    window.workspace.save("Other")
    window.workspace.save("Mine")
    window.docks.open("notes")
    window.workspace.switch_to("Other")
    assert window.workspace.current_name == "Other"
    assert _names(window) == []
    window.workspace.switch_to("Mine")
    assert _names(window) == ["notes:1"]


def test_delete_workspace_asks_first(window: MainWindow) -> None:
    window.workspace.save("A")
    window.workspace.save("B")
    box = window.workspace.ask_delete("A")
    assert box.isVisible() and "'A'" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert window.workspace.store.names() == ["A", "B"]
    box = window.workspace.ask_delete("A")
    box.button(QMessageBox.StandardButton.Yes).click()
    assert window.workspace.store.names() == ["B"]


def test_empty_window_says_how_to_get_panels_back(window: MainWindow) -> None:
    assert not window.empty_hint.isHidden()
    dock = window.docks.open("notes")
    assert window.empty_hint.isHidden()
    dock.toggleViewAction().trigger()
    assert not window.empty_hint.isHidden()
    dock.toggleViewAction().trigger()
    assert window.empty_hint.isHidden()
    window.docks.remove(dock)
    assert not window.empty_hint.isHidden()


def test_fresh_layout_of_a_hidden_window_waits_for_show(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sizing a fresh layout needs a shown window; until then nothing polls the loop."""
    calls: list[bool] = []
    arrange = WorkspaceController._arrange_fresh

    def counted(self: WorkspaceController) -> None:
        calls.append(win.isVisible())
        arrange(self)

    monkeypatch.setattr(WorkspaceController, "_arrange_fresh", counted)
    win = MainWindow(store=LayoutStore(tmp_path / "ws"), settings_path=tmp_path / "ui.json")
    qtbot.addWidget(win)
    win.workspace.reset_to_default()
    for _ in range(3):
        QApplication.processEvents()
    assert calls == [False]  # once, then no 0-ms timer spinning while hidden
    win.show()
    qtbot.waitUntil(lambda: calls == [False, True])
