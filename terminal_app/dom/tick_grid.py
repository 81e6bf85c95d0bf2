"""The contract's price grid: every ladder row is one tick, addressed by an integer index so
that float prices from the wire (2.0999999) land on the same row as the tick they mean."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal


@dataclass(frozen=True)
class TickGrid:
    tick: Decimal

    @classmethod
    def from_min_tick(cls, min_tick: float) -> TickGrid:
        """IB's minTick is a float (0.25, 0.01); through `str` it is the decimal it means.
        Anything not positive (missing details) falls back to a cent."""
        tick = Decimal(str(min_tick)) if min_tick and min_tick > 0 else Decimal("0.01")
        return cls(tick)

    def index(self, price: float) -> int:
        """The nearest tick (a price off the grid rounds to its nearest row)."""
        ratio = Decimal(repr(float(price))) / self.tick
        return int(ratio.to_integral_value(rounding=ROUND_HALF_EVEN))

    def price(self, index: int) -> float:
        return float(self.tick * index)

    @property
    def decimals(self) -> int:
        """Digits after the point that every price on this grid needs."""
        exponent = self.tick.normalize().as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 2

    def text(self, index: int) -> str:
        return f"{self.tick * index:.{self.decimals}f}"
