"""Click-trading on the ladder, through the order service only.

A click becomes an intent (`terminal_app.dom.click_orders`), a drag a modify of the dragged
orders (`terminal_app.dom.order_moves`); with one-click off it is reviewed and waits in
`pending` until the user confirms in the panel's confirmation bar (non-blocking: no modal
dialog on the loop); with one-click on it is sent at once, unless it goes beyond a precaution,
which still asks. Refusals (read-only, invalid, nothing there) come back as `notice(text)`.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from terminal_app.dom.order_moves import CannotMove, moved_intent
from terminal_app.orders import NeedsConfirmation, OrderService
from terminal_app.orders.intent import OrderIntent
from terminal_app.session import BrokerSession, OrderRefused


@dataclass(frozen=True)
class Pending:
    """One order waiting for the user's yes: new, or a modify of the working order `trade`."""

    intent: OrderIntent
    trade: Trade | None = None


class LadderTrading(QObject):
    confirmNeeded = Signal(str)  # what would be sent, and why it asks
    confirmCleared = Signal()
    notice = Signal(str)

    def __init__(
        self, session: BrokerSession, service: OrderService, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._service = service
        self.feed: DomFeed | None = None
        self.one_click = False
        self.quantity = Decimal(1)
        self.bracket = BracketTicks()
        self.pending: list[Pending] = []

    def click(self, is_buy: bool, index: int, stop: bool) -> None:
        feed = self.feed
        if feed is None:
            return
        price = feed.grid.value(index)
        self._start([Pending(click_intent(is_buy, price, self.quantity, stop, self.bracket))])

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
            self._start([Pending(market_intent(is_buy, self.quantity, self.bracket))])

    def flatten(self) -> None:
        feed = self.feed
        intent = flatten_intent(feed.position) if feed is not None else None
        if intent is None:
            self.notice.emit("No position to flatten")
            return
        self._start([Pending(intent)])

    def move(self, source: int, target: int, is_buy: bool) -> None:
        """Drag: the working orders of that side at `source` go to `target` (a modify each,
        on the same tick grid; a stop-limit keeps its offset)."""
        feed = self.feed
        trades = feed.working_at(source, is_buy) if feed is not None else []
        if feed is None or not trades:
            self.notice.emit("No working orders there")
            return
        try:
            moves = [Pending(moved_intent(t.order, feed.grid, target - source), t) for t in trades]
        except CannotMove as exc:
            self.notice.emit(str(exc))
            return
        self._start(moves)

    def cancel_at(self, index: int, is_buy: bool | None = None) -> int:
        """Cancel the working orders at a price (of one side, if given)."""
        return self._cancel(self.feed.working_at(index, is_buy) if self.feed else [])

    def cancel_all(self) -> int:
        return self._cancel(self.feed.working_at(None) if self.feed else [])

    def confirm(self) -> None:
        pending, self.pending = self.pending, []
        self.confirmCleared.emit()
        if pending:
            self._send(pending, confirmed=True)

    def dismiss(self) -> None:
        self.pending = []
        self.confirmCleared.emit()

    def _start(self, pending: list[Pending]) -> None:
        """Read-only or disconnected: say so before asking anything."""
        feed = self.feed
        assert feed is not None
        if not self._session.trading_allowed:
            self.notice.emit(self._session.trading_reason)
            return
        if self.one_click:
            self._send(pending, confirmed=False)
            return
        lines: list[str] = []
        for item in pending:
            review = self._service.review(feed.contract, item.intent, feed.quote())
            if review.blocked:
                self.notice.emit(review.problems[0].message)
                return
            prefix = f"Modify order {item.trade.order.orderId}: " if item.trade else ""
            lines += [prefix + line for line in review.lines] + review.reasons
        self._ask(pending, "; ".join(lines))

    def _ask(self, pending: list[Pending], text: str) -> None:
        self.pending = pending
        live = self._service.live_warning
        self.confirmNeeded.emit(f"{live}: {text}" if live else text)

    def _send(self, pending: list[Pending], confirmed: bool) -> None:
        feed = self.feed
        assert feed is not None
        for done, item in enumerate(pending):
            try:
                if item.trade is not None:
                    self._service.modify(item.trade, item.intent, feed.quote(), confirmed)
                else:
                    self._service.submit(feed.contract, item.intent, feed.quote(), confirmed)
            except NeedsConfirmation as exc:
                self._ask(pending[done:], str(exc))
                return
            except OrderRefused as exc:
                self.notice.emit(str(exc))
                return

    def _cancel(self, trades: list[Trade]) -> int:
        if not self._session.trading_allowed:
            self.notice.emit(self._session.trading_reason)
            return 0
        for trade in trades:
            self._service.cancel(trade)
        if not trades:
            self.notice.emit("No working orders there")
        return len(trades)
