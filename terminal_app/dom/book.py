"""The ladder's book: ib_async's position-ordered depth rows aggregated per price tick, merged
with the trade stream (volume at price, last trade) and the flow derived from both.

ib_async applies depth inserts/updates/deletes by position (`ticker.domBids`/`domAsks`); with
SMART depth several market makers can quote one price, so sizes are summed per tick. Each apply
diffs against the previous aggregate: that diff is what was pulled or stacked, less whatever a
trade at that price already explains. Cumulative depth sums each side from the inside out (the
size to take out to reach a price); with `cumulative` on, a change moves every row outward of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

from terminal_app.dom.flow import FlowWindow, VolumeAtPrice
from terminal_app.dom.queue_position import QueueTracker
from terminal_app.dom.tick_grid import TickGrid


class Level(Protocol):
    """ib_async's DOMLevel (price, size, marketMaker) or anything with a price and a size."""

    @property
    def price(self) -> float: ...

    @property
    def size(self) -> float: ...


def _cumulative(levels: list[tuple[int, float]]) -> dict[int, float]:
    """Running totals over levels given best first."""
    totals: dict[int, float] = {}
    total = 0.0
    for index, size in levels:
        total += size
        totals[index] = total
    return totals


def _differing(before: dict[int, float], after: dict[int, float]) -> set[int]:
    return {i for i in before.keys() | after.keys() if before.get(i) != after.get(i)}


_INDEX_CACHE_LIMIT = 4096


class _PriceRows:
    """Price -> tick index, remembered: a book re-reads the same few dozen prices on every
    depth read, and the grid's exact (Decimal) arithmetic is the costly part of reading it."""

    def __init__(self, grid: TickGrid) -> None:
        self.grid = grid
        self._rows: dict[float, int] = {}

    def index(self, price: float) -> int:
        row = self._rows.get(price)
        if row is None:
            if len(self._rows) >= _INDEX_CACHE_LIMIT:
                self._rows.clear()
            row = self._rows[price] = self.grid.index(price)
        return row

    def aggregate(self, levels: Iterable[Level]) -> dict[int, float]:
        sizes: dict[int, float] = defaultdict(float)
        for level in levels:
            if level.size > 0 and level.price > 0:
                sizes[self.index(level.price)] += float(level.size)
        return dict(sizes)


class LadderBook:
    def __init__(self, grid: TickGrid, flow_seconds: float = 10.0) -> None:
        self.grid = grid
        self._rows = _PriceRows(grid)
        self.bids: dict[int, float] = {}
        self.asks: dict[int, float] = {}
        self.volume = VolumeAtPrice()
        self.flow = FlowWindow(flow_seconds)
        self.queue = QueueTracker()
        self._cumulative = False
        self.cumulative_bids: dict[int, float] = {}  # kept while `cumulative` is on
        self.cumulative_asks: dict[int, float] = {}
        self.last_index: int | None = None
        self.last_size = 0.0
        # Traded size at a price not yet matched by a depth decrease there.
        self._traded_credit: dict[int, float] = defaultdict(float)

    # ------------------------------------------------------------------ reads
    def bid_size(self, index: int) -> float:
        return self.bids.get(index, 0.0)

    def ask_size(self, index: int) -> float:
        return self.asks.get(index, 0.0)

    @property
    def cumulative(self) -> bool:
        return self._cumulative

    @cumulative.setter
    def cumulative(self, on: bool) -> None:
        """On: sums kept from now on, and rows outward of a change reported with it."""
        self._cumulative = on
        self.cumulative_bids = _cumulative(self.bid_levels()) if on else {}
        self.cumulative_asks = _cumulative(self.ask_levels()) if on else {}

    def cumulative_size(self, index: int, is_buy: bool) -> float:
        """The size from the inside market out to this level, on its side (0 off the book)."""
        return (self.cumulative_bids if is_buy else self.cumulative_asks).get(index, 0.0)

    def level_size(self, index: int, is_buy: bool) -> float:
        return self.bid_size(index) if is_buy else self.ask_size(index)

    @property
    def best_bid(self) -> int | None:
        return max(self.bids) if self.bids else None

    @property
    def best_ask(self) -> int | None:
        return min(self.asks) if self.asks else None

    def bid_levels(self) -> list[tuple[int, float]]:
        """Bids best first (descending price)."""
        return sorted(self.bids.items(), reverse=True)

    def ask_levels(self) -> list[tuple[int, float]]:
        """Asks best first (ascending price)."""
        return sorted(self.asks.items())

    def spread_ticks(self) -> int | None:
        bid, ask = self.best_bid, self.best_ask
        return None if bid is None or ask is None else ask - bid

    # ----------------------------------------------------------------- writes
    def apply_depth(self, bids: Iterable[Level], asks: Iterable[Level], now: float) -> set[int]:
        """Take the book as ib_async now holds it; returns the ticks whose row changed."""
        new_bids, new_asks = self._rows.aggregate(bids), self._rows.aggregate(asks)
        changed = self._diff(self.bids, new_bids, now) | self._diff(self.asks, new_asks, now)
        self.bids, self.asks = new_bids, new_asks
        if self.cumulative:  # sums only while shown: most ladders never show them
            old = (self.cumulative_bids, self.cumulative_asks)
            self.cumulative_bids = _cumulative(self.bid_levels())
            self.cumulative_asks = _cumulative(self.ask_levels())
            changed |= _differing(old[0], self.cumulative_bids)
            changed |= _differing(old[1], self.cumulative_asks)
        return changed | self.flow.expire(now)

    def apply_trade(self, price: float, size: float, now: float) -> set[int]:
        """One print from the tick-by-tick "AllLast" stream."""
        index = self._rows.index(price)
        changed = {index}
        if self.last_index is not None:
            changed.add(self.last_index)
        self.last_index, self.last_size = index, float(size)
        self.volume.add(index, float(size))
        self._traded_credit[index] += float(size)
        self.queue.on_trade(index, float(size))
        return changed | self.flow.expire(now)

    def _diff(self, old: dict[int, float], new: dict[int, float], now: float) -> set[int]:
        changed: set[int] = set()
        for index in old.keys() | new.keys():
            before, after = old.get(index, 0.0), new.get(index, 0.0)
            if before == after:
                continue
            changed.add(index)
            if after > before:
                self.flow.record(now, index, 0.0, after - before)
                continue
            decrease = before - after
            traded = min(decrease, self._traded_credit.get(index, 0.0))
            if traded:
                self._traded_credit[index] -= traded
            pulled = decrease - traded
            if pulled > 0:
                self.flow.record(now, index, pulled, 0.0)
                self.queue.on_pull(index, pulled, before)
            if after == 0:
                self._traded_credit.pop(index, None)
        return changed
