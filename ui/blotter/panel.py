"""The Orders dock (TWS's Activity → Orders/Trades): working orders, today's completed ones and
the executions with their commissions, all read from the order service's order book (never
from `ib`), so it shows the same states and reasons as the ticket and the DOM.

Cancel, Cancel all and Modify go through the order service; Modify opens the ticket pre-filled
with the order (Submit then sends a modify with the same orderId). Global cancel is the Orders
menu's, behind the same non-blocking confirmation. The selected order's status history, every
transition with IB's code and reason, shows in the pane under the tables (and as the row's
tooltip); bracket children stand indented under their parent.
"""

from typing import Any

from ib_async import Fill
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from terminal_app.orders import OrderService, order_service
from terminal_app.orders.states import OrderRecord
from terminal_app.session import OrderRefused
from ui.blotter.model import FillRows, OrderRows, history_text
from ui.global_cancel import confirm_global_cancel
from ui.live_table.view import LiveTableView
from ui.panel import PanelContext

TICKET_KIND = "order_ticket"


class BlotterPanel(QWidget):
    def __init__(self, ctx: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._session = ctx.session
        self.service: OrderService = order_service(ctx.session)
        self.working = OrderRows(lambda r: r.state.working, self)
        self.completed = OrderRows(lambda r: not r.state.working, self, newest_first=True)
        self.fills = FillRows(self)
        self.working_view = LiveTableView(self.working)
        self.completed_view = LiveTableView(self.completed)
        self.fills_view = LiveTableView(self.fills)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.working_view, "Working")
        self.tabs.addTab(self.completed_view, "Filled / Cancelled")
        self.tabs.addTab(self.fills_view, "Executions")
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Select an order: its status history shows here")
        self.modify_button = QPushButton("Modify…")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_all_button = QPushButton("Cancel all")
        self.cancel_all_button.setToolTip("Cancel every working order this terminal placed")
        self.global_button = QPushButton("Global cancel…")
        self.global_button.setToolTip("Every open order of the account, from any client")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self._selected: OrderRecord | None = None
        self._lay_out()
        self._wire()
        self._follow_all()
        self._on_trading(self._session.trading_allowed, self._session.trading_reason)

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.modify_button, self.cancel_button, self.cancel_all_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.global_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tabs)
        split.addWidget(self.details)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 70])  # the tables first; the history pane grows when dragged
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(buttons)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

    def _wire(self) -> None:
        book = self.service.book
        book.order_updated.connect(self._on_order)
        book.fill_updated.connect(self._on_fill)
        self._session.synced.connect(self._follow_all)
        self._session.tradingChanged.connect(self._on_trading)
        self.modify_button.clicked.connect(self.modify_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.cancel_all_button.clicked.connect(self.cancel_all)
        self.global_button.clicked.connect(self.confirm_global_cancel)
        for view in (self.working_view, self.completed_view):
            view.selectionModel().currentRowChanged.connect(self._row_selected)
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.working_view.customContextMenuRequested.connect(self._row_menu)
        self.working_view.doubleClicked.connect(self.modify_selected)
        for keys, slot in ((QKeySequence.StandardKey.Delete, self.cancel_selected),):
            action = QAction(self.working_view)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.working_view.addAction(action)

    # ------------------------------------------------------------------ following the book
    def _follow_all(self) -> None:
        records = self.service.book.records()
        self.working.follow(records)
        self.completed.follow(records)
        self.fills.follow(sorted(self._session.fills(), key=lambda f: f.time))
        self._count()

    def _count(self) -> None:
        self.tabs.setTabText(0, f"Working ({self.working.rowCount()})")

    def _on_order(self, record: OrderRecord) -> None:
        self.working.follow([record])
        self.completed.follow([record])
        self._count()
        if record is self._selected:
            self.details.setPlainText(history_text(record))

    def _on_fill(self, fill: Fill) -> None:
        self.fills.follow([fill])

    def _row_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        model = current.model()
        if not current.isValid() or not isinstance(model, OrderRows):
            return
        self._selected = model.record_at(current.row())
        self.details.setPlainText(history_text(self._selected))

    def selected_working(self) -> list[OrderRecord]:
        rows = {i.row() for i in self.working_view.selectionModel().selectedRows()}
        return [self.working.record_at(r) for r in sorted(rows)]

    # ------------------------------------------------------------------ actions
    def cancel_selected(self) -> None:
        chosen = self.selected_working()
        if not chosen:
            self._say("Select a working order to cancel")
            return
        try:
            for record in chosen:
                self.service.cancel(record.trade)
        except OrderRefused as exc:
            self._say(f"Not cancelled: {exc}")
            return
        self._say(f"Cancel sent for {', '.join(str(r.order_id) for r in chosen)}")

    def cancel_all(self) -> None:
        try:
            count = self.service.cancel_all()
        except OrderRefused as exc:
            self._say(f"Not cancelled: {exc}")
            return
        self._say(f"Cancel sent for {count} working orders")

    def modify_selected(self) -> None:
        """Open the ticket pre-filled with the selected order; its Submit sends the modify."""
        chosen = self.selected_working()
        if len(chosen) != 1:
            self._say("Select one working order to modify")
            return
        trade = chosen[0].trade
        ticket = self._ctx.open_panel(TICKET_KIND, trade.contract)
        modify = getattr(ticket, "modify_order", None)
        if modify is not None:
            modify(trade)

    def confirm_global_cancel(self) -> None:
        self.global_box = confirm_global_cancel(
            self._session, self, lambda text, _error: self._say(text)
        )

    def _row_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction("Modify…", self.modify_selected)
        menu.addAction("Cancel", self.cancel_selected)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.working_view.viewport().mapToGlobal(position))

    def _on_trading(self, allowed: bool, reason: str) -> None:
        buttons = (self.modify_button, self.cancel_button, self.cancel_all_button)
        for button in (*buttons, self.global_button):
            button.setEnabled(allowed)
            button.setStatusTip(reason)

    def _say(self, text: str) -> None:
        self.status.setText(text)

    # ------------------------------------------------------------------ panel protocol
    def panel_state(self) -> dict[str, Any]:
        return {"tab": self.tabs.currentIndex()}

    def restore_panel_state(self, state: dict[str, Any]) -> None:
        tab = state.get("tab", 0)
        if isinstance(tab, int) and 0 <= tab < self.tabs.count():
            self.tabs.setCurrentIndex(tab)

    def release_panel(self) -> None:
        self.service.book.order_updated.disconnect(self._on_order)
        self.service.book.fill_updated.disconnect(self._on_fill)
        for model in (self.working, self.completed, self.fills):
            model.detach()
