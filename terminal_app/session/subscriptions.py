"""Shared, ref-counted live subscriptions (quotes, depth, ticks, bars, PnL) and the handles panels
hold.

IB accounts have ~100 market data lines; two panels on one symbol must share one. A `Line` is one
subscription at IB, kept in the session's registry with what is needed to request it again after a
reconnect or a 1101; each panel gets its own `LiveHandle` (released independently, idempotently),
and the line is cancelled when the last handle goes. ib_async replaces its Ticker/BarDataList
objects when it reconnects, so panels read `handle.value` on every signal instead of keeping it.
"""

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ib_async import (
    BarDataList,
    Contract,
    PnL,
    PnLSingle,
    RealTimeBarList,
    TickByTickAllLast,
    TickByTickBidAsk,
    TickByTickMidPoint,
    Ticker,
)
from PySide6.QtCore import QObject, Signal


class Kind(Enum):
    """One kind of line; how each is requested and cancelled is in `line_kinds.LINE_KINDS`."""

    MARKET = "market data"
    DEPTH = "depth"
    TICKS = "tick-by-tick"
    BARS = "bars"
    REALTIME_BARS = "5-second bars"
    PNL = "PnL"
    PNL_SINGLE = "position PnL"


TickByTick = TickByTickAllLast | TickByTickBidAsk | TickByTickMidPoint

# reqTickByTickData's tick types and the ticks ib_async files under `Ticker.tickByTicks` for each.
TICK_CLASS: dict[str, type[TickByTick]] = {
    "Last": TickByTickAllLast,
    "AllLast": TickByTickAllLast,
    "BidAsk": TickByTickBidAsk,
    "MidPoint": TickByTickMidPoint,
}


@dataclass(frozen=True)
class BarsSpec:
    duration: str = "1 D"
    bar_size: str = "1 min"
    what_to_show: str = "TRADES"
    use_rth: bool = False


class Line:
    """One subscription at IB, shared by its handles. Qt-free; handles forward its changes."""

    def __init__(
        self, key: Hashable, kind: Kind, contract: Contract | None, params: dict[str, Any]
    ) -> None:
        self.key = key
        self.kind = kind
        self.contract = contract
        self.params = params
        self.value: Any = None  # the live ib_async object (Ticker, BarDataList, PnL, PnLSingle)
        self.stale = True  # no data yet / farm or connection down
        self.active = False  # requested at IB (or queued in the bulk lane)
        self.error = ""  # last error IB reported for this subscription
        self.handles: list[LiveHandle] = []
        self.req_id = 0  # IB request id, when known (PnL, errors)
        self.updated_at = 0.0  # time.monotonic() of the last update
        self.requested_at = 0.0  # time.monotonic() when its request last went to IB
        self.retrying_drop = False  # that request repeats one IB dropped (error 100)

    def set_value(self, value: Any) -> None:
        self.value = value
        for handle in list(self.handles):
            handle.replaced.emit()

    def set_stale(self, stale: bool) -> None:
        if stale == self.stale:
            return
        self.stale = stale
        for handle in list(self.handles):
            handle.staleChanged.emit(stale)

    def set_error(self, text: str) -> None:
        self.error = text
        for handle in list(self.handles):
            handle.failed.emit(text)

    def notify(self, *args: Any) -> None:
        """Data arrived: clear STALE and tell every holder."""
        self.updated_at = time.monotonic()
        self.set_stale(False)
        for handle in list(self.handles):
            handle.updated.emit(self.value)


class LiveHandle(QObject):
    """A panel's claim on a shared line.

    Signals: `updated(value)` on new data (at most once per network read), `staleChanged(bool)`,
    `replaced()` when the session swapped in a new live object (after a reconnect: re-read
    `value`), `failed(str)` when IB refused the subscription (e.g. 354 not subscribed, 101 line
    limit; the text is in `error`).
    """

    updated = Signal(object)
    staleChanged = Signal(bool)
    replaced = Signal()
    failed = Signal(str)

    def __init__(self, line: Line, release: Callable[["LiveHandle", Line], None]) -> None:
        super().__init__()
        self._line: Line | None = line
        self._release = release
        self._contract = line.contract
        self._kind = line.kind

    @property
    def kind(self) -> Kind:
        return self._kind

    @property
    def contract(self) -> Contract | None:
        return self._contract

    @property
    def value(self) -> Any:
        return self._line.value if self._line is not None else None

    @property
    def stale(self) -> bool:
        """True while the data cannot be trusted: never price an order from a stale handle."""
        return self._line.stale if self._line is not None else True

    @property
    def error(self) -> str:
        return self._line.error if self._line is not None else ""

    @property
    def released(self) -> bool:
        return self._line is None

    @property
    def users(self) -> int:
        """How many handles share this line (diagnostics, tests)."""
        return len(self._line.handles) if self._line is not None else 0

    def detach(self) -> None:
        """The session is closing: this handle is released without touching the session."""
        self._line = None

    def release(self) -> None:
        """Give up this claim; the line is cancelled at IB when the last claim goes. Idempotent."""
        line = self._line
        if line is None:
            return
        self._line = None
        self._release(self, line)


class TickerHandle(LiveHandle):
    @property
    def ticker(self) -> Ticker | None:
        value = self.value
        return value if isinstance(value, Ticker) else None


class DepthHandle(TickerHandle):
    """`ticker.domBids` / `ticker.domAsks` hold the book."""


class TicksHandle(TickerHandle):
    """Tick-by-tick trades ("Last"/"AllLast") or quotes ("BidAsk", "MidPoint") for a DOM or
    time & sales. `ticks` are those of the network read that fired `updated`; the Ticker is
    shared with the contract's other lines, so its `tickByTicks` may hold other types too."""

    def __init__(self, line: Line, release: Callable[["LiveHandle", Line], None]) -> None:
        super().__init__(line, release)
        self.tick_type: str = line.params["tick_type"]

    @property
    def ticks(self) -> list[TickByTick]:
        ticker = self.ticker
        if ticker is None:
            return []
        wanted = TICK_CLASS[self.tick_type]
        return [t for t in ticker.tickByTicks if isinstance(t, wanted)]


class BarsHandle(LiveHandle):
    """`bars` is a keepUpToDate BarDataList; `updated(bars)` fires when the last bar changes or
    a bar is appended (`bars[-1]`)."""

    @property
    def bars(self) -> BarDataList | None:
        value = self.value
        return value if isinstance(value, BarDataList) else None


class RealtimeBarsHandle(LiveHandle):
    """`bars` is a RealTimeBarList; `updated(bars)` fires when a 5-second bar is appended."""

    @property
    def bars(self) -> RealTimeBarList | None:
        value = self.value
        return value if isinstance(value, RealTimeBarList) else None


class PnLHandle(LiveHandle):
    @property
    def pnl(self) -> PnL | PnLSingle | None:
        value = self.value
        return value if isinstance(value, PnL | PnLSingle) else None
