"""Click-trading on the ladder, through the order service only.

A click becomes an intent (`terminal_app.dom.click_orders`); with one-click off it is reviewed
and waits in `pending` until the user confirms in the panel's confirmation bar (non-blocking:
no modal dialog on the loop); with one-click on it is sent at once, unless it goes beyond a
precaution, which still asks. Refusals come back as `notice(text)`.
"""

from __future__ import annotations

from decimal import Decimal

from ib_async import Trade
from PySide6.QtCore import QObject, Signal

from terminal_app.dom.click_orders import (
    BracketTicks,
    click_intent,
    flatten_intent,
    market_intent,
)
from terminal_app.dom.feed import DomFeed
from terminal_app.orders import NeedsConfirmation, OrderService
from terminal_app.orders.intent import OrderIntent
from terminal_app.session import OrderRefused


class LadderTrading(QObject):
    confirmNeeded = Signal(str)  # what would be sent, and why it asks
    confirmCleared = Signal()
    notice = Signal(str)

    def __init__(self, service: OrderService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.feed: DomFeed | None = None
        self.one_click = False
        self.quantity = Decimal(1)
        self.bracket = BracketTicks()
        self.pending: OrderIntent | None = None

    def click(self, is_buy: bool, index: int, stop: bool) -> None:
        feed = self.feed
        if feed is None:
            return
        price = Decimal(feed.grid.text(index))
        self._start(click_intent(is_buy, price, self.quantity, stop, self.bracket))

    def at_inside(self, is_buy: bool) -> None:
        """Keyboard: buy at the best bid, sell at the best ask (limits)."""
        book = self.feed.book if self.feed is not None else None
        index = None if book is None else book.best_bid if is_buy else book.best_ask
        if index is None:
            self.notice.emit("No inside market to price from")
            return
        self.click(is_buy, index, stop=False)

    def at_market(self, is_buy: bool) -> None:
        if self.feed is not None:
            self._start(market_intent(is_buy, self.quantity, self.bracket))

    def flatten(self) -> None:
        feed = self.feed
        intent = flatten_intent(feed.position) if feed is not None else None
        if intent is None:
            self.notice.emit("No position to flatten")
            return
        self._start(intent)

    def cancel_at(self, index: int, is_buy: bool) -> int:
        return self._cancel(self.feed.working_at(index, is_buy) if self.feed else [])

    def cancel_all(self) -> int:
        return self._cancel(self.feed.working_at(None) if self.feed else [])

    def confirm(self) -> None:
        intent, self.pending = self.pending, None
        self.confirmCleared.emit()
        if intent is not None:
            self._send(intent, confirmed=True)

    def dismiss(self) -> None:
        self.pending = None
        self.confirmCleared.emit()

    def _start(self, intent: OrderIntent) -> None:
        feed = self.feed
        assert feed is not None
        if self.one_click:
            self._send(intent, confirmed=False)
            return
        review = self._service.review(feed.contract, intent, feed.quote())
        if review.blocked:
            self.notice.emit(review.problems[0].message)
            return
        self._ask(intent, "; ".join(review.lines + review.reasons))

    def _ask(self, intent: OrderIntent, text: str) -> None:
        self.pending = intent
        live = self._service.live_warning
        self.confirmNeeded.emit(f"{live}: {text}" if live else text)

    def _send(self, intent: OrderIntent, confirmed: bool) -> None:
        feed = self.feed
        assert feed is not None
        try:
            self._service.submit(feed.contract, intent, feed.quote(), confirmed=confirmed)
        except NeedsConfirmation as exc:
            self._ask(intent, str(exc))
        except OrderRefused as exc:
            self.notice.emit(str(exc))

    def _cancel(self, trades: list[Trade]) -> int:
        try:
            for trade in trades:
                self._service.cancel(trade)
        except OrderRefused as exc:  # read-only, disconnected: say so (it escaped the slot)
            self.notice.emit(f"Not cancelled: {exc}")
            return 0
        if not trades:
            self.notice.emit("No working orders there")
        return len(trades)
