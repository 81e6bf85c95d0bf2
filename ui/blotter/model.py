"""The blotter's tables on the live-table base, bound to the order service's order book.

One `OrderRows` table shows either the working orders or today's completed ones; the book's
`changed(conId)` marks the rows of that contract dirty (one frame repaints what moved), adds
orders it has not shown and hands an order that reached a final state from the working table
to the completed one. Bracket children stand right under their parent, indented.
"""

from collections.abc import Callable
from typing import ClassVar

from ib_async import Fill
from PySide6.QtCore import QObject
from PySide6.QtGui import QColor

from terminal_app.orders.book import OrderKey, order_key
from terminal_app.orders.states import OrderRecord, State
from ui.blotter.columns import (
    FILL_COLUMNS,
    ORDER_COLUMNS,
    FillRow,
    OrderRow,
    fill_signature,
    order_signature,
)
from ui.live_table.flash import DOWN, UP
from ui.live_table.model import LiveTableModel

_ERROR, _BUY, _SELL = 1, 2, 3
_STATUS = next(i for i, c in enumerate(ORDER_COLUMNS) if c.key == "status")
_MESSAGE = next(i for i, c in enumerate(ORDER_COLUMNS) if c.key == "message")
_ACTION = next(i for i, c in enumerate(ORDER_COLUMNS) if c.key == "action")
# Codes that explain a normal end, not a problem (202: cancelled as asked).
_NOT_ERRORS = frozenset({202})


class OrderRows(LiveTableModel):
    """Orders whose state `accepts` (working, or final); rows keyed by the book's order key.
    `newest_first` puts a new order on top (the completed table: today's latest in sight)."""

    foreground_colors: ClassVar[list[QColor | None]] = [None, QColor(230, 126, 34), UP, DOWN]

    def __init__(
        self,
        accepts: Callable[[OrderRecord], bool],
        parent: QObject | None = None,
        newest_first: bool = False,
    ) -> None:
        super().__init__(ORDER_COLUMNS, parent)
        self._accepts = accepts
        self._newest_first = newest_first
        self._by_key: dict[OrderKey, OrderRow] = {}

    def build(self, row: OrderRow) -> tuple[list[str], list[int]]:
        texts = self.format_row(row)
        colors = [0] * len(self.columns)
        colors[_ACTION] = _BUY if row.record.trade.order.action == "BUY" else _SELL
        last = row.record.history[-1] if row.record.history else None
        if row.record.state is State.INACTIVE or (last and last.code not in _NOT_ERRORS | {0}):
            colors[_STATUS] = colors[_MESSAGE] = _ERROR
        return texts, colors

    def tooltip(self, row: OrderRow) -> str | None:
        return history_text(row.record)

    def follow(self, records: list[OrderRecord]) -> None:
        """The book's records of one contract changed: show, repaint or hand them on."""
        for record in records:
            key = order_key(record.trade)
            row = self._by_key.get(key)
            if self._accepts(record):
                if row is None:
                    self._insert(key, record)
                elif row.shown != (signature := order_signature(record)):
                    row.shown = signature
                    self.mark_dirty(row)
            elif row is not None:
                self.remove_indices([self._rows.index(row)])

    def _insert(self, key: OrderKey, record: OrderRecord) -> None:
        parent_id = record.trade.order.parentId
        row = OrderRow(record=record, child=bool(parent_id), shown=order_signature(record))
        self._by_key[key] = row
        at = 0 if self._newest_first else None
        if parent_id:  # after the parent and its children so far
            parent = self._by_key.get((record.trade.order.clientId, parent_id))
            if parent is not None:
                at = self._rows.index(parent) + 1
                while at < len(self._rows) and self._rows[at].child:
                    at += 1
        self.append(row, at)

    def on_removed(self, row: OrderRow) -> None:
        self._by_key.pop(order_key(row.record.trade), None)

    def record_at(self, index: int) -> OrderRecord:
        return self._rows[index].record


class FillRows(LiveTableModel):
    """Today's executions, newest first; a fill seen again (its commission report) repaints."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(FILL_COLUMNS, parent)
        self._by_exec: dict[str, FillRow] = {}

    def follow(self, fills: list[Fill]) -> None:
        for fill in fills:
            row = self._by_exec.get(fill.execution.execId)
            if row is None:
                row = FillRow(fill=fill, shown=fill_signature(fill))
                self._by_exec[fill.execution.execId] = row
                self.append(row, 0)
            elif row.shown != (signature := fill_signature(fill)):  # its commission report
                row.fill, row.shown = fill, signature
                self.mark_dirty(row)


def history_text(record: OrderRecord) -> str:
    """The order's status history, one transition a line (the details pane and the tooltip)."""
    lines = [f"Order {record.trade.order.orderId} (perm {record.trade.order.permId})"]
    for t in record.history:
        before = f"{t.before.value} → " if t.before is not None else ""
        reason = f"  [{t.code}] {t.reason}" if t.code else ""
        stamp = f"{t.time.astimezone():%H:%M:%S.%f}"[:-3]
        lines.append(f"{stamp}  {before}{t.after.value}{reason}")
    return "\n".join(lines)
