"""What the market hands out: live events (prints, L1 changes, depth diffs) and quote snapshots."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from terminal_app.simulator.market.book import DepthOp


@dataclass(frozen=True)
class Trade:
    conId: int
    time: float  # epoch seconds, to the millisecond
    price: float
    size: float
    volume: float  # session volume including this print
    vwap: float


@dataclass(frozen=True)
class QuoteChange:
    conId: int
    time: float
    bid: float
    ask: float
    bidSize: float
    askSize: float


@dataclass(frozen=True)
class DepthChange:
    conId: int
    time: float
    ops: tuple[DepthOp, ...]


MarketEvent = Trade | QuoteChange | DepthChange
Callback = Callable[[MarketEvent], None]


@dataclass(frozen=True)
class Quote:
    conId: int
    time: float
    bid: float
    ask: float
    bidSize: float
    askSize: float
    last: float
    lastSize: float
    lastTime: float
    volume: float
    open: float
    high: float
    low: float
    prevClose: float
    vwap: float
