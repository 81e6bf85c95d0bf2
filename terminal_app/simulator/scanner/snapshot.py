"""One instrument as the scanner sees it: the session figures of a market quote and what the
scan codes rank by."""

from __future__ import annotations

import math
from dataclasses import dataclass

from terminal_app.simulator.market.events import Quote
from terminal_app.simulator.market.instruments import Instrument
from terminal_app.simulator.scanner.fundamentals import market_cap_millions


def _pct(now: float, then: float) -> float | None:
    if not (math.isfinite(now) and math.isfinite(then)) or then <= 0:
        return None
    return (now / then - 1.0) * 100.0


@dataclass(frozen=True)
class Snap:
    inst: Instrument
    price: float  # last print, or the midpoint where nothing prints (indices, forex)
    prev_close: float
    open: float
    high: float
    low: float
    volume: float
    market_cap: float | None  # millions of USD
    trade_count: int = 0  # prints in the session

    @staticmethod
    def of(inst: Instrument, q: Quote, trade_count: int = 0) -> Snap:
        price = q.last
        if not math.isfinite(price) and q.bid > 0 and q.ask > 0:
            price = (q.bid + q.ask) / 2
        return Snap(
            inst,
            price,
            q.prevClose,
            q.open,
            q.high,
            q.low,
            q.volume if inst.has_trades else 0.0,
            market_cap_millions(inst, price),
            trade_count,
        )

    def change_pct(self) -> float | None:
        return _pct(self.price, self.prev_close)

    def change_since_open_pct(self) -> float | None:
        return _pct(self.price, self.open)

    def gap_pct(self) -> float | None:
        return _pct(self.open, self.prev_close)

    def traded_volume(self) -> float | None:
        return self.volume if self.inst.has_trades else None

    def trades(self) -> float | None:
        return float(self.trade_count) if self.inst.has_trades else None

    def dollar_volume(self) -> float | None:
        return self.volume * self.price if self.inst.has_trades and self.price > 0 else None

    def relative_volume(self) -> float | None:
        """Session volume over the average daily volume (TWS compares with the average volume
        at this time of day; the simulator's daily average is the instrument's ADV)."""
        return self.volume / self.inst.adv if self.inst.has_trades and self.inst.adv > 0 else None

    def range_pct(self) -> float | None:
        if not (math.isfinite(self.high) and math.isfinite(self.low)):
            return None
        return _pct(self.prev_close + self.high - self.low, self.prev_close)

    def model_vol(self) -> float | None:
        return self.inst.volatility * 100.0
