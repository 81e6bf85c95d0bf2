"""The contract's price grid: every ladder row is one tick, addressed by an integer index so
that float prices from the wire (2.0999999) land on the same row as the tick they mean.

IB's market rules (reqMarketRule on the contract details' marketRuleIds) can change the
increment with the price level (an option: 0.01 below 3.00, 0.05 from 3.00). The grid is then
a run of bands, each from its low edge with its own increment; indices run on across the bands,
so one row is still one tick wherever the ladder is.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal
from functools import cached_property

DEFAULT_TICK = Decimal("0.01")


@dataclass(frozen=True)
class Band:
    low: Decimal  # the band's low edge (a price on the grid)
    increment: Decimal
    first: int  # the index of the row at `low`


@dataclass(frozen=True)
class TickGrid:
    bands: tuple[Band, ...]

    @classmethod
    def from_min_tick(cls, min_tick: float) -> TickGrid:
        """IB's minTick is a float (0.25, 0.01); through `str` it is the decimal it means.
        Anything not positive (missing details) falls back to a cent."""
        tick = _decimal(min_tick) if min_tick and min_tick > 0 else DEFAULT_TICK
        return cls((Band(Decimal(0), tick, 0),))

    @classmethod
    def from_rule(cls, increments: Iterable[tuple[float, float]], min_tick: float) -> TickGrid:
        """A market rule's (lowEdge, increment) pairs; the min tick where the rule says nothing
        usable (no increments, none starting at zero)."""
        pairs = sorted(
            (_decimal(low), _decimal(inc)) for low, inc in increments if inc > 0 and low >= 0
        )
        if not pairs or pairs[0][0] != 0:
            return cls.from_min_tick(min_tick)
        bands = [Band(Decimal(0), pairs[0][1], 0)]
        for low, increment in pairs[1:]:
            last = bands[-1]
            steps = ((low - last.low) / last.increment).to_integral_value(ROUND_CEILING)
            if steps > 0:  # a band starts at the first row at or above its edge on the one below
                edge = last.low + steps * last.increment
                bands.append(Band(edge, increment, last.first + int(steps)))
        return cls(tuple(bands))

    @cached_property
    def _lows(self) -> list[Decimal]:
        return [band.low for band in self.bands]

    @cached_property
    def _firsts(self) -> list[int]:
        return [band.first for band in self.bands]

    @property
    def tick(self) -> Decimal:
        """The finest increment anywhere on the grid."""
        return min(band.increment for band in self.bands)

    @property
    def variable(self) -> bool:
        return len(self.bands) > 1

    def index(self, price: float) -> int:
        """The nearest tick (a price off the grid rounds to its nearest row)."""
        value = _decimal(price)
        band = self._band(self._lows, value)
        steps = ((value - band.low) / band.increment).to_integral_value(rounding=ROUND_HALF_EVEN)
        return band.first + int(steps)

    def value(self, index: int) -> Decimal:
        """The exact price of row `index`."""
        band = self._band(self._firsts, index)
        return band.low + band.increment * (index - band.first)

    def _band(self, starts: list[Decimal] | list[int], key: Decimal | int) -> Band:
        """The band whose start (in `starts`: lows or first indices) is the last at or below
        `key`; the first band below the grid."""
        if len(self.bands) == 1:  # most contracts: no search
            return self.bands[0]
        return self.bands[max(0, bisect.bisect_right(starts, key) - 1)]

    def price(self, index: int) -> float:
        return float(self.value(index))

    @property
    def decimals(self) -> int:
        """Digits after the point that every price on this grid needs."""
        exponent = self.tick.normalize().as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 2

    def text(self, index: int) -> str:
        return f"{self.value(index):.{self.decimals}f}"


def _decimal(number: float) -> Decimal:
    return Decimal(repr(float(number)))
