"""Session statistics (open/high/low/volume/VWAP/last/previous close) read from history."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from terminal_app.simulator.market import bars as history
from terminal_app.simulator.market.calendar import previous_session, session_at
from terminal_app.simulator.market.price_path import InstrumentPath


@dataclass
class SessionStats:
    """Session statistics of the session in progress (or the last one)."""

    trade_date: date | None = None
    open: float = math.nan
    high: float = math.nan
    low: float = math.nan
    volume: float = 0.0
    pv: float = 0.0
    last: float = math.nan
    last_size: float = 0.0
    last_time: float = 0.0
    prev_close: float = math.nan

    @property
    def vwap(self) -> float:
        return self.pv / self.volume if self.volume else self.last

    def add_print(self, price: float, size: float) -> None:
        self.volume += size
        self.pv += price * size
        if math.isnan(self.open):
            self.open = self.high = self.low = price
        self.high = max(self.high, price)
        self.low = min(self.low, price)


def session_stats(path: InstrumentPath, second: int) -> SessionStats:
    """Statistics of the session in progress at ``second`` (of the last one between them),
    with every print up to the end of ``second``."""
    inst = path.inst
    spec = inst.sessions
    what = "TRADES" if inst.has_trades else "MIDPOINT"
    stats = SessionStats()
    session = session_at(spec, second, False) or previous_session(spec, second, False)
    stats.trade_date = session.trade_date
    today = history.run(
        history.bar_steps(path, min(second + 1, session.end), "1 D", "1 day", what, False)
    )
    if today and today[-1].date == session.trade_date:
        bar = today[-1]
        stats.open, stats.high, stats.low = bar.open, bar.high, bar.low
        stats.volume = max(bar.volume, 0.0)
        stats.pv = bar.average * stats.volume if stats.volume > 0 else 0.0
        if inst.has_trades:
            stats.last = bar.close
            stats.last_time = float(second)
    # prevClose: the close of the previous regular session (stocks: 16:00 New York)
    prev = previous_session(spec, session.start, True)
    closing = history.run(history.bar_steps(path, prev.end, "1 D", "1 day", what, True))
    if closing:
        stats.prev_close = closing[-1].close
    return stats


def new_session_stats(path: InstrumentPath, second: int) -> SessionStats:
    """At the first print of a new session: the previous close is the reference, today's
    figures start empty."""
    stats = session_stats(path, second)
    stats.open = stats.high = stats.low = math.nan
    stats.volume = stats.pv = 0.0
    return stats
