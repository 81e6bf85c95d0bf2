"""One ladder's live data: the session's depth line and tick-by-tick trades for a contract, and
the order book's working orders and position for it, folded into a `LadderBook`.

`changed(set[int])` carries the ticks whose row changed in one network read; the widget collects
them and paints once per frame. Working orders are read from the order service's book (the one
every panel shares), so the ladder shows orders placed anywhere, not only its own. The grid
starts on the contract's min tick; `use_grid` re-addresses the rows when its market rule says
the increment changes with the price (`regridded`).
"""

from __future__ import annotations

import time
from collections import defaultdict
from decimal import Decimal

from ib_async import Contract, Order, TickByTickAllLast, Trade
from ib_async.util import UNSET_DOUBLE
from PySide6.QtCore import QObject, Signal

from terminal_app.dom.book import LadderBook
from terminal_app.dom.tick_grid import TickGrid
from terminal_app.orders import order_service
from terminal_app.orders.book import ContractBook
from terminal_app.orders.prices import Quote
from terminal_app.session.broker import BrokerSession

DEPTH_ROWS = 20
PRICED_TYPES = {"LMT", "STP", "STP LMT", "LIT", "MIT"}


def smart_depth_allowed(contract: Contract) -> bool:
    """IB aggregates depth across exchanges (isSmartDepth) for SMART-routed contracts only."""
    return contract.exchange == "SMART"


class DomFeed(QObject):
    changed = Signal(object)  # set[int] of tick indices
    ordersChanged = Signal()
    regridded = Signal()  # the rows mean other prices now: show the ladder afresh
    failed = Signal(str)  # IB refused the depth (10092 no depth for it, 309 too many books)

    def __init__(
        self,
        session: BrokerSession,
        contract: Contract,
        smart: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.contract = contract
        self.smart = smart and smart_depth_allowed(contract)
        details = session.details(contract.conId)
        self.grid = TickGrid.from_min_tick(details.minTick if details is not None else 0.0)
        self.book = LadderBook(self.grid)
        self.buy_orders: dict[int, Decimal] = {}
        self.sell_orders: dict[int, Decimal] = {}
        self.position = Decimal(0)
        self.average_price: Decimal | None = None
        self._orders = order_service(session).book
        self._depth = session.depth(contract, rows=DEPTH_ROWS, smart=self.smart)
        self._trades = session.tick_by_tick(contract, "AllLast")
        self._quote = session.ticker(contract)  # L1: what order checks price against
        self._depth.updated.connect(self._on_depth)
        self._depth.failed.connect(self.failed)
        self._trades.updated.connect(self._on_trades)
        self._orders.changed.connect(self._on_orders)
        self._read_orders()

    @property
    def stale(self) -> bool:
        return self._depth.stale

    def quote(self) -> Quote:
        """The L1 quote orders are checked against (empty while it is STALE)."""
        return Quote.of(self._quote)

    def working_at(self, index: int | None, is_buy: bool | None = None) -> list[Trade]:
        """Working orders at a tick (any tick when `index` is None), on one side if given."""
        trades = []
        for record in self._orders.book(self.contract.conId).working():
            order = record.trade.order
            if is_buy is not None and (order.action == "BUY") != is_buy:
                continue
            if index is None or _order_index(self, order) == index:
                trades.append(record.trade)
        return trades

    @property
    def error(self) -> str:
        return self._depth.error

    def use_grid(self, grid: TickGrid) -> None:
        """Rows on another grid (the market rule's): the book is re-read on it; volume and
        flow counted so far on the old rows start again."""
        if grid == self.grid:
            return
        cumulative = self.book.cumulative
        self.grid, self.book = grid, LadderBook(grid)
        self.book.cumulative = cumulative
        self.buy_orders, self.sell_orders = {}, {}
        self.regridded.emit()
        self._on_depth(None)
        self._read_orders()

    def release(self) -> None:
        self._orders.changed.disconnect(self._on_orders)
        self._depth.release()
        self._trades.release()
        self._quote.release()

    def _on_depth(self, _value: object) -> None:
        ticker = self._depth.ticker
        if ticker is not None:
            self.changed.emit(
                self.book.apply_depth(ticker.domBids, ticker.domAsks, time.monotonic())
            )

    def _on_trades(self, _value: object) -> None:
        now = time.monotonic()
        changed: set[int] = set()
        for tick in self._trades.ticks:
            if isinstance(tick, TickByTickAllLast) and tick.size > 0:
                changed |= self.book.apply_trade(tick.price, tick.size, now)
        if changed:
            self.changed.emit(changed)

    def _on_orders(self, con_id: int) -> None:
        if con_id == self.contract.conId:
            self._read_orders()

    def _track(self, order_id: int, index: int, is_buy: bool) -> None:
        """A new limit order (or one moved to another price) joins the back of its level."""
        if self.book.queue.index_of(order_id) != index:
            self.book.queue.place(order_id, index, is_buy, self.book.level_size(index, is_buy))

    def _read_orders(self) -> None:
        book: ContractBook = self._orders.book(self.contract.conId)
        before = self.buy_orders.keys() | self.sell_orders.keys()
        buys: dict[int, Decimal] = defaultdict(Decimal)
        sells: dict[int, Decimal] = defaultdict(Decimal)
        tracked: set[int] = set()
        for record in book.working():
            order = record.trade.order
            index = _order_index(self, order)
            if index is None:
                continue
            is_buy = order.action == "BUY"
            (buys if is_buy else sells)[index] += record.remaining
            if order.orderType == "LMT":
                tracked.add(record.order_id)
                self._track(record.order_id, index, is_buy)
        for order_id in self.book.queue.order_ids() - tracked:
            self.book.queue.forget(order_id)
        self.buy_orders, self.sell_orders = dict(buys), dict(sells)
        self.position, self.average_price = book.position, book.average_price
        self.ordersChanged.emit()
        self.changed.emit(before | self.buy_orders.keys() | self.sell_orders.keys())


def _order_index(feed: DomFeed, order: Order) -> int | None:
    """The ladder row of a priced order (its limit, or its trigger for stops); None if unpriced."""
    price = order.lmtPrice if order.orderType in ("LMT", "LIT") else order.auxPrice
    value = float(price) if price is not None else 0.0
    if order.orderType not in PRICED_TYPES or not 0 < value < UNSET_DOUBLE:
        return None
    return feed.grid.index(value)
