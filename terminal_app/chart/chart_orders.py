"""Trading on a chart, without widgets: the order book of the chart's contract as marks, and a
dragged order line turned into exactly one modify through the order service.

A drag is imprecise, so it never sends what validation only warns about (a stop that would
trigger at once): that is refused with the reason, and the ticket is where to send it anyway.
Beyond a precaution, or with "confirm every order" on, the modify waits in `pending` until the
user confirms (non-blocking, as the DOM's confirmation bar). Read-only and disconnected
sessions are refused by the service's gate, with its reason.
"""

from decimal import Decimal

from ib_async import Contract, Fill, Trade
from PySide6.QtCore import QObject, Signal

from terminal_app.chart.order_marks import OrderMark, order_marks, position_label
from terminal_app.orders import NeedsConfirmation, OrderService, order_service
from terminal_app.orders.from_order import repriced
from terminal_app.orders.intent import OrderIntent
from terminal_app.orders.prices import ContractRules, Quote
from terminal_app.orders.validation import errors
from terminal_app.session import BrokerSession, OrderRefused, TickerHandle


class ChartOrders(QObject):
    """Signals: `changed()` the contract's orders, position or fills changed; `notice(text)`
    what happened to a drag or cancel; `confirmNeeded(text)` / `confirmCleared()` around a
    modify waiting for the user."""

    changed = Signal()
    notice = Signal(str)
    confirmNeeded = Signal(str)
    confirmCleared = Signal()

    def __init__(self, session: BrokerSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.service: OrderService = order_service(session)
        self.contract: Contract | None = None
        self.pending: tuple[Trade, OrderIntent] | None = None
        self._handle: TickerHandle | None = None
        self.service.book.changed.connect(self._on_book)

    # --- the contract ----------------------------------------------------------------------------
    def show(self, contract: Contract) -> None:
        if self.contract is not None and self.contract.conId == contract.conId:
            return
        self._release_quote()
        self.dismiss()
        self.contract = contract
        self._handle = self._session.ticker(contract)
        self.changed.emit()

    def stop(self) -> None:
        self._release_quote()
        self.service.book.changed.disconnect(self._on_book)

    def _release_quote(self) -> None:
        if self._handle is not None:
            self._handle.release()
            self._handle = None

    def _on_book(self, con_id: int) -> None:
        if self.contract is not None and con_id == self.contract.conId:
            self.changed.emit()

    # --- what the chart shows --------------------------------------------------------------------
    @property
    def rules(self) -> ContractRules:
        return self.service.rules(self.contract) if self.contract is not None else ContractRules()

    @property
    def min_tick(self) -> float:
        return float(self.rules.min_tick)

    def quote(self) -> Quote:
        return Quote.of(self._handle)

    def snap(self, price: float) -> Decimal:
        """The tick nearest `price` (a y coordinate on the chart)."""
        return self.rules.nearest(Decimal(repr(price)))

    def marks(self) -> list[OrderMark]:
        if self.contract is None:
            return []
        book = self.service.book.book(self.contract.conId)
        return order_marks(list(book.orders.values()), self.min_tick)

    def position(self) -> tuple[Decimal, str] | None:
        """The average price and its label while there is a position."""
        if self.contract is None:
            return None
        book = self.service.book.book(self.contract.conId)
        label = position_label(book, self.min_tick)
        if label is None or book.average_price is None:
            return None
        return book.average_price, label

    def fills(self) -> list[Fill]:
        if self.contract is None:
            return []
        return list(self.service.book.book(self.contract.conId).fills)

    # --- changing orders -------------------------------------------------------------------------
    def move(self, mark: OrderMark, price: float) -> Decimal | None:
        """A line was dropped at `price`: send one modify at the nearest tick. Returns the price
        sent, or None when nothing was sent (refused, waiting for confirmation, unchanged): the
        line then goes back to the order's price."""
        target = self.snap(price)
        if target == mark.price or not mark.movable:
            return None
        if not self._session.trading_allowed:
            self.notice.emit(f"Not modified: {self._session.trading_reason}")
            return None
        trade = mark.record.trade
        try:
            intent = repriced(trade.order, mark.which, target)
        except ValueError as exc:
            self.notice.emit(f"Not modified: {exc}")
            return None
        review = self.service.review(trade.contract, intent, self.quote())
        refusals = errors(review.problems) or [p for p in review.problems if p.warning]
        if refusals:
            self.notice.emit(f"Not modified: {refusals[0].message}")
            return None
        if review.cautions or self.service.settings.confirm_orders:
            self.pending = (trade, intent)
            reasons = "; ".join([*review.lines, *review.cautions])
            self.confirmNeeded.emit(f"Modify #{trade.order.orderId}: {reasons}")
            return None
        return target if self._send(trade, intent, confirmed=False) else None

    def confirm(self) -> None:
        pending, self.pending = self.pending, None
        self.confirmCleared.emit()
        if pending is not None:
            self._send(*pending, confirmed=True)

    def dismiss(self) -> None:
        if self.pending is not None:
            self.pending = None
            self.confirmCleared.emit()

    def _send(self, trade: Trade, intent: OrderIntent, confirmed: bool) -> bool:
        try:
            self.service.modify(trade, intent, self.quote(), confirmed=confirmed)
        except NeedsConfirmation as exc:
            self.pending = (trade, intent)
            self.confirmNeeded.emit(f"Modify #{trade.order.orderId}: {exc}")
            return False
        except OrderRefused as exc:
            self.notice.emit(f"Not modified: {exc}")
            return False
        self.notice.emit(f"Modify sent for #{trade.order.orderId}")
        return True

    def cancel(self, mark: OrderMark) -> None:
        """The line's ×: one cancel of its order."""
        trade = mark.record.trade
        try:
            self.service.cancel(trade)
        except OrderRefused as exc:
            self.notice.emit(f"Not cancelled: {exc}")
            return
        self.notice.emit(f"Cancel sent for #{trade.order.orderId or trade.order.permId}")
