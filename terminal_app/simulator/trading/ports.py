"""What the order engine needs from the market and the account, and nothing more.

The engine is written against these small protocols so that it can be tested and reasoned about on
its own; `adapters.py` maps the simulator's `Market`, `SimClock` and `Ledger` onto them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

# Margin before and after a hypothetical fill: the ledger's own record, shared as it is.
from terminal_app.simulator.account.ledger import MarginImpact


@dataclass(frozen=True)
class InstrumentSpec:
    """The facts about a contract that order handling depends on."""

    con_id: int
    symbol: str
    sec_type: str
    currency: str
    exchange: str
    min_tick: Decimal
    multiplier: Decimal = Decimal(1)
    size_increment: Decimal = Decimal(1)
    tradable: bool = True
    order_types: frozenset[str] = frozenset()
    """IB's contract-details orderTypes tokens (LMT, STPLMT, PEGMID, OPG...); empty = all."""
    expires_at: datetime | None = None
    """End of trading of an expiring contract (futures): no orders are accepted or worked after."""


@dataclass(frozen=True)
class Level:
    price: float
    size: Decimal


@dataclass(frozen=True)
class Book:
    """Top of book, last trade and the visible depth on both sides (best first)."""

    bid: float | None
    ask: float | None
    last: float | None
    bids: tuple[Level, ...] = ()
    asks: tuple[Level, ...] = ()
    volume: Decimal = Decimal(0)

    @property
    def mid(self) -> float | None:
        if self.bid is None or self.ask is None:
            return None
        return (self.bid + self.ask) / 2


@dataclass(frozen=True)
class Print:
    """One trade printed by the market (not ours)."""

    price: float
    size: Decimal


@dataclass(frozen=True)
class SessionWindow:
    """The trading session an order lives in: RTH open/close and the outer (extended) bounds."""

    open: datetime
    close: datetime
    outer_open: datetime
    outer_close: datetime

    def contains(self, at: datetime, outside_rth: bool) -> bool:
        if outside_rth:
            return self.outer_open <= at < self.outer_close
        return self.open <= at < self.close


class Venue(Protocol):
    """The market as the engine sees it."""

    def now(self) -> datetime: ...

    def spec(self, con_id: int) -> InstrumentSpec | None: ...

    def book(self, con_id: int) -> Book: ...

    def watch(self, con_id: int, on_print: Callable[[Print | None], None]) -> Callable[[], None]:
        """Call `on_print` after every market change of `con_id` (a `Print` for trades, else None);
        returns the function that stops watching."""
        ...

    def session(self, con_id: int, at: datetime) -> SessionWindow:
        """The session containing `at`, or the next one if `at` is between sessions."""
        ...

    def volume_fraction(self, con_id: int, start: datetime, end: datetime, at: datetime) -> float:
        """Share of the expected volume between `start` and `end` that trades before `at` (0..1)."""
        ...


@dataclass(frozen=True)
class FillPosting:
    """One execution as the account books it."""

    con_id: int
    side: str  # "BOT" / "SLD"
    quantity: Decimal
    price: Decimal
    commission: Decimal
    time: datetime
    exec_id: str


class Account(Protocol):
    """The ledger as the engine sees it."""

    @property
    def name(self) -> str: ...

    def post(self, fill: FillPosting) -> Decimal | None:
        """Book a fill; returns the realized PnL it caused (None when it only opens or adds)."""
        ...

    def margin_impact(
        self, con_id: int, signed_quantity: Decimal, price: Decimal, commission: Decimal
    ) -> MarginImpact: ...
