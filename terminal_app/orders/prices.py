"""Numbers from the user and from IB, made safe for order prices.

IB's "no value" markers (nan, -1, the unset max double) and STALE quotes never become a price:
`Quote` keeps only numbers that can be trusted and says so when there are none.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

from ib_async import ContractDetails, Ticker

from terminal_app.price_format import is_missing
from terminal_app.session.subscriptions import TickerHandle

# Beyond this nobody means it: 1e12 shares or a 1e12 price is a typo (or a unit mix-up).
ABSURD = Decimal("1e11")


class InputError(ValueError):
    """A number the user typed cannot be used; `str(exc)` is the sentence to show, `field` the
    field it is about (as `validation.Problem.field`)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def parse_decimal(text: str | float | Decimal | None, what: str) -> Decimal:
    """A finite Decimal from the user's text ("1,000" allowed); InputError says what is wrong."""
    if text is None or (isinstance(text, str) and not text.strip()):
        raise InputError(f"{what} is empty")
    raw = text.replace(",", "").strip() if isinstance(text, str) else repr(text)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InputError(f"{what} must be a number, not {str(text)!r}") from None
    if not value.is_finite():
        raise InputError(f"{what} must be a number, not {str(text)!r}")
    if abs(value) >= ABSURD:
        raise InputError(f"{what} {value:,.0f} is not a plausible value")
    return value


def from_ib(value: float | Decimal | None) -> Decimal | None:
    """IB's float as an exact Decimal, or None for IB's "no value" markers."""
    if value is None or is_missing(value):
        return None
    return Decimal(repr(float(value)))


@dataclass(frozen=True)
class Quote:
    """The prices an order may be derived from; all None while the quote is STALE."""

    bid: Decimal | None = None
    ask: Decimal | None = None
    last: Decimal | None = None
    stale: bool = True

    @classmethod
    def from_ticker(cls, ticker: Ticker | None, stale: bool) -> "Quote":
        if ticker is None or stale:
            return cls()
        return cls(from_ib(ticker.bid), from_ib(ticker.ask), from_ib(ticker.last), False)

    @classmethod
    def of(cls, handle: TickerHandle | None) -> "Quote":
        """A session ticker line's quote; empty while it is STALE or released."""
        if handle is None:
            return cls()
        return cls.from_ticker(handle.ticker, handle.stale)

    @property
    def reference(self) -> Decimal | None:
        """What "the market" is for checks and offsets: last, else the midpoint."""
        if self.last is not None:
            return self.last
        if self.bid is not None and self.ask is not None:
            return (self.bid + self.ask) / 2
        return None

    def touch(self, buying: bool) -> Decimal | None:
        """The price a marketable order meets: the ask for a buy, the bid for a sell."""
        side = self.ask if buying else self.bid
        return side if side is not None else self.reference


@dataclass(frozen=True)
class ContractRules:
    """What the contract's details say about valid prices and sizes."""

    min_tick: Decimal = Decimal("0.01")
    size_increment: Decimal = Decimal(1)
    multiplier: Decimal = Decimal(1)

    @classmethod
    def from_details(cls, details: ContractDetails | None) -> "ContractRules":
        if details is None:
            return cls()
        tick = from_ib(details.minTick)
        increment = from_ib(details.sizeIncrement) or from_ib(details.minSize)
        multiplier = from_ib(_float(details.contract.multiplier)) if details.contract else None
        return cls(
            tick if tick and tick > 0 else Decimal("0.01"),
            increment if increment and increment > 0 else Decimal(1),
            multiplier if multiplier and multiplier > 0 else Decimal(1),
        )

    def on_tick(self, price: Decimal) -> bool:
        return price % self.min_tick == 0

    def round_down(self, price: Decimal) -> Decimal:
        return (price / self.min_tick).to_integral_value(ROUND_FLOOR) * self.min_tick

    def round_up(self, price: Decimal) -> Decimal:
        return (price / self.min_tick).to_integral_value(ROUND_CEILING) * self.min_tick

    def nearest(self, price: Decimal) -> Decimal:
        return (price / self.min_tick).to_integral_value() * self.min_tick


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None
