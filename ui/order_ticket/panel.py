"""The order ticket dock. Keyboard-first: Tab goes field to field, Enter submits (after the
confirmation, on by default), Esc clears the prices, bracket, algo and messages.

Everything it sends goes through the session's order service (`terminal_app.orders`), which
validates, applies the precautions and refuses while order entry is disabled (read-only,
disconnected), so the ticket cannot send what the service would not. Prices are pre-filled from
the live quote, never from a STALE one; the quote line says STALE when it is.
"""

from decimal import Decimal
from typing import Any

from ib_async import Contract, Trade
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from terminal_app.orders import NeedsConfirmation, OrderService, order_service
from terminal_app.orders.intent import OrderIntent, OrderType, Side
from terminal_app.orders.prices import InputError, Quote
from terminal_app.orders.summary import order_line
from terminal_app.orders.validation import Problem
from terminal_app.price_format import format_price, format_size
from terminal_app.session import OrderRefused, TickerHandle
from ui.order_ticket.confirm import ConfirmDialog
from ui.order_ticket.form import BUY_COLOR, SELL_COLOR, OrderForm
from ui.order_ticket.presets import PresetBar
from ui.order_ticket.staging import Staged, StagingList
from ui.order_ticket.what_if import WhatIfRunner
from ui.panel import PanelContext
from ui.watchlist.resolve import resolve_symbol


class OrderTicketPanel(QWidget):
    contract_chosen = Signal(object)
    sent = Signal(list)  # the Trades of one submission

    def __init__(self, ctx: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._session = ctx.session
        self.service: OrderService = order_service(ctx.session)
        self._contract: Contract | None = None
        self._handle: TickerHandle | None = None
        self._dialog: ConfirmDialog | None = None
        self.modifying: Trade | None = None  # the working order a submit modifies
        self.symbol = QLineEdit()
        self.symbol.setPlaceholderText("Symbol (AAPL, ESZ6, EUR.USD) and Enter")
        self.description = QLabel()
        self.quote_label = QLabel("no quote")
        self.quote_label.setObjectName("ticketQuote")
        self.form = OrderForm()
        self.presets = PresetBar(
            self.service.settings, self.form.values, self.form.set_values, self._say
        )
        self.staging = StagingList()
        self.stage = QPushButton("Stage for OCA")
        self.what_if = QPushButton("What if?")
        self.submit_button = QPushButton("Submit")
        self.submit_button.setObjectName("submitButton")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self._what_if = WhatIfRunner(self.service, ctx.tasks, self.preview)
        self._lay_out()
        self._wire()
        self._on_trading(self._session.trading_allowed, self._session.trading_reason)
        self._label_submit()

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.symbol, 1)
        top.addWidget(self.description)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        buttons = QHBoxLayout()
        buttons.addWidget(self.stage)
        buttons.addWidget(self.what_if)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.quote_label)
        layout.addWidget(self.presets)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.staging)
        layout.addWidget(self.preview)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.setTabOrder(self.symbol, self.form.buy)

    def _wire(self) -> None:
        keys = [
            (("Return", "Enter"), self._enter),
            (("Escape",), self.clear),
        ]
        for sequences, slot in keys:
            action = QAction(self)
            action.setShortcuts([QKeySequence(k) for k in sequences])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        self.submit_button.clicked.connect(self.submit)
        self.stage.clicked.connect(self.stage_current)
        self.what_if.clicked.connect(self._run_what_if)
        self.staging.send_requested.connect(self.send_staged)
        self.form.changed.connect(self._revalidate)
        self.form.buy.toggled.connect(self._side_changed)
        self._session.tradingChanged.connect(self._on_trading)
        self._session.synced.connect(self._on_synced)
        self._on_synced()

    # ------------------------------------------------------------------ the contract
    def modify_order(self, trade: Trade) -> None:
        """Open pre-filled from a working order; Submit sends a modify (same orderId) through
        the order service, validated like a new order. Esc or another symbol leaves it."""
        self.show_contract(trade.contract)
        self.form.bracket.setChecked(False)
        self.form.algo.set_choice(None)
        self.form.set_order(trade.order)
        self.modifying = trade
        self._revalidate()
        self._say(f"Modifying order {trade.order.orderId}: change it and submit")

    def prefill_order(self, side: Side, kind: OrderType, price: Decimal) -> None:
        """A new order at `price` (a chart's right-click): the limit of a limit, the stop of a
        stop; the rest of the form stays. Nothing is sent until Submit."""
        self.modifying = None
        (self.form.buy if side is Side.BUY else self.form.sell).setChecked(True)
        self.form.type.setCurrentIndex(self.form.type.findData(kind))
        self.form.clear_prices()
        (self.form.aux if kind.needs_stop else self.form.limit).set_decimal(price)
        self._revalidate()

    def show_contract(self, contract: Contract) -> None:
        """Trade `contract` (a linked panel picked it, or "Trade…" on a row)."""
        self.modifying = None
        if self._contract is not None and contract.conId == self._contract.conId:
            return
        self._release_quote()
        self._contract = contract
        self.symbol.setText(contract.localSymbol or contract.symbol)
        details = self._session.details(contract.conId)
        self.description.setText(details.longName if details else "")
        self.form.set_rules(self.service.rules(contract))
        self.form.clear_prices()
        self._handle = handle = self._session.ticker(contract)
        handle.updated.connect(self._on_quote)
        handle.staleChanged.connect(self._on_quote)
        handle.replaced.connect(self._on_quote)
        self._on_quote()
        self._revalidate()

    def shown_contract(self) -> Contract | None:
        return self._contract

    def quote(self) -> Quote:
        return Quote.of(self._handle)

    def _symbol_entered(self) -> None:
        text = self.symbol.text().strip()
        if text:
            self._ctx.tasks.spawn(self._resolve(text), name=f"ticket-resolve {text}")

    async def _resolve(self, text: str) -> None:
        contract, error = await resolve_symbol(self._session, text)
        if contract is None:
            self._say(error)
            return
        self.show_contract(contract)
        self.contract_chosen.emit(contract)
        self.form.quantity.setFocus()

    def _on_quote(self, *_args: object) -> None:
        quote = self.quote()
        tick = float(self.service.rules(self._contract).min_tick) if self._contract else 0.01
        if quote.stale:
            self.quote_label.setText("STALE: no live quote, prices are not pre-filled")
            self.quote_label.setEnabled(False)
            return
        self.quote_label.setEnabled(True)
        bid, ask, last = (format_price(_f(v), tick) for v in (quote.bid, quote.ask, quote.last))
        self.quote_label.setText(f"Bid {bid}   Ask {ask}   Last {last}")
        self.form.prefill(quote)

    def _side_changed(self) -> None:
        self.form.clear_prices()
        self.form.prefill(self.quote())

    def _release_quote(self) -> None:
        if self._handle is not None:
            self._handle.release()
            self._handle = None

    # ------------------------------------------------------------------ checking and sending
    def _intent(self) -> OrderIntent | None:
        try:
            return self.form.intent()
        except InputError as exc:
            self.form.show_problems([Problem(exc.field or "order_type", str(exc))])
            return None

    def _revalidate(self) -> None:
        """Show validation's sentences as the user edits (nothing is sent)."""
        self._label_submit()
        intent = self._intent() if self._contract is not None else None
        if intent is None or self._contract is None:
            self.form.show_problems([])
            return
        review = self.service.review(self._contract, intent, self.quote())
        self.form.show_problems(review.problems)
        self._say(self._session.trading_reason)

    def _label_submit(self) -> None:
        """The button says what it does ("Buy 100 AAPL"), in the side's colour."""
        form, contract = self.form, self._contract
        side = form.side.value.capitalize()
        size = format_size(form.quantity.decimal())
        symbol = (contract.localSymbol or contract.symbol) if contract else ""
        verb = f"Modify #{self.modifying.order.orderId}:" if self.modifying else ""
        self.submit_button.setText(" ".join(p for p in (verb, side, size, symbol) if p))
        color = BUY_COLOR if form.side is Side.BUY else SELL_COLOR
        self.submit_button.setStyleSheet(
            f"QPushButton:enabled {{ background: {color}; color: white; font-weight: bold; }}"
        )

    def submit(self) -> None:
        """Review, confirm (a summary; the numbers of every precaution it goes beyond), send."""
        contract, intent = self._contract, self._intent()
        if contract is None:
            self._say("Choose a symbol first")
            return
        if intent is None:
            self._say("Not sent: see the field marked above")
            return
        if not self._session.trading_allowed:
            self._say(self._session.trading_reason)
            return
        review = self.service.review(contract, intent, self.quote())
        self.form.show_problems(review.problems)
        if review.blocked:
            self._say("Not sent: " + "; ".join(p.message for p in review.problems))
            return
        if not (self.service.settings.confirm_orders or review.needs_confirmation):
            self._send(contract, intent, confirmed=False)
            return
        self._dialog = dialog = ConfirmDialog(
            review.lines, review.reasons, self, self.service.live_warning
        )
        dialog.confirmed.connect(lambda: self._send(contract, intent, confirmed=True))
        dialog.open()

    def _send(self, contract: Contract, intent: OrderIntent, confirmed: bool) -> None:
        try:
            if self.modifying is not None:
                trades = [self.service.modify(self.modifying, intent, self.quote(), confirmed)]
                self.modifying = None
            else:
                trades = self.service.submit(contract, intent, self.quote(), confirmed)
        except NeedsConfirmation as exc:
            self._say(f"Not sent, confirm again: {exc}")
            return
        except OrderRefused as exc:
            self._say(f"Not sent: {exc}")
            return
        self._say("Sent: " + "; ".join(order_line(contract, t.order) for t in trades))
        self._label_submit()
        self.sent.emit(trades)

    def stage_current(self) -> None:
        contract, intent = self._contract, self._intent()
        if contract is None or intent is None:
            self._say("Choose a symbol first" if contract is None else self.status.text())
            return
        review = self.service.review(contract, intent, self.quote())
        self.form.show_problems(review.problems)
        if review.blocked:
            return
        handle = self._session.ticker(contract)
        self.staging.add(Staged(contract, intent, "; ".join(review.lines), handle))

    def send_staged(self) -> None:
        oca_type = int(self.staging.oca_type.currentData())
        reviews = [self.service.review(c, i, q) for c, i, q in self.staging.entries()]
        lines = [f"One OCA group, type {oca_type}:"] + [line for r in reviews for line in r.lines]
        reasons = [reason for r in reviews for reason in r.reasons]
        self._dialog = dialog = ConfirmDialog(lines, reasons, self, self.service.live_warning)
        dialog.confirmed.connect(lambda: self._send_group(oca_type))
        dialog.open()

    def _send_group(self, oca_type: int) -> None:
        try:
            trades = self.service.submit_oca(self.staging.entries(), oca_type, confirmed=True)
        except OrderRefused as exc:
            self._say(f"Not sent: {exc}")
            return
        self.staging.clear()
        self._say(f"Sent {len(trades)} orders as one OCA group")
        self.sent.emit(trades)

    def _run_what_if(self) -> None:
        contract, intent = self._contract, self._intent()
        if contract is not None and intent is not None:
            self._what_if.run(contract, intent, self.quote())

    def clear(self) -> None:
        """Esc: drop the prices, the bracket, the algo and the messages (symbol, side, size and
        type stay); prices are pre-filled afresh from the live quote. A modify is abandoned."""
        self.modifying = None
        self._label_submit()
        self.form.clear_prices()
        self.form.bracket.setChecked(False)
        self.form.algo.set_choice(None)
        self.form.show_problems([])
        self.preview.clear()
        self._say(self._session.trading_reason)
        self.form.prefill(self.quote())

    def _enter(self) -> None:
        """Enter: in the symbol field it looks the symbol up, anywhere else it submits."""
        if self.symbol.hasFocus():
            self._symbol_entered()
        else:
            self.submit()

    # ------------------------------------------------------------------ session state
    def _on_trading(self, allowed: bool, reason: str) -> None:
        for button in (self.submit_button, self.what_if, self.staging.send):
            button.setToolTip("" if allowed else reason)
        self.submit_button.setEnabled(allowed)
        self.what_if.setEnabled(allowed)
        self._say("" if allowed else reason)

    def _on_synced(self) -> None:
        """Connected (again): the accounts to choose from, and a restored symbol to look up."""
        self.form.set_accounts(self._session.accounts())
        if self._contract is None and self.symbol.text().strip() and self._session.is_connected:
            self._symbol_entered()

    def _say(self, text: str) -> None:
        self.status.setText(text)

    # ------------------------------------------------------------------ panel protocol
    def panel_state(self) -> dict[str, Any]:
        return {"symbol": self.symbol.text(), "form": self.form.values()}

    def restore_panel_state(self, state: dict[str, Any]) -> None:
        form = state.get("form")
        if isinstance(form, dict):
            self.form.set_values(form)
        symbol = str(state.get("symbol", ""))
        self.symbol.setText(symbol)
        if symbol and self._session.is_connected:
            self._symbol_entered()

    def release_panel(self) -> None:
        self._release_quote()
        self.staging.clear()
        self._what_if.cancel()


def _f(value: object) -> float | None:
    return float(value) if value is not None else None  # type: ignore[arg-type]
