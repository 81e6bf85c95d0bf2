"""The portfolio dock: every position with live P&L from the session's portfolio book, a totals
row, an account filter when several accounts are managed, and close / flatten through the order
service after a confirmation listing exactly what goes out."""

from functools import partial

from ib_async import Contract
from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from terminal_app.orders import order_service
from terminal_app.portfolio import Holding, portfolio_book
from terminal_app.portfolio.flatten import plan_close, send
from terminal_app.session import OrderRefused, Phase
from ui.live_table.view import LiveTableView
from ui.panel import PanelContext
from ui.portfolio.columns import COLUMN_INDEX
from ui.portfolio.confirm import confirm_plan
from ui.portfolio.model import ALL_ACCOUNTS, PortfolioModel
from ui.row_actions import add_row_actions


class PortfolioPanel(QWidget):
    contract_chosen = Signal(object)

    def __init__(self, ctx: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._session = ctx.session
        self._book = portfolio_book(ctx.session)
        self._service = order_service(ctx.session)
        self.model = PortfolioModel(self._book, self._session, self)
        self.view = LiveTableView(self.model, self)
        header = self.view.horizontalHeader()
        for key, width in (("account", 96), ("market_value", 104), ("unrealized", 90)):
            header.resizeSection(COLUMN_INDEX[key], width)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._show_row_menu)
        self.view.selectionModel().currentRowChanged.connect(self._row_selected)
        self.confirmation: QMessageBox | None = None  # the open one, if any

        self.accounts = QComboBox(self)
        self.accounts.setToolTip("Show one account's positions")
        self.accounts.currentIndexChanged.connect(
            lambda _i: self.model.set_account(self.accounts.currentData() or ALL_ACCOUNTS)
        )
        flatten = QPushButton("Flatten all", self)
        flatten.setToolTip("Close every position shown with market orders (asks first)")
        flatten.clicked.connect(lambda: self.flatten(cancel_all=False))
        cancel_flatten = QPushButton("Cancel all + flatten", self)
        cancel_flatten.setToolTip("Cancel every working order, then flatten (asks first)")
        cancel_flatten.clicked.connect(lambda: self.flatten(cancel_all=True))
        self.status = QLabel(self)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.accounts)
        top.addWidget(self.status, 1)
        top.addWidget(flatten)
        top.addWidget(cancel_flatten)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

        self._book.changed.connect(self._refresh_accounts)
        self._session.stateChanged.connect(self._on_state)
        self._refresh_accounts()
        self._on_state(self._session.state)

    # -- closing ------------------------------------------------------------------------------

    def close_position(self, holding: Holding) -> None:
        self._confirm("Close position", [holding], cancel_all=False)

    def flatten(self, cancel_all: bool) -> None:
        shown = [r.holding for r in self.model.holding_rows() if r.holding is not None]
        title = "Cancel all + flatten" if cancel_all else "Flatten all"
        self._confirm(title, shown, cancel_all)

    def _confirm(self, title: str, holdings: list[Holding], cancel_all: bool) -> None:
        plan = plan_close(self._service, holdings, cancel_all)

        def accepted() -> None:
            try:
                send(self._service, plan)
            except OrderRefused as refused:
                self._session.report_error(f"{title}: {refused}")

        warning = self._service.live_warning
        self.confirmation = confirm_plan(self, title, plan, accepted, warning)

    # -- row menu -----------------------------------------------------------------------------

    def row_menu(self, index: QModelIndex) -> QMenu:
        row = self.model.row(index.row()) if index.isValid() else None
        holding = row.holding if row is not None else None
        menu = QMenu(self)
        if holding is not None:
            if holding.position:
                menu.addAction("Close position…", partial(self.close_position, holding))
            chosen = self._selected_contracts() or [holding.contract]
            if add_row_actions(menu, self._ctx.actions, holding.contract, chosen, self):
                menu.addSeparator()
        menu.addAction("Flatten all…", lambda: self.flatten(cancel_all=False))
        return menu

    def _selected_contracts(self) -> list[Contract]:
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        return [
            h.contract
            for r in sorted(rows)
            if (h := self.model.row(r).holding) is not None and h.contract.conId
        ]

    def _show_row_menu(self, position: QPoint) -> None:
        menu = self.row_menu(self.view.indexAt(position))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.view.viewport().mapToGlobal(position))

    def _row_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            holding = self.model.row(current.row()).holding
            if holding is not None:
                self.contract_chosen.emit(holding.contract)

    # -- state --------------------------------------------------------------------------------

    def _refresh_accounts(self, *_args: object) -> None:
        accounts = self._book.accounts()
        known = [self.accounts.itemData(i) for i in range(self.accounts.count())]
        if known == [ALL_ACCOUNTS, *accounts]:
            return
        current = self.accounts.currentData() or ALL_ACCOUNTS
        self.accounts.blockSignals(True)
        self.accounts.clear()
        self.accounts.addItem("All accounts", ALL_ACCOUNTS)
        for account in accounts:
            self.accounts.addItem(account, account)
        self.accounts.setCurrentIndex(max(0, self.accounts.findData(current)))
        self.accounts.blockSignals(False)
        self.accounts.setVisible(len(accounts) > 1)

    def _on_state(self, state: object) -> None:
        connected = getattr(state, "phase", None) is Phase.CONNECTED
        self.model.set_stale(not connected)
        self.status.setText("" if connected else "STALE: not connected")

    def has_live_data(self) -> bool:
        """Connected, and every open position's P&L line streams (none open: nothing to wait
        for)."""
        return not self.model.stale and all(h.daily is not None for h in self._book.open_holdings())

    def release_panel(self) -> None:
        self.model.detach()
