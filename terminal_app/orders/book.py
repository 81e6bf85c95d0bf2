"""The live order book per contract: working orders with their state history, fills, position
and average price. The ticket, blotter, DOM ladder, chart and portfolio all read this one
book instead of each picking through ib_async's lists."""

from dataclasses import dataclass, field
from decimal import Decimal

from ib_async import Fill, Position, Trade
from PySide6.QtCore import QObject, Signal

from terminal_app.orders.states import OrderRecord, State, size
from terminal_app.orders.summary import order_line
from terminal_app.session.broker import BrokerSession
from terminal_app.session.messages import Message

OrderKey = tuple[int, int]  # (clientId, orderId), or (0, permId) for orders placed in TWS
UNACKNOWLEDGED = frozenset({State.PENDING_SUBMIT, State.API_PENDING})
NEVER_ARRIVED = (
    "not at the gateway after the reconnect: the connection dropped before the order arrived; "
    "it was not sent again"
)


def order_key(trade: Trade) -> OrderKey:
    order = trade.order
    return (order.clientId, order.orderId) if order.orderId else (0, order.permId)


@dataclass
class ContractBook:
    con_id: int
    orders: dict[OrderKey, OrderRecord] = field(default_factory=dict)
    fills: list[Fill] = field(default_factory=list)
    position: Decimal = Decimal(0)
    average_price: Decimal | None = None

    def working(self) -> list[OrderRecord]:
        return [r for r in self.orders.values() if r.state.working]


class OrderBook(QObject):
    """Signals: `changed(conId)` for any change in a contract's book, `transitioned(record,
    transition)` for each state change of an order, `order_updated(record)` for any news of one
    order and `fill_updated(fill)` for a new fill or its commission report (a list of the day's
    orders follows those without reading a whole contract's book on each change)."""

    changed = Signal(int)
    transitioned = Signal(object, object)
    order_updated = Signal(object)
    fill_updated = Signal(object)

    def __init__(self, session: BrokerSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._books: dict[int, ContractBook] = {}
        self._by_order_id: dict[int, OrderRecord] = {}
        session.tradeChanged.connect(self._on_trade)
        session.fillAdded.connect(self._on_fill)
        session.positionChanged.connect(self._on_position)
        session.messageAdded.connect(self._on_message)
        session.synced.connect(self.resync)
        self.resync()

    def book(self, con_id: int) -> ContractBook:
        return self._books.setdefault(con_id, ContractBook(con_id))

    def record(self, trade: Trade) -> OrderRecord | None:
        return self.book(trade.contract.conId).orders.get(order_key(trade))

    def records(self) -> list[OrderRecord]:
        return [r for b in self._books.values() for r in b.orders.values()]

    def resync(self) -> None:
        """ib_async rebuilt its Trade/Position objects (reconnect): read them all again."""
        trades = self._session.trades()
        for trade in trades:
            self._on_trade(trade)
        if self._session.is_connected:
            self._settle_unsent({order_key(t) for t in trades})
        for position in self._session.positions():
            self._on_position(position)
        self._fills_from(self._session.fills())

    def _on_trade(self, trade: Trade) -> None:
        con_id = trade.contract.conId
        book = self.book(con_id)
        key = order_key(trade)
        record = book.orders.get(key)
        if record is None:
            record = book.orders[key] = OrderRecord(trade)
            if trade.order.orderId and trade.order.clientId == self._client_id():
                # IB's messages name our own orders by id; another client's order may share
                # the number with one of our requests, so only ours are looked up by it.
                self._by_order_id[trade.order.orderId] = record
        transition = record.observe(trade)
        if transition is not None:
            self.transitioned.emit(record, transition)
        self.order_updated.emit(record)
        self.changed.emit(con_id)

    def _settle_unsent(self, known: set[OrderKey]) -> None:
        """Orders still waiting for the gateway's first word when the connection dropped, and
        not among the orders it listed on the reconnect: it never got them. They are shown as
        not working, with the reason, instead of pending forever (nothing sends them again)."""
        for book in self._books.values():
            for key, record in book.orders.items():
                if key in known or record.state not in UNACKNOWLEDGED:
                    continue
                transition = record.lost(NEVER_ARRIVED)
                what = order_line(record.trade.contract, record.trade.order)
                self._session.messages.add_app(
                    f"Order {record.order_id} ({what}) is {NEVER_ARRIVED}"
                )
                self.transitioned.emit(record, transition)
                self.order_updated.emit(record)
                self.changed.emit(book.con_id)

    def _client_id(self) -> int:
        profile = self._session.profile
        return profile.client_id if profile is not None else 0

    def _on_fill(self, _trade: Trade, fill: Fill) -> None:
        self._fills_from([fill])

    def _fills_from(self, fills: list[Fill]) -> None:
        touched: set[int] = set()
        for fill in fills:
            book = self.book(fill.contract.conId)
            exec_id = fill.execution.execId
            known = next(
                (n for n, f in enumerate(book.fills) if f.execution.execId == exec_id), None
            )
            if known is None:
                book.fills.append(fill)
            else:
                book.fills[known] = fill  # again with its commission report
            touched.add(book.con_id)
            self.fill_updated.emit(fill)
        for con_id in touched:
            self.changed.emit(con_id)

    def _on_position(self, position: Position) -> None:
        book = self.book(position.contract.conId)
        book.position = size(position.position)
        multiplier = Decimal(position.contract.multiplier or 1)
        cost = Decimal(repr(position.avgCost)) if position.position else None
        book.average_price = cost / multiplier if cost is not None else None
        self.changed.emit(book.con_id)

    def _on_message(self, message: Message) -> None:
        """IB's codes about one of our orders (reqId = orderId): the reason for its state."""
        record = self._by_order_id.get(message.req_id) if message.code else None
        if record is None:
            return
        transition = record.note(message.code, message.text)
        if transition is None:
            return
        self.transitioned.emit(record, transition)
        self.order_updated.emit(record)
        self.changed.emit(record.trade.contract.conId)
