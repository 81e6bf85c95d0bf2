"""Saving and restoring named workspaces of the main window, and the Workspace menu.

Capture = QMainWindow.saveState/saveGeometry plus, per dock, its `kind:N` name, area, link colour,
visibility and the panel's own `panel_state()`. Restore rebuilds the docks under their old names
(so restoreState can place them), hands each panel its state back, then restores the geometry.
Problems (corrupt file, a panel that cannot take its state back) become messages, never crashes.
Like TWS, the workspace shown is saved when another is opened and on quit; the menu says so, and
Default stays listed under Open even before it was ever saved.
"""

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QDockWidget,
    QInputDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
)

from terminal_app.workspace.layout import (
    DEFAULT_NAME,
    KindDefaults,
    LayoutStore,
    PanelEntry,
    Workspace,
    default_workspace,
    validate_name,
)
from ui.docks import AREA_NAMES, DockManager
from ui.panel import StatefulPanel

log = logging.getLogger(__name__)

STATE_VERSION = 1


class WorkspaceController(QObject):
    #: a problem or notice for the user (shown in the status bar and the Messages dock)
    message = Signal(str)
    #: something done as asked (deleted, saved on switch): an Info notice, not a problem
    info = Signal(str)
    #: the name of the workspace now shown
    workspace_changed = Signal(str)

    def __init__(self, window: QMainWindow, docks: DockManager, store: LayoutStore) -> None:
        super().__init__(window)
        self._window = window
        self._docks = docks
        self._store = store
        self._current = DEFAULT_NAME
        self._arrange_on_show = False  # a fresh layout waits for the window to be shown

    @property
    def current_name(self) -> str:
        return self._current

    @property
    def store(self) -> LayoutStore:
        return self._store

    # -- capture / apply ---------------------------------------------------------------------

    def capture(self, name: str | None = None) -> Workspace:
        panels = []
        for dock in self._docks.docks():
            widget = dock.widget()
            state: dict[str, Any] = {}
            if isinstance(widget, StatefulPanel):
                try:
                    state = widget.panel_state()
                except Exception as exc:  # a panel bug must not lose the rest of the layout
                    log.exception("panel %s could not save its state", dock.objectName())
                    self.message.emit(f"{dock.windowTitle()}: could not save its state ({exc})")
            area = AREA_NAMES.get(self._window.dockWidgetArea(dock), "right")
            link = self._docks.link_of(dock) or "none"
            panels.append(PanelEntry(dock.objectName(), area, link, not dock.isHidden(), state))
        return Workspace(
            name or self._current,
            panels,
            window_state=bytes(self._window.saveState(STATE_VERSION).data()),
            geometry=bytes(self._window.saveGeometry().data()),
        )

    def apply(self, workspace: Workspace) -> bool:
        """Replace every open panel with the workspace's panels, states and geometry; False when
        a panel was left out or could not take its state back (saving would lose it)."""
        self._docks.remove_all()
        complete = True
        for entry in workspace.panels:
            if not self._docks.has_kind(entry.kind):
                self.message.emit(
                    f"Workspace {workspace.name!r}: panel kind {entry.kind!r} is not available "
                    "in this version; it was left out."
                )
                complete = False
                continue
            dock = self._docks.open(entry.kind, entry.name, entry.area, entry.link)
            widget = dock.widget()
            if entry.state and isinstance(widget, StatefulPanel):
                try:
                    widget.restore_panel_state(entry.state)
                except Exception as exc:
                    log.exception("panel %s could not restore its state", entry.name)
                    self.message.emit(f"{dock.windowTitle()}: saved state not usable ({exc})")
                    complete = False
            if workspace.window_state is None:
                dock.setVisible(entry.visible)
        if workspace.window_state is None:
            self._arrange_fresh()
        if workspace.geometry is not None:
            self._window.restoreGeometry(QByteArray(workspace.geometry))
        if workspace.window_state is not None and not self._window.restoreState(
            QByteArray(workspace.window_state), STATE_VERSION
        ):
            self.message.emit(f"Workspace {workspace.name!r}: dock positions could not be read.")
        self._set_current(workspace.name)
        return complete

    def _arrange_fresh(self) -> None:
        """Sizes for a layout without saved geometry: in each side column the first panel (a
        watchlist, a chart) gets most of the height; the right column most of the width."""
        window = self._window
        if not window.isVisible():  # sizes only hold once the window is laid out: on show
            if not self._arrange_on_show:
                self._arrange_on_show = True
                window.installEventFilter(self)
            return
        columns: dict[Qt.DockWidgetArea, list[QDockWidget]] = {}
        for dock in self._docks.docks():
            if not dock.isHidden():
                columns.setdefault(window.dockWidgetArea(dock), []).append(dock)
        height = window.height()
        for docks in columns.values():
            if len(docks) > 1:
                rest = height * 2 // 5 // (len(docks) - 1)
                sizes = [height * 3 // 5] + [rest] * (len(docks) - 1)
                window.resizeDocks(docks, sizes, Qt.Orientation.Vertical)
        left = columns.get(Qt.DockWidgetArea.LeftDockWidgetArea)
        right = columns.get(Qt.DockWidgetArea.RightDockWidgetArea)
        if left and right:
            width = window.width()
            window.resizeDocks(
                [left[0], right[0]], [width * 2 // 5, width * 3 // 5], Qt.Orientation.Horizontal
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Show and self._arrange_on_show:
            self._arrange_on_show = False
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, self, self._arrange_fresh)  # once the shown window is laid out
        return False

    # -- named workspaces --------------------------------------------------------------------

    def default(self) -> Workspace:
        kinds = {k.kind: KindDefaults(k.area, k.default_link) for k in self._docks.kinds()}
        return default_workspace(kinds)

    def restore(self, name: str) -> bool:
        """Show the saved workspace `name`; a missing or corrupt one falls back to the default."""
        loaded = self._store.load(name)
        if loaded.problem:
            self.message.emit(loaded.problem)
        if loaded.value is None:
            self.apply(self.default())
            return False
        if not self.apply(loaded.value):
            self._keep_backup(name)
        return True

    def _keep_backup(self, name: str) -> None:
        try:
            backup = self._store.keep_backup(name)
        except OSError as exc:
            self.message.emit(f"Workspace {name!r}: could not keep a copy of its file ({exc}).")
            return
        self.message.emit(
            f"Workspace {name!r}: its file as it was is kept as {backup.name}; saving the "
            "workspace writes only what could be restored."
        )

    def save(self, name: str | None = None) -> bool:
        """Save the window as `name` (default: the current workspace); reports failures."""
        try:
            target = validate_name(name if name is not None else self._current)
            self._store.save(self.capture(target))
        except (OSError, ValueError) as exc:
            self.message.emit(f"Workspace not saved: {exc}")
            return False
        self._set_current(target)
        return True

    def delete(self, name: str) -> None:
        self._store.delete(name)
        self.info.emit(f"Workspace {name!r} deleted.")

    def switch_to(self, name: str) -> None:
        """Open another workspace from the menu: the current one is saved first, as TWS does,
        and the status bar says so."""
        if name == self._current:
            return
        left = self._current
        saved = self.save()
        self.restore(name)
        if saved:
            self.info.emit(f"Workspace {left!r} saved; {name!r} opened.")

    def reset_to_default(self) -> None:
        self.apply(self.default())

    def ask_reset(self) -> QMessageBox:
        """Confirm first: the reset closes every panel and its lists."""
        return self._ask(
            "Reset to default layout?",
            f"Close every panel of {self._current!r} and open the default layout instead? "
            "Watchlists and panel settings of this layout are lost once the workspace is saved "
            "(Ctrl+S, or on switching workspace or quitting).",
            self.reset_to_default,
            QMessageBox.StandardButton.Reset,
        )

    def _ask(
        self,
        title: str,
        text: str,
        on_yes: Callable[[], object],
        yes: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes,
    ) -> QMessageBox:
        """A non-blocking question (Cancel by default); `on_yes` runs only on `yes`."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text,
            yes | QMessageBox.StandardButton.Cancel,
            self._window,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def clicked(button: QAbstractButton) -> None:
            if box.standardButton(button) == yes:
                on_yes()

        box.buttonClicked.connect(clicked)
        box.finished.connect(box.deleteLater)
        box.open()
        return box

    def _set_current(self, name: str) -> None:
        self._current = name
        self.workspace_changed.emit(name)

    # -- menu ------------------------------------------------------------------------------

    def fill_menu(self, menu: QMenu) -> None:
        save = menu.addAction("&Save workspace")
        save.setShortcut("Ctrl+S")
        save.triggered.connect(lambda: self.save())
        menu.addAction("Save workspace &as…").triggered.connect(self.ask_save_as)
        self._open_menu = menu.addMenu("&Open workspace")
        self._open_menu.aboutToShow.connect(self._fill_open_menu)
        self._delete_menu = menu.addMenu("&Delete workspace")
        self._delete_menu.aboutToShow.connect(self._fill_delete_menu)
        menu.addSeparator()
        menu.addAction("&Reset to default layout…").triggered.connect(self.ask_reset)
        menu.addSeparator()
        note = menu.addAction("Changes are saved on switching workspace and on quit")
        note.setEnabled(False)

    def open_names(self) -> list[str]:
        """The workspaces Open offers: the saved ones, and Default even if never saved."""
        names = self._store.names()
        return names if DEFAULT_NAME in names else [DEFAULT_NAME, *names]

    def _fill_open_menu(self) -> None:
        self._open_menu.clear()
        names = self.open_names()
        for name in names:
            action = self._open_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name == self._current)
            action.triggered.connect(lambda _=False, n=name: self.switch_to(n))

    def _fill_delete_menu(self) -> None:
        self._delete_menu.clear()
        names = [n for n in self._store.names() if n != self._current]
        for name in names:
            self._delete_menu.addAction(name).triggered.connect(
                lambda _=False, n=name: self.ask_delete(n)
            )
        if not names:
            self._delete_menu.addAction("(none besides the current one)").setEnabled(False)

    def ask_delete(self, name: str) -> QMessageBox:
        """Confirm first: a deleted workspace cannot be brought back."""
        return self._ask(
            "Delete workspace?",
            f"Delete the workspace {name!r}? Its layout and panel settings are lost.",
            lambda: self.delete(name),
        )

    def ask_save_as(self) -> QInputDialog:
        """Non-blocking: the dialog calls back; an existing name asks before overwriting."""
        dialog = QInputDialog(self._window)
        dialog.setWindowTitle("Save workspace as")
        dialog.setLabelText("Workspace name:")
        dialog.setTextValue(self._current)
        dialog.textValueSelected.connect(self._save_as_chosen)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _save_as_chosen(self, name: str) -> None:
        try:
            name = validate_name(name)
        except ValueError as exc:
            self.message.emit(f"Workspace not saved: {exc}")
            return
        if name == self._current or not self._store.exists(name):
            self.save(name)
            return
        self._ask(
            "Replace workspace?",
            f"A workspace named {name!r} exists. Replace it with the current layout?",
            lambda: self.save(name),
        )
