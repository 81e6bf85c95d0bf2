"""How often each asset class's book and L1 quote move inside a second.

TWS does not stream every exchange event: L1 for stocks, futures and most others is an aggregated
snapshot about every 250 ms, forex top-of-book changes far more often, index values come about
once a second, and the depth book of a liquid future changes many times a second. The simulated
book therefore moves in **book steps** of ``book_ms`` and the L1 quote samples the book on every
``quote_every``-th step (always including the step at the start of each second, where the path's
price moves). Step ``n`` of an instrument covers [n, n + 1) × ``book_ms``; book sizes are hashed
by step number, so a step's book is the same whenever it is computed (live, history, snapshot).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from terminal_app.simulator.market.instruments import Instrument


@dataclass(frozen=True)
class Cadence:
    book_ms: int  # divides 1000
    quote_every: int  # divides 1000 // book_ms

    @property
    def steps_per_second(self) -> int:
        return 1000 // self.book_ms

    @property
    def quotes_per_second(self) -> int:
        return self.steps_per_second // self.quote_every

    def step_before(self, t: float) -> int:
        """The last book step that began before ``t`` (the live feed emits what is timed < t)."""
        return math.ceil(round(t * self.steps_per_second, 6)) - 1

    def quote_step_before(self, t: float) -> int:
        """The L1 sample on show just before ``t``."""
        step = self.step_before(t)
        return step - step % self.quote_every

    def last_quote_step(self, second: int) -> int:
        """The last L1 sample inside ``second`` (what a quote frozen at its end shows)."""
        last = (second + 1) * self.steps_per_second - 1
        return last - last % self.quote_every

    def time_of(self, step: int) -> float:
        return step / self.steps_per_second

    def second_of(self, step: int) -> int:
        return step // self.steps_per_second


STOCK = Cadence(book_ms=250, quote_every=1)
FUTURE = Cadence(book_ms=125, quote_every=2)  # depth 8 times a second, L1 every 250 ms
FOREX = Cadence(book_ms=100, quote_every=1)
INDEX = Cadence(book_ms=1000, quote_every=1)
_BY_SEC_TYPE = {"STK": STOCK, "FUT": FUTURE, "CASH": FOREX, "IND": INDEX}


def cadence_of(inst: Instrument) -> Cadence:
    return _BY_SEC_TYPE.get(inst.secType, STOCK)
