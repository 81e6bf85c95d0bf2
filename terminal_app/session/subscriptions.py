"""Shared, ref-counted live subscriptions (quotes, depth, bars, PnL) and the handles panels hold.

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

from ib_async import BarDataList, Contract, PnL, PnLSingle, Ticker
from PySide6.QtCore import QObject, Signal


class Kind(Enum):
    MARKET = "market data"
    DEPTH = "depth"
    BARS = "bars"
    PNL = "PnL"
    PNL_SINGLE = "position PnL"


# Which farm's health a kind depends on ("market" 2103/2104, "hmds" 2105/2106, None: neither).
FARM_OF: dict[Kind, str | None] = {
    Kind.MARKET: "market",
    Kind.DEPTH: "market",
    Kind.BARS: "hmds",
    Kind.PNL: None,
    Kind.PNL_SINGLE: None,
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


class BarsHandle(LiveHandle):
    """`bars` is a keepUpToDate BarDataList; `updated(bars)` fires when the last bar changes or
    a bar is appended (`bars[-1]`)."""

    @property
    def bars(self) -> BarDataList | None:
        value = self.value
        return value if isinstance(value, BarDataList) else None


class PnLHandle(LiveHandle):
    @property
    def pnl(self) -> PnL | PnLSingle | None:
        value = self.value
        return value if isinstance(value, PnL | PnLSingle) else None
