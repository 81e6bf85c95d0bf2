"""The account dock: net liquidation, cash, buying power, funds, margins, SMA and cushion per
currency with the BASE totals, as the session's account updates report them; STALE (greyed,
said in the header) while not connected, since IB stops sending updates then."""

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from terminal_app.session import Phase
from ui.account.model import AccountModel
from ui.live_table.view import LiveTableView
from ui.panel import PanelContext


class AccountPanel(QWidget):
    def __init__(self, ctx: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = ctx.session
        self.model = AccountModel(ctx.session, self)
        self.view = LiveTableView(self.model, self)
        header = self.view.horizontalHeader()
        for column, width in ((1, 190), (2, 64), (3, 140)):  # labels and BASE totals fit
            header.resizeSection(column, width)
        self.status = QLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        self._session.stateChanged.connect(self._on_state)
        self._on_state(self._session.state)

    def _on_state(self, state: object) -> None:
        connected = getattr(state, "phase", None) is Phase.CONNECTED
        self.model.set_stale(not connected)
        self.status.setText("" if connected else "STALE: not connected, last values received")
        self.status.setVisible(not connected)

    def has_live_data(self) -> bool:
        return not self.model.stale and self.model.rowCount() > 0

    def release_panel(self) -> None:
        self.model.detach()
