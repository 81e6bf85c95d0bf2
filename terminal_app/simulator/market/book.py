"""The limit order book around the price path, and the per-position depth diff.

The book is stateless like the path: level ``i`` of a side at book step ``n`` (see
``market.cadence``) sits ``i`` ticks behind the best price and its size is a hash of (seed,
conId, side, level, time bucket); the top levels change every step, deeper ones every few steps,
so sizes evolve without a simulation. ``Book`` keeps the last snapshot it handed out so the live
feed can emit depth diffs.

Depth diffs follow what ib_async can apply (it keys rows by position and does not shift): only
**update** rows that changed, **insert** only at position == current row count, **delete** only
the last row (see simulator-notes §5 "Depth").
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from terminal_app.simulator.market.instruments import Instrument
from terminal_app.simulator.market.price_path import hash_uniform, hash_uniform_one

BOOK_LEVELS = 20
INSERT, UPDATE, DELETE = 0, 1, 2
ASK_SIDE, BID_SIDE = 0, 1
_UNIT = {"STK": 100, "FUT": 1, "CASH": 100_000}
_DEPTH_GROWTH = 0.35  # deeper levels hold more
_SALT = 1
_LEVEL = np.arange(BOOK_LEVELS, dtype=np.int64)
_BUCKET_DIVISOR = 1 + _LEVEL // 3  # deeper levels change less often
_LOT_SCALE = (8 + 6 * _LEVEL) * (1 + _DEPTH_GROWTH * _LEVEL)


class Level(NamedTuple):
    price: float
    size: float


class DepthOp(NamedTuple):
    """One updateMktDepth row: position, operation (0 insert, 1 update, 2 delete), side (0 ask,
    1 bid), price and size."""

    position: int
    operation: int
    side: int
    price: float
    size: float


def book_unit(inst: Instrument) -> int:
    return _UNIT.get(inst.secType, 1)


def top_sizes(seed: int, inst: Instrument, step: int) -> tuple[int, int]:
    """(bid size, ask size) during book ``step``: the first level of each side."""
    unit = book_unit(inst)
    bid = hash_uniform_one(seed, inst.conId, _SALT, step * 128 + BID_SIDE * 64)
    ask = hash_uniform_one(seed, inst.conId, _SALT, step * 128 + ASK_SIDE * 64)
    scale = float(_LOT_SCALE[0])
    return (1 + math.floor(bid * scale)) * unit, (1 + math.floor(ask * scale)) * unit


def depth_diff(side: int, old: list[Level], new: list[Level]) -> list[DepthOp]:
    """Operations that turn ``old`` rows of one side into ``new`` under ib_async's rules."""
    ops: list[DepthOp] = []
    common = min(len(old), len(new))
    for pos in range(common):
        row = new[pos]
        if old[pos] != row:
            ops.append(DepthOp(pos, UPDATE, side, row.price, row.size))
    for pos in range(common, len(new)):
        ops.append(DepthOp(pos, INSERT, side, new[pos].price, new[pos].size))
    for pos in range(len(old) - 1, common - 1, -1):
        ops.append(DepthOp(pos, DELETE, side, old[pos].price, old[pos].size))
    return ops


def _array_diff(
    side: int, old_p: np.ndarray, old_s: np.ndarray, new_p: np.ndarray, new_s: np.ndarray
) -> list[DepthOp]:
    """``depth_diff`` over price/size arrays (the live feed's hot path)."""
    common = min(len(old_p), len(new_p))
    changed = np.flatnonzero(
        (old_p[:common] != new_p[:common]) | (old_s[:common] != new_s[:common])
    ).tolist()
    prices, sizes = new_p.tolist(), new_s.tolist()
    ops = [DepthOp(pos, UPDATE, side, prices[pos], sizes[pos]) for pos in changed]
    ops += [
        DepthOp(pos, INSERT, side, prices[pos], sizes[pos]) for pos in range(common, len(prices))
    ]
    old_prices, old_sizes = old_p.tolist(), old_s.tolist()
    ops += [
        DepthOp(pos, DELETE, side, old_prices[pos], old_sizes[pos])
        for pos in range(len(old_prices) - 1, common - 1, -1)
    ]
    return ops


_EMPTY = np.zeros(0)


class Book:
    """One instrument's book at its current step (kept as arrays; ``bids``/``asks`` as rows)."""

    def __init__(self, seed: int, inst: Instrument) -> None:
        self.seed = seed
        self.inst = inst
        self._bid_p = self._bid_s = self._ask_p = self._ask_s = _EMPTY
        self._rows: tuple[list[Level], list[Level]] | None = None  # built once per step

    @property
    def bids(self) -> list[Level]:
        return list(self._levels()[0])

    @property
    def asks(self) -> list[Level]:
        return list(self._levels()[1])

    def _levels(self) -> tuple[list[Level], list[Level]]:
        if self._rows is None:
            self._rows = _rows(self._bid_p, self._bid_s), _rows(self._ask_p, self._ask_s)
        return self._rows

    def _arrays(self, step: int, bid_ticks: int, spread_ticks: int) -> tuple[np.ndarray, ...]:
        tick = self.inst.minTick
        depth = min(BOOK_LEVELS, max(bid_ticks, 0))  # no bids at or below zero
        bid_p = np.round((bid_ticks - _LEVEL[:depth]) * tick, 10)
        ask_p = np.round((bid_ticks + spread_ticks + _LEVEL) * tick, 10)
        unit = float(book_unit(self.inst))
        index = (step // _BUCKET_DIVISOR) * 128 + _LEVEL
        u_bid = hash_uniform(self.seed, self.inst.conId, _SALT, index + BID_SIDE * 64)
        u_ask = hash_uniform(self.seed, self.inst.conId, _SALT, index + ASK_SIDE * 64)
        bid_s = (1 + np.floor(u_bid[:depth] * _LOT_SCALE[:depth])) * unit
        ask_s = (1 + np.floor(u_ask * _LOT_SCALE)) * unit
        return bid_p, bid_s, ask_p, ask_s

    def snapshot(self, step: int, bid_ticks: int, spread_ticks: int) -> tuple[list[Level], ...]:
        """(bids, asks) during book ``step`` with the best bid at ``bid_ticks``."""
        bid_p, bid_s, ask_p, ask_s = self._arrays(step, bid_ticks, spread_ticks)
        return _rows(bid_p, bid_s), _rows(ask_p, ask_s)

    def advance(self, step: int, bid_ticks: int, spread_ticks: int) -> list[DepthOp]:
        """Move the book to ``step`` and return the per-position diff (asks first)."""
        bid_p, bid_s, ask_p, ask_s = self._arrays(step, bid_ticks, spread_ticks)
        ops = _array_diff(ASK_SIDE, self._ask_p, self._ask_s, ask_p, ask_s)
        ops += _array_diff(BID_SIDE, self._bid_p, self._bid_s, bid_p, bid_s)
        self._bid_p, self._bid_s, self._ask_p, self._ask_s = bid_p, bid_s, ask_p, ask_s
        self._rows = None
        return ops


def _rows(prices: np.ndarray, sizes: np.ndarray) -> list[Level]:
    return [Level(p, s) for p, s in zip(prices.tolist(), sizes.tolist(), strict=True)]
