"""The PnL dock: daily, unrealized and realized P&L of the default account from the session's
`reqPnL` line, and the day's curve (pyqtgraph, one persistent item fed with `setData`). The
curve belongs to the panel, so a reconnect (the line is replayed) continues it; it is saved
every few seconds and when the panel goes, so a restart the same day keeps it."""

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyqtgraph as pg
from ib_async import PnL
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from terminal_app.paths import data_dir
from terminal_app.portfolio.pnl_curve import PnlCurve, load_curve
from terminal_app.price_format import format_money, is_missing
from terminal_app.session import Phase
from ui.live_table.flash import DOWN, UP
from ui.panel import PanelContext

SAVE_EVERY_MS = 10_000


def _money(value: float) -> float | None:
    return None if value is None or is_missing(value) else float(value)


class PnlPanel(QWidget):
    def __init__(
        self,
        ctx: PanelContext,
        parent: QWidget | None = None,
        folder: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self._session = ctx.session
        self._folder = folder or data_dir() / "pnl"
        self._clock = clock
        self.curve: PnlCurve | None = None
        self._unsaved = False
        self._save_failed = False
        self.stale = True
        self.labels = {key: QLabel(self) for key in ("daily", "unrealized", "realized")}
        self.status = QLabel(self)
        row = QHBoxLayout()
        for key, label in self.labels.items():
            row.addWidget(QLabel(f"{key.capitalize()} P&L:", self))
            row.addWidget(label)
            row.addSpacing(12)
        row.addStretch(1)
        row.addWidget(self.status)
        self.plot = pg.PlotWidget(self, axisItems={"bottom": pg.DateAxisItem()})
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.addLine(y=0, pen=pg.mkPen((128, 128, 128), style=pg.QtCore.Qt.PenStyle.DashLine))
        self.line = self.plot.plot([], [], pen=pg.mkPen(UP, width=2))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row)
        layout.addWidget(self.plot, 1)

        self._handle = self._session.pnl()
        self._handle.updated.connect(self._on_pnl)
        self._handle.replaced.connect(self._on_pnl)
        self._saver = QTimer(self)
        self._saver.setInterval(SAVE_EVERY_MS)
        self._saver.timeout.connect(self.save)
        self._saver.start()
        self._session.stateChanged.connect(self._on_state)
        self._on_state(self._session.state)
        self._on_pnl()

    def _on_pnl(self, *_args: object) -> None:
        pnl = self._handle.pnl
        if not isinstance(pnl, PnL):
            return
        figures = {
            "daily": _money(pnl.dailyPnL),
            "unrealized": _money(pnl.unrealizedPnL),
            "realized": _money(pnl.realizedPnL),
        }
        for key, value in figures.items():
            self.labels[key].setText(format_money(value))
        daily = figures["daily"]
        if daily is None or not pnl.account:
            return
        now = self._clock()
        today = date.fromtimestamp(now)
        if self.curve is None or (self.curve.account, self.curve.day) != (pnl.account, today):
            self.save()
            self.curve, problem = load_curve(self._folder, pnl.account, today)
            if problem:
                self._session.report_error(problem)
        self.curve.add(now, daily)
        self._unsaved = True
        self.line.setData(self.curve.times, self.curve.values)
        self.line.setPen(pg.mkPen(UP if daily >= 0 else DOWN, width=2))

    def save(self) -> None:
        """Write the curve; an unwritable data folder is said once, the curve stays in memory."""
        if self.curve is None or not self._unsaved:
            return
        try:
            self.curve.save(self._folder)
        except OSError as exc:
            if not self._save_failed:
                self._session.report_error(f"The P&L curve cannot be saved ({exc}).")
            self._save_failed = True
            return
        self._unsaved = False

    def _on_state(self, state: object) -> None:
        self.stale = getattr(state, "phase", None) is not Phase.CONNECTED
        self.status.setText("STALE: not connected" if self.stale else "")
        grey = "color: gray;" if self.stale else ""
        for label in self.labels.values():
            label.setStyleSheet(grey)

    def has_live_data(self) -> bool:
        return not self.stale and isinstance(self._handle.pnl, PnL)

    def release_panel(self) -> None:
        self._saver.stop()
        self.save()
        self._handle.release()
