"""The main window: menus, dock framework, workspaces, themes and status bar, plus an awaitable
close so the caller can shut down asynchronously (save, disconnect, cancel tasks)."""

import asyncio
import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox, QWidget

from terminal_app import APP_NAME, __version__
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.layout import LayoutStore
from terminal_app.workspace.link_groups import LinkGroups
from terminal_app.workspace.settings import THEMES, UiSettings, load_settings, save_settings
from ui.docks import DockManager
from ui.panel import PanelContext
from ui.shortcuts import ShortcutsDialog
from ui.themes import apply_theme
from ui.workspace_controller import WorkspaceController

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Owns the app's tasks, the link groups, the docks and the workspace of one terminal."""

    def __init__(
        self,
        tasks: TaskOwner | None = None,
        parent: QWidget | None = None,
        store: LayoutStore | None = None,
        settings_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        self.setObjectName("main-window")
        self.resize(1280, 800)
        self.setDockOptions(
            QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AnimatedDocks
        )
        self.setDockNestingEnabled(True)
        self.tasks = tasks if tasks is not None else TaskOwner("window")
        self.closed = asyncio.Event()
        self.links = LinkGroups(self)
        self._settings_path = settings_path
        loaded = load_settings(settings_path)
        self.settings = loaded.value or UiSettings()

        menu_bar = self.menuBar()
        self.file_menu = menu_bar.addMenu("&File")
        self.workspace_menu = menu_bar.addMenu("&Workspace")
        self.view_menu = menu_bar.addMenu("&View")
        self.help_menu = menu_bar.addMenu("&Help")
        self.docks = DockManager(self, self.view_menu, PanelContext(self.links, self.tasks))
        self.workspace = WorkspaceController(self, self.docks, store or LayoutStore())
        self.workspace.fill_menu(self.workspace_menu)
        self.workspace.message.connect(self.notify)
        self.workspace.workspace_changed.connect(self._on_workspace_changed)

        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        self.file_menu.addAction(quit_action)
        self._add_theme_menu()
        shortcuts = QAction("&Keyboard shortcuts", self)
        shortcuts.setShortcut("F1")
        shortcuts.triggered.connect(self.show_shortcuts)
        self.help_menu.addAction(shortcuts)
        about = QAction("&About", self)
        about.triggered.connect(self._show_about)
        self.help_menu.addAction(about)

        self.status_label = QLabel("Ready")
        self.statusBar().addWidget(self.status_label, 1)
        central = QWidget(self)
        central.setMaximumSize(0, 0)  # docks own all the space
        self.setCentralWidget(central)
        if loaded.problem:
            self.notify(loaded.problem)

    # -- messages ------------------------------------------------------------------------------

    def notify(self, text: str) -> None:
        """Tell the user something that went wrong or changed, without a modal box."""
        log.warning("%s", text)
        self.statusBar().showMessage(text, 10_000)

    # -- themes --------------------------------------------------------------------------------

    def _add_theme_menu(self) -> None:
        menu = self.view_menu.addMenu("&Theme")
        group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for theme in THEMES:
            action = QAction(theme.capitalize(), menu)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, t=theme: self.set_theme(t))
            group.addAction(action)
            menu.addAction(action)
            self.theme_actions[theme] = action

    def set_theme(self, theme: str) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        apply_theme(app, theme)
        self.theme_actions[theme].setChecked(True)
        if theme != self.settings.theme:
            self.settings.theme = theme
            self.save_settings()

    def apply_settings(self) -> None:
        """Apply the saved theme (called once the window is set up, before it is shown)."""
        self.set_theme(self.settings.theme)

    def save_settings(self) -> None:
        try:
            save_settings(self.settings, self._settings_path)
        except OSError as exc:
            self.notify(f"Settings not saved: {exc}")

    def _on_workspace_changed(self, name: str) -> None:
        self.setWindowTitle(f"{APP_NAME} — {name}")
        if name != self.settings.last_workspace:
            self.settings.last_workspace = name
            self.save_settings()

    # -- dialogs -------------------------------------------------------------------------------

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(f"About {APP_NAME}")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"{APP_NAME} {__version__}\nA trading terminal for Interactive Brokers.")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # never exec(): that would nest a second loop inside the qasync one

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.set()
        event.accept()
