"""The status bar: how the terminal is connected, to what, as whom, at what time, how smoothly.

Left to right (permanent, right-aligned): LIVE / SIM / READ-ONLY badges, profile, connection state
(coloured; with a "Cancel" button while connecting or reconnecting), history queue (while it is
not empty), account, server time, loop lag.
Transient notices use the status bar's own message area on the left. The connection state is
shown once, in its own label, elided to the room it has (the tooltip has it in full and what to do);
`minimum_width` is what the labels need so that none is cut.
"""

import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from terminal_app.loop_lag import LoopLagProbe
from terminal_app.session.profiles import ConnectionProfile
from terminal_app.session.state import STARTING_SIMULATOR, ConnectionState, Phase
from terminal_app.tasks import TaskOwner

ServerTimeFetch = Callable[[], Awaitable[datetime]]
_PHASE_COLORS = {
    Phase.CONNECTED: "#30a46c",
    Phase.CONNECTING: "#e0a100",
    Phase.RECONNECTING: "#f76b15",
    Phase.DISCONNECTED: "#8a8f98",
    Phase.FAILED: "#e5484d",
}
LAG_WARN_S = 0.05
LAG_BAD_S = 0.2
SERVER_TIME_RESYNC_S = 60.0
STATE_TEXT_MAX_PX = 460  # longer reasons are elided; the tooltip has them in full
STATE_TEXT_MIN_PX = 150  # enough for "● Reconnecting"; below it the window stops shrinking
RETRY_HINT = "File → Connect… (Ctrl+Shift+C) to try again or pick another profile."


class ElidedLabel(QLabel):
    """A label that shows as much of its text as fits, ending in "…", and asks for no more
    than `max_px` nor less than `min_px`: a long reason never pushes other labels out."""

    def __init__(self, min_px: int, max_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._min_px, self._max_px = min_px, max_px

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()
        self.updateGeometry()

    def full_text(self) -> str:
        """What the label says before eliding (its width depends on the window's)."""
        return self._full

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        width = self.fontMetrics().horizontalAdvance(self._full) + self._padding()
        return QSize(max(self._min_px, min(self._max_px, width)), hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self._min_px, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _padding(self) -> int:
        margins = self.contentsMargins()
        return margins.left() + margins.right() + 2 * self.margin() + 2

    def _elide(self) -> None:
        room = max(0, self.width() - self._padding())
        metrics = self.fontMetrics()
        self.setText(metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, room))


class TerminalStatus(QWidget):
    """Holds the status bar's permanent labels; `bind` them to a session and a lag probe."""

    #: the width the labels now need (`minimum_width`), whenever it may have changed
    width_needed = Signal(int)

    def __init__(self, bar: QStatusBar, tasks: TaskOwner, probe: LoopLagProbe | None) -> None:
        super().__init__(bar)
        self.hide()  # only a holder; the labels live in the status bar
        self._tasks = tasks
        self._probe = probe
        self.live_badge = self._label(bar, "LIVE", "live-badge", "Live account: real money")
        self.sim_badge = self._label(bar, "SIM", "sim-badge", "Embedded simulated gateway")
        self.readonly_badge = self._label(bar, "READ-ONLY", "sim-badge", "Orders are disabled")
        self.profile = self._label(bar, "", "status-profile", "Connection profile")
        self.state = ElidedLabel(STATE_TEXT_MIN_PX, STATE_TEXT_MAX_PX, bar)
        self.state.setObjectName("status-state")
        bar.addPermanentWidget(self.state)
        self.cancel_button = QPushButton("Cancel", bar)
        self.cancel_button.setToolTip("Stop connecting / reconnecting and stay disconnected")
        self.cancel_button.setFlat(True)
        self.cancel_button.hide()
        bar.addPermanentWidget(self.cancel_button)
        self.history = self._label(bar, "", "status-history", "")
        self.history.hide()
        self.account = self._label(bar, "", "status-account", "Account")
        self.clock = self._label(bar, "", "status-clock", "Server time")
        self.lag = self._label(
            bar, "", "status-lag", "Event-loop lag: how late a 100 ms timer fires"
        )
        for badge in (self.live_badge, self.sim_badge, self.readonly_badge):
            badge.hide()
        self._server_base: tuple[datetime, float] | None = None  # (server time, monotonic)
        self._fetch: ServerTimeFetch | None = None
        self._last_fetch = 0.0
        self._tick = QTimer(self)
        self._tick.setInterval(500)
        self._tick.timeout.connect(self.refresh)
        self._tick.start()
        bar.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest and watched is self.parentWidget():
            self.width_needed.emit(self.minimum_width())
        return False

    @staticmethod
    def _label(bar: QStatusBar, text: str, name: str, tip: str) -> QLabel:
        label = QLabel(text, bar)
        label.setObjectName(name)
        if tip:
            label.setToolTip(tip)
        bar.addPermanentWidget(label)
        return label

    # -- inputs --------------------------------------------------------------------------------

    def minimum_width(self) -> int:
        """The width the status bar needs so that no label is cut (the state may elide)."""
        bar = self.parentWidget()
        assert isinstance(bar, QStatusBar)
        return bar.minimumSizeHint().width()

    def set_probe(self, probe: LoopLagProbe | None) -> None:
        self._probe = probe
        self.lag.setVisible(probe is not None)

    def show_profile(self, profile: ConnectionProfile | None) -> None:
        if profile is None:
            self.profile.setText("Not connected")
            for badge in (self.live_badge, self.sim_badge, self.readonly_badge):
                badge.hide()
            return
        where = "" if profile.is_simulated else f" · {profile.endpoint}"
        self.profile.setText(f"{profile.name}{where} · client {profile.client_id}")
        self.live_badge.setVisible(profile.is_live)
        self.sim_badge.setVisible(profile.is_simulated)
        self.readonly_badge.setVisible(profile.read_only)

    def show_state(self, state: ConnectionState) -> None:
        """The phase, and while not connected the why (attempt and countdown while
        reconnecting, the reason it failed) so nobody has to hover to learn it."""
        color = _PHASE_COLORS[state.phase]
        # The profile label already names the endpoint; the simulator's start-up is news.
        terse = state.phase in (Phase.CONNECTED, Phase.CONNECTING)
        text = state.phase.value if terse and state.reason != STARTING_SIMULATOR else state.text
        self.state.setStyleSheet(f"color: {color}; font-weight: 600;")
        self.state.set_full_text(f"● {text}")
        failed = state.phase is Phase.FAILED
        self.state.setToolTip(f"{state.text}\n\n{RETRY_HINT}" if failed else state.text)
        self.cancel_button.setVisible(state.phase in (Phase.CONNECTING, Phase.RECONNECTING))
        if state.phase is not Phase.CONNECTED:
            self._server_base = None

    def show_accounts(self, accounts: list[str]) -> None:
        self.account.setText(", ".join(accounts))
        self.account.setVisible(bool(accounts))

    def show_history(self, waiting: list[str], loading: list[str]) -> None:
        """The paced history queue: what waits for IB's pacing rules, and what is loading."""
        if not waiting and not loading:
            self.history.hide()
            return
        parts = [f"{len(waiting)} waiting"] if waiting else []
        parts += [f"{len(loading)} loading"] if loading else []
        self.history.setText("History: " + ", ".join(parts))
        lines = [f"loading: {d}" for d in loading] + [f"waiting: {d}" for d in waiting]
        shown = lines[:20] + ([f"… and {len(lines) - 20} more"] if len(lines) > 20 else [])
        self.history.setToolTip(
            "Historical data requests, paced by IB's rules (60 per 10 minutes, no identical "
            "request within 15 s, 6 per contract in 2 s):\n" + "\n".join(shown)
        )
        self.history.show()

    def set_server_time_source(self, fetch: ServerTimeFetch | None) -> None:
        """`fetch` asks the gateway for its time; the clock then ticks locally, resynced now
        and then (the simulator's clock need not be the wall clock)."""
        self._fetch = fetch
        self._server_base = None
        self._last_fetch = 0.0
        if fetch is not None:
            self._tasks.spawn(self._sync_server_time(fetch), name="server-time")

    async def _sync_server_time(self, fetch: ServerTimeFetch) -> None:
        self._last_fetch = time.monotonic()
        try:
            server = await fetch()
        except (ConnectionError, TimeoutError, OSError):
            return  # shown as unknown; the next resync tries again
        if fetch is self._fetch:
            self._server_base = (server, time.monotonic())
            self.refresh()

    # -- display -------------------------------------------------------------------------------

    def server_now(self) -> datetime | None:
        if self._server_base is None:
            return None
        server, at = self._server_base
        return server + timedelta(seconds=time.monotonic() - at)

    def refresh(self) -> None:
        now = self.server_now()
        self.clock.setText(now.astimezone().strftime("%H:%M:%S %Z") if now else "")
        self.clock.setVisible(now is not None)
        fetch = self._fetch
        if fetch is not None and time.monotonic() - self._last_fetch > SERVER_TIME_RESYNC_S:
            self._tasks.spawn(self._sync_server_time(fetch), name="server-time")
        if self._probe is not None and self._probe.running:
            stats = self._probe.stats()
            self.lag.setText(f"Lag {stats.last * 1000:.0f} ms")
            lag = stats.last
            color = "#e5484d" if lag > LAG_BAD_S else "#e0a100" if lag > LAG_WARN_S else ""
            self.lag.setStyleSheet(f"color: {color};" if color else "")
            self.lag.setToolTip(
                f"Event-loop lag, last {stats.samples} samples: now {stats.last * 1000:.0f} ms, "
                f"p99 {stats.p99 * 1000:.0f} ms, max {stats.max * 1000:.0f} ms"
            )
