"""Estimated queue position of our working orders: the size ahead at the order's price when it
was placed, reduced by trades at that price and by the share of pulls that was ahead of us.

A pull at our level could come from behind us as well as ahead; with no order-level data the
estimate takes the pulled size in proportion to how much of the level is ahead of us (the usual
DOM estimate). Trades at our price always come from ahead: the queue is first in, first out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class QueueEntry:
    index: int
    is_buy: bool
    ahead: float


class QueueTracker:
    def __init__(self) -> None:
        self._orders: dict[int, QueueEntry] = {}

    def place(self, order_id: int, index: int, is_buy: bool, level_size: float) -> None:
        """Start tracking (again, on a modify to another price: we join the back of that level)."""
        self._orders[order_id] = QueueEntry(index, is_buy, max(0.0, level_size))

    def forget(self, order_id: int) -> int | None:
        """Stop tracking a filled or cancelled order; returns the level it sat on."""
        entry = self._orders.pop(order_id, None)
        return entry.index if entry is not None else None

    def ahead(self, order_id: int) -> float | None:
        entry = self._orders.get(order_id)
        return entry.ahead if entry is not None else None

    def index_of(self, order_id: int) -> int | None:
        entry = self._orders.get(order_id)
        return entry.index if entry is not None else None

    def order_ids(self) -> set[int]:
        return set(self._orders)

    def orders_at(self, index: int) -> list[int]:
        return [oid for oid, entry in self._orders.items() if entry.index == index]

    def on_trade(self, index: int, size: float) -> bool:
        """A trade at `index` consumed the front of that queue. True if an estimate moved."""
        moved = False
        for entry in self._orders.values():
            if entry.index == index and entry.ahead > 0:
                entry.ahead = max(0.0, entry.ahead - size)
                moved = True
        return moved

    def on_pull(self, index: int, pulled: float, level_before: float) -> bool:
        """`pulled` left a level that held `level_before`; our share ahead shrinks in proportion."""
        if pulled <= 0 or level_before <= 0:
            return False
        moved = False
        for entry in self._orders.values():
            if entry.index == index and entry.ahead > 0:
                share = min(1.0, entry.ahead / level_before)
                entry.ahead = max(0.0, entry.ahead - pulled * share)
                moved = True
        return moved
