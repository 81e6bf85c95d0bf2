"""What the chart draws of the order book (no widgets): one horizontal mark per price of each
working order of the chart's contract, the position's average price, and the fills placed on
the bars they happened in.

A stop-limit has two marks (its stop and its limit), a trailing stop one at its last known stop
(not draggable: IB moves it), bracket children their own marks naming their parent. Orders
without a price of their own (MKT, MOC, pegged offsets) have none.
"""

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from ib_async import Fill, Order

from terminal_app.chart.series import bar_epoch
from terminal_app.orders.book import ContractBook, OrderKey, order_key
from terminal_app.orders.prices import from_ib
from terminal_app.orders.states import OrderRecord
from terminal_app.price_format import format_price, format_size

LIMIT_TYPES = frozenset({"LMT", "STP LMT", "LIT", "LOC"})
STOP_TYPES = frozenset({"STP", "STP LMT", "MIT", "LIT"})
TRAIL_TYPES = frozenset({"TRAIL", "TRAIL LIMIT"})
_PRICE_NAME = {"STP": "stop", "MIT": "trigger", "LIT": "trigger"}


@dataclass(frozen=True)
class OrderMark:
    key: tuple[OrderKey, str]  # the order and which of its prices: "limit", "stop" or "trail"
    record: OrderRecord
    which: str
    price: Decimal
    buying: bool
    label: str
    movable: bool


def order_marks(records: list[OrderRecord], min_tick: float) -> list[OrderMark]:
    """The marks of the working orders in `records` (the chart's contract's book)."""
    marks: list[OrderMark] = []
    for record in records:
        if not record.state.working:
            continue
        order = record.trade.order
        for which, price, movable in _prices(order):
            marks.append(
                OrderMark(
                    (order_key(record.trade), which),
                    record,
                    which,
                    price,
                    order.action == "BUY",
                    _label(record, which, price, min_tick),
                    movable,
                )
            )
    return marks


def _prices(order: Order) -> list[tuple[str, Decimal, bool]]:
    kind = order.orderType
    found: list[tuple[str, Decimal | None, bool]] = []
    if kind in STOP_TYPES:
        found.append(("stop", from_ib(order.auxPrice), True))
    if kind in LIMIT_TYPES:
        found.append(("limit", from_ib(order.lmtPrice), True))
    if kind in TRAIL_TYPES:
        found.append(("trail", from_ib(order.trailStopPrice), False))
    return [(w, p, m) for w, p, m in found if p is not None and p > 0]


def _label(record: OrderRecord, which: str, price: Decimal, min_tick: float) -> str:
    """ "BUY 100 STP LMT stop 101.50" — side, remaining quantity, type, which price."""
    order = record.trade.order
    kind = order.orderType
    if kind in ("LMT", "LOC", "STP"):
        name = ""  # one price: the type says which
    elif kind in TRAIL_TYPES:
        name = "stop"
    else:
        name = _PRICE_NAME.get(kind, which) if which == "stop" else which
    parts = [
        order.action,
        format_size(record.remaining),
        kind,
        name,
        format_price(float(price), min_tick),
    ]
    if order.parentId:
        parts.append(f"(exit of #{order.parentId})")
    return " ".join(p for p in parts if p)


def position_label(book: ContractBook, min_tick: float) -> str | None:
    """ "Long 100 @ 101.23" for the average-price line; None when flat."""
    if not book.position or book.average_price is None:
        return None
    side = "Long" if book.position > 0 else "Short"
    price = format_price(float(book.average_price), min_tick)
    return f"{side} {format_size(abs(book.position))} @ {price}"


@dataclass(frozen=True)
class FillMarks:
    """Fills as points: bar index, price and side, ready for a scatter item."""

    x: np.ndarray
    y: np.ndarray
    buy: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.x)


def fill_marks(fills: list[Fill], times: np.ndarray) -> FillMarks:
    """Each fill on the bar it happened in (the last bar starting at or before its time);
    fills before the first loaded bar are left out until older bars are loaded."""
    if not len(fills) or not len(times):
        return FillMarks(np.empty(0), np.empty(0), np.empty(0, dtype=bool))
    epochs = np.array([bar_epoch(f.execution.time or f.time) for f in fills], dtype=np.int64)
    index = np.searchsorted(times, epochs, side="right") - 1
    prices = np.array([f.execution.price for f in fills], dtype=np.float64)
    buy = np.array([f.execution.side == "BOT" for f in fills], dtype=bool)
    shown = index >= 0
    return FillMarks(index[shown].astype(np.float64), prices[shown], buy[shown])
