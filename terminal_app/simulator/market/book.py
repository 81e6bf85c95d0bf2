"""The limit order book around the price path, and the per-position depth diff.

The book is stateless like the path: level ``i`` of a side at second ``s`` sits ``i`` ticks
behind the best price and its size is a hash of (seed, conId, side, level, time bucket); the top
levels change every second, deeper ones every few seconds, so sizes evolve without a simulation.
``Book`` keeps the last snapshot it handed out so the live feed can emit depth diffs.

Depth diffs follow what ib_async can apply (it keys rows by position and does not shift): only
**update** rows that changed, **insert** only at position == current row count, **delete** only
the last row (see simulator-notes §5 "Depth").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from terminal_app.simulator.market.instruments import Instrument
from terminal_app.simulator.market.price_path import hash_uniform

BOOK_LEVELS = 20
INSERT, UPDATE, DELETE = 0, 1, 2
ASK_SIDE, BID_SIDE = 0, 1
_UNIT = {"STK": 100, "FUT": 1, "CASH": 100_000}
_DEPTH_GROWTH = 0.35  # deeper levels hold more


@dataclass(frozen=True)
class Level:
    price: float
    size: float


@dataclass(frozen=True)
class DepthOp:
    """One updateMktDepth row: position, operation (0 insert, 1 update, 2 delete), side (0 ask, 1
    bid), price and size."""

    position: int
    operation: int
    side: int
    price: float
    size: float


def book_unit(inst: Instrument) -> int:
    return _UNIT.get(inst.secType, 1)


def level_sizes(seed: int, inst: Instrument, second: int, side: int, levels: int) -> list[int]:
    """Sizes of the first ``levels`` levels of one side during ``second``."""
    idx = np.arange(levels, dtype=np.int64)
    bucket = second // (1 + idx // 3)  # deeper levels change less often
    u = hash_uniform(seed, inst.conId, side + 1, bucket * 64 + idx)
    unit = book_unit(inst)
    lots = 1 + np.floor(u * (8 + 6 * idx) * (1 + _DEPTH_GROWTH * idx))
    return [int(x) * unit for x in lots]


def top_sizes(seed: int, inst: Instrument, second: int) -> tuple[int, int]:
    """(bid size, ask size) during ``second``."""
    return level_sizes(seed, inst, second, BID_SIDE, 1)[0], level_sizes(
        seed, inst, second, ASK_SIDE, 1
    )[0]


def depth_diff(side: int, old: list[Level], new: list[Level]) -> list[DepthOp]:
    """Operations that turn ``old`` rows of one side into ``new`` under ib_async's rules."""
    ops: list[DepthOp] = []
    common = min(len(old), len(new))
    for pos in range(common):
        if old[pos] != new[pos]:
            ops.append(DepthOp(pos, UPDATE, side, new[pos].price, new[pos].size))
    for pos in range(common, len(new)):
        ops.append(DepthOp(pos, INSERT, side, new[pos].price, new[pos].size))
    for pos in range(len(old) - 1, common - 1, -1):
        ops.append(DepthOp(pos, DELETE, side, old[pos].price, old[pos].size))
    return ops


class Book:
    """One instrument's book at the current second."""

    def __init__(self, seed: int, inst: Instrument) -> None:
        self.seed = seed
        self.inst = inst
        self.bids: list[Level] = []
        self.asks: list[Level] = []

    def snapshot(self, second: int, bid_ticks: int, spread_ticks: int) -> tuple[list[Level], ...]:
        tick = self.inst.minTick
        bid_sizes = level_sizes(self.seed, self.inst, second, BID_SIDE, BOOK_LEVELS)
        ask_sizes = level_sizes(self.seed, self.inst, second, ASK_SIDE, BOOK_LEVELS)
        ask_ticks = bid_ticks + spread_ticks
        bids = [
            Level(round((bid_ticks - i) * tick, 10), float(bid_sizes[i]))
            for i in range(BOOK_LEVELS)
            if bid_ticks - i > 0
        ]
        asks = [
            Level(round((ask_ticks + i) * tick, 10), float(ask_sizes[i]))
            for i in range(BOOK_LEVELS)
        ]
        return bids, asks

    def advance(self, second: int, bid_ticks: int, spread_ticks: int) -> list[DepthOp]:
        """Move the book to ``second`` and return the per-position diff (asks first)."""
        bids, asks = self.snapshot(second, bid_ticks, spread_ticks)
        ops = depth_diff(ASK_SIDE, self.asks, asks) + depth_diff(BID_SIDE, self.bids, bids)
        self.bids, self.asks = bids, asks
        return ops
