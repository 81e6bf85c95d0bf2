"""What a trader asks for, before it becomes ib_async orders: the order layer's own vocabulary.

Quantities and prices are `Decimal` here (no float equality on sizes, exact tick arithmetic);
they become IB's floats only in `builders`.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum


class Side(Enum):
    BUY = "BUY"
    SELL = "SELL"

    @property
    def opposite(self) -> "Side":
        return Side.SELL if self is Side.BUY else Side.BUY

    @property
    def sign(self) -> int:
        """+1 for a buy: prices "above" the entry are further in the buyer's favour for exits."""
        return 1 if self is Side.BUY else -1


class OrderType(Enum):
    MKT = "MKT"
    LMT = "LMT"
    STP = "STP"
    STP_LMT = "STP LMT"
    MIT = "MIT"
    LIT = "LIT"
    TRAIL = "TRAIL"
    TRAIL_LIMIT = "TRAIL LIMIT"
    MOC = "MOC"
    LOC = "LOC"
    REL = "REL"
    PEG_MID = "PEG MID"

    @property
    def needs_limit(self) -> bool:
        return self in _NEEDS_LIMIT

    @property
    def needs_stop(self) -> bool:
        """Uses a trigger price (IB's auxPrice): stop, touch or relative offset."""
        return self in _NEEDS_STOP

    @property
    def trails(self) -> bool:
        return self in (OrderType.TRAIL, OrderType.TRAIL_LIMIT)


_NEEDS_LIMIT = frozenset({OrderType.LMT, OrderType.STP_LMT, OrderType.LIT, OrderType.LOC})
_NEEDS_STOP = frozenset({OrderType.STP, OrderType.STP_LMT, OrderType.MIT, OrderType.LIT})
# Optional limit cap (0 / empty: none): relative and pegged orders.
CAPPED = frozenset({OrderType.REL, OrderType.PEG_MID})
# What a bracket may be entered with (the issue: entry MKT/LMT/STP).
BRACKET_ENTRIES = frozenset({OrderType.MKT, OrderType.LMT, OrderType.STP})


class Tif(Enum):
    DAY = "DAY"
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"
    GTD = "GTD"
    OPG = "OPG"


class OffsetUnit(Enum):
    PRICE = "price"  # an absolute price
    POINTS = "points"  # a distance in price from the entry
    TICKS = "ticks"  # a distance in minimum ticks
    PERCENT = "%"  # a distance in percent of the entry


@dataclass(frozen=True)
class Level:
    """A bracket exit: an absolute price, or a distance from the entry (always positive; the
    side decides the direction)."""

    value: Decimal
    unit: OffsetUnit = OffsetUnit.PRICE


@dataclass(frozen=True)
class Trail:
    """A trailing stop: by `amount` (price) or `percent`; TRAIL LIMIT adds `limit_offset`.
    `stop_price` is the optional initial stop (IB's trailStopPrice)."""

    amount: Decimal | None = None
    percent: Decimal | None = None
    stop_price: Decimal | None = None
    limit_offset: Decimal | None = None


@dataclass(frozen=True)
class Bracket:
    """Exits attached to the entry. `trail` replaces the fixed stop-loss as the stop leg.
    `take_profit_2` scales out: `scale_quantity` of the entry goes at the second target."""

    take_profit: Level | None = None
    stop_loss: Level | None = None
    trail: Trail | None = None
    take_profit_2: Level | None = None
    scale_quantity: Decimal | None = None


@dataclass(frozen=True)
class AlgoChoice:
    """An IB algo by its strategy name (`algos.ALGOS`) with its parameters as entered."""

    strategy: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderIntent:
    side: Side
    quantity: Decimal
    order_type: OrderType = OrderType.LMT
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None  # STP/STP LMT stop, MIT/LIT trigger, REL/PEG offset
    trail: Trail | None = None  # for TRAIL / TRAIL LIMIT entries
    tif: Tif = Tif.DAY
    good_till: datetime | None = None  # GTD, timezone-aware
    outside_rth: bool = False
    account: str = ""
    order_ref: str = ""
    bracket: Bracket | None = None
    algo: AlgoChoice | None = None
