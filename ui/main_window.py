"""The main window: menus, dock framework, workspaces, themes, symbol search, connection and
status bar, plus an awaitable close so the caller can shut down asynchronously (save the
workspace, disconnect, cancel tasks) before the loop stops."""

import asyncio
import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from terminal_app import APP_NAME, __version__
from terminal_app.ib_errors import Severity
from terminal_app.loop_lag import LoopLagProbe
from terminal_app.session.broker import BrokerSession
from terminal_app.session.profiles import ConnectionProfile, builtin_profiles
from terminal_app.session.state import ConnectionState, Phase
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.layout import LayoutStore
from terminal_app.workspace.link_groups import LinkGroups
from terminal_app.workspace.settings import THEMES, UiSettings, load_settings, save_settings
from ui.connection_dialog import ConnectionDialog, ask_remote_acknowledgement
from ui.docks import DockManager
from ui.global_cancel import confirm_global_cancel
from ui.link_seeding import LinkSeeder
from ui.panel import LiveDataPanel, PanelContext
from ui.panel_kinds import WATCHLIST_KIND, builtin_kinds
from ui.pick_router import PickRouter
from ui.shortcuts import ShortcutsDialog
from ui.status_bar import TerminalStatus
from ui.symbol_search import SymbolSearch
from ui.themes import apply_theme
from ui.workspace_controller import WorkspaceController

log = logging.getLogger(__name__)
_ANY_SIZE = 16_777_215  # Qt's QWIDGETSIZE_MAX
# A floor for the docks (a watchlist's first columns, the Messages filter bar); the status bar
# raises the width to what its labels need.
MIN_WIDTH, MIN_HEIGHT = 800, 480


class MainWindow(QMainWindow):
    """Owns the app's tasks, the link groups, the docks and the workspace of one terminal."""

    def __init__(
        self,
        tasks: TaskOwner | None = None,
        parent: QWidget | None = None,
        store: LayoutStore | None = None,
        settings_path: Path | None = None,
        session: BrokerSession | None = None,
        probe: LoopLagProbe | None = None,
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
        self.session = session if session is not None else BrokerSession(parent=self)
        self._settings_path = settings_path
        loaded = load_settings(settings_path)
        self.settings = loaded.value or UiSettings()

        menu_bar = self.menuBar()
        self.file_menu = menu_bar.addMenu("&File")
        self.orders_menu = menu_bar.addMenu("&Orders")
        self.workspace_menu = menu_bar.addMenu("&Workspace")
        self.view_menu = menu_bar.addMenu("&View")
        self.help_menu = menu_bar.addMenu("&Help")
        context = PanelContext(self.session, self.links, self.tasks)
        self.docks = DockManager(self, self.view_menu, context)
        for kind in builtin_kinds():
            self.docks.register_kind(kind)
        self.workspace = WorkspaceController(self, self.docks, store or LayoutStore())
        self.workspace.fill_menu(self.workspace_menu)
        self.workspace.message.connect(self.notify)
        self.workspace.info.connect(lambda text: self.notify(text, Severity.INFO))
        self.workspace.workspace_changed.connect(self._on_workspace_changed)
        self.link_seeder = LinkSeeder(self.docks, self.links, self.session, self.tasks)
        self.workspace.workspace_changed.connect(lambda _name: self.link_seeder.seed())

        self._add_connection_actions()
        self._add_order_actions()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        self.file_menu.addAction(quit_action)
        self.picks = PickRouter(self.docks, self.links, WATCHLIST_KIND)
        self.symbol_search = SymbolSearch(
            self.session, self.links, self.tasks, self, self.picks.describe
        )
        self.symbol_search.contract_picked.connect(
            lambda contract: self.statusBar().showMessage(self.picks.route(contract), 10_000)
        )
        search = QAction("&Symbol search…", self)
        search.setShortcut("Ctrl+K")
        search.triggered.connect(self.symbol_search.popup)
        symbol_box = QAction("Go to the watchlist's symbol &box", self)
        symbol_box.setShortcut("Ctrl+L")
        symbol_box.triggered.connect(self.picks.focus_symbol_box)
        first = self.view_menu.actions()[0]
        for action in (search, symbol_box):
            self.addAction(action)  # works with the menu bar hidden or a dock floating
            self.view_menu.insertAction(first, action)
        self._add_theme_menu()
        shortcuts = QAction("&Keyboard shortcuts", self)
        shortcuts.setShortcut("F1")
        shortcuts.triggered.connect(self.show_shortcuts)
        self.help_menu.addAction(shortcuts)
        about = QAction("&About", self)
        about.triggered.connect(self._show_about)
        self.help_menu.addAction(about)

        self.status = TerminalStatus(self.statusBar(), self.tasks, probe)
        self.status.cancel_button.clicked.connect(self.cancel_connecting)
        self.status.width_needed.connect(self._fit_minimum)
        self._fit_minimum(self.status.minimum_width())
        self.session.stateChanged.connect(self._on_state)
        self.session.historyQueueChanged.connect(self._on_history_queue)
        self._on_state(self.session.state)
        # Docks own all the space; with none showing, the centre says how to get one back.
        self.empty_hint = QLabel(
            "No panels are open.\n\nView → New panel (watchlist: Ctrl+Shift+W), "
            "Workspace → Open or Reset to default layout.",
            self,
        )
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setEnabled(False)  # drawn in the muted text colour
        self.setCentralWidget(self.empty_hint)
        self.docks.dock_opened.connect(self._watch_dock)
        self.docks.dock_closed.connect(lambda _dock: self._update_empty_hint())
        self._update_empty_hint()
        if loaded.problem:
            self.notify(loaded.problem)

    def _fit_minimum(self, status_width: int) -> None:
        """Never so narrow that the status bar cuts its labels ("Simu", "● C")."""
        self.setMinimumSize(max(MIN_WIDTH, status_width), MIN_HEIGHT)

    def _watch_dock(self, dock: QDockWidget) -> None:
        dock.visibilityChanged.connect(lambda _visible: self._update_empty_hint())
        self._update_empty_hint()

    def _update_empty_hint(self) -> None:
        empty = all(d.isHidden() for d in self.docks.docks())
        limit = _ANY_SIZE if empty else 0
        self.empty_hint.setMaximumSize(limit, limit)
        self.empty_hint.setVisible(empty)

    # -- messages ------------------------------------------------------------------------------

    def notify(self, text: str, severity: Severity = Severity.WARNING) -> None:
        """Tell the user something that went wrong or changed, without a modal box: in the
        status bar for a while, and for good in the Messages dock."""
        log.log(logging.WARNING if severity is not Severity.INFO else logging.INFO, "%s", text)
        self.statusBar().showMessage(text, 10_000)
        self.session.messages.add_app(text, severity)

    def panels_live(self) -> bool:
        """True when every open panel that can tell has live data."""
        widgets = [d.widget() for d in self.docks.docks()]
        return all(w.has_live_data() for w in widgets if isinstance(w, LiveDataPanel))

    # -- connection ----------------------------------------------------------------------------

    def _add_connection_actions(self) -> None:
        self.connect_action = QAction("&Connect…", self)
        self.connect_action.setShortcut("Ctrl+Shift+C")
        self.connect_action.triggered.connect(self.show_connection_dialog)
        self.disconnect_action = QAction("&Disconnect", self)
        self.disconnect_action.triggered.connect(
            lambda: self.tasks.spawn(self.session.close_connection(), name="disconnect")
        )
        self.cancel_connecting_action = QAction("Cancel &connecting", self)
        self.cancel_connecting_action.setToolTip("Stop connecting / reconnecting")
        self.cancel_connecting_action.triggered.connect(self.cancel_connecting)
        self.file_menu.addAction(self.connect_action)
        quick = self.file_menu.addMenu("Connect &to")
        for profile in builtin_profiles():
            label = profile.name + ("   (LIVE)" if profile.is_live else "")
            quick.addAction(label).triggered.connect(
                lambda _=False, p=profile: self.quick_connect(p)
            )
        for action in (self.disconnect_action, self.cancel_connecting_action):
            self.file_menu.addAction(action)
        self.file_menu.addSeparator()

    def _add_order_actions(self) -> None:
        self.cancel_all_action = QAction("&Cancel all open orders…", self)
        self.cancel_all_action.setShortcut("Ctrl+Shift+X")
        self.cancel_all_action.setToolTip("Global cancel: every open order of the account")
        self.cancel_all_action.triggered.connect(self.confirm_cancel_all)
        self.orders_menu.addAction(self.cancel_all_action)
        self.session.tradingChanged.connect(self._on_trading)
        self._on_trading(self.session.trading_allowed, self.session.trading_reason)

    def _on_trading(self, allowed: bool, reason: str) -> None:
        self.cancel_all_action.setEnabled(allowed)
        self.cancel_all_action.setStatusTip(reason)

    def confirm_cancel_all(self) -> QMessageBox:
        """Global cancel after a (non-blocking) confirmation: it reaches orders of every client."""
        self.cancel_all_box = confirm_global_cancel(
            self.session,
            self,
            lambda text, error: self.notify(text, Severity.ERROR if error else Severity.INFO),
        )
        return self.cancel_all_box

    def _last_profile(self) -> ConnectionProfile | None:
        try:
            return self.session.profile or self.settings.profile()
        except ValueError:
            return None

    def quick_connect(self, profile: ConnectionProfile) -> None:
        """File → Connect to: a built-in profile with the client id and read-only choice last
        used."""
        last = self._last_profile()
        if last is not None:
            profile = profile.with_(client_id=last.client_id, read_only=last.read_only)
        self.request_connect(profile)

    def show_connection_dialog(self) -> ConnectionDialog:
        dialog = ConnectionDialog(self._last_profile(), self)
        dialog.connect_requested.connect(self.request_connect)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def request_connect(self, profile: ConnectionProfile, acknowledged: bool = False) -> None:
        """Connect with `profile`; a remote host first needs the user's acknowledgement."""
        if profile.needs_host_warning and not acknowledged:
            self.remote_warning = ask_remote_acknowledgement(
                self, profile, lambda p: self.request_connect(p, True)
            )
            return
        # The status bar shows the session's profile (from its state changes), never the one
        # asked for: a refused request must not hide the LIVE badge of the connection in use.
        if profile.to_dict() != self.settings.last_profile:
            self.settings.last_profile = profile.to_dict()
            self.save_settings()
        self.tasks.spawn(self._connect(profile, acknowledged), name=f"connect {profile.name}")

    async def _connect(self, profile: ConnectionProfile, acknowledged: bool) -> None:
        if await self.session.open_connection(profile, acknowledged_remote=acknowledged):
            return
        # A failure is shown once, by the state label (elided, in full in its tooltip).
        if self.session.state.phase is Phase.CONNECTING:  # refused: one attempt at a time
            self.statusBar().showMessage(
                f"{profile.name} not connected: another connection attempt is in progress", 15_000
            )

    def cancel_connecting(self) -> None:
        """The status bar's Cancel: stop retrying, or abort a connect attempt (one to a live
        account picked by mistake, or a host that does not answer)."""
        if self.session.state.phase is Phase.RECONNECTING:
            self.session.cancel_reconnect()
        elif self.session.state.phase is Phase.CONNECTING:
            self.tasks.spawn(self.session.close_connection(), name="cancel connect")

    def _on_history_queue(self) -> None:
        scheduler = self.session.history_scheduler
        self.status.show_history(
            [r.describe for r in scheduler.waiting()],
            [r.describe for r in scheduler.in_flight()],
        )

    def _on_state(self, state: ConnectionState) -> None:
        connected = state.phase is Phase.CONNECTED
        self.status.show_state(state)
        self.status.show_profile(self.session.profile)
        self.status.show_accounts(self.session.accounts() if connected else [])
        self.status.set_server_time_source(self.session.server_time if connected else None)
        self._update_title()
        busy = state.phase in (Phase.CONNECTED, Phase.CONNECTING, Phase.RECONNECTING)
        self.disconnect_action.setEnabled(busy)
        self.cancel_connecting_action.setEnabled(
            state.phase in (Phase.CONNECTING, Phase.RECONNECTING)
        )

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

    def _update_title(self) -> None:
        """Workspace name, and the account kind when it is real money: visible in the taskbar."""
        parts = [APP_NAME, self.workspace.current_name]
        profile = self.session.profile
        offline = self.session.state.phase in (Phase.DISCONNECTED, Phase.FAILED)
        if profile is not None and profile.is_live and not offline:
            parts.append(f"LIVE ({profile.name})")
        self.setWindowTitle(" — ".join(parts))

    def _on_workspace_changed(self, name: str) -> None:
        self._update_title()
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
