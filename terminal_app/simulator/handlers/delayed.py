"""Delayed market data (reqMarketDataType 3/4): what the market showed 15 minutes earlier, as IB's
delayed feed does, re-read once a simulated second rather than pushed by the live feed."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from terminal_app.simulator.handlers.generic_ticks import send_mark

if TYPE_CHECKING:
    from terminal_app.simulator.gateway import SimulatedGateway
    from terminal_app.simulator.handlers.market_data import TickLine
    from terminal_app.simulator.market import Quote

DELAY_S = 15 * 60.0


def quote_for(gw: SimulatedGateway, line: TickLine) -> Quote:
    """The quote a line shows: live, or 15 minutes old for a delayed line."""
    if line.delayed:
        return gw.market.delayed_quote(line.inst.conId, DELAY_S)
    return gw.market.quote(line.inst.conId)


def stream_delayed(gw: SimulatedGateway, line: TickLine) -> Callable[[], None]:
    """Start the line's delayed ticks; returns what stops them."""
    last_trade = [gw.market.delayed_quote(line.inst.conId, DELAY_S).lastTime]

    def step() -> float:
        q = gw.market.delayed_quote(line.inst.conId, DELAY_S)
        line.quote(q.bid, q.ask, q.bidSize, q.askSize)
        if not math.isnan(q.last) and q.lastTime != last_trade[0]:
            last_trade[0] = q.lastTime
            line.trade(q.last, q.lastSize, q.lastTime, q.volume, q.vwap)
        if line.mark:
            send_mark(line)
        return min(gw.clock.real_seconds_until(math.floor(gw.clock.epoch()) + 1), 1.0)

    return line.conn.repeat(step, 0.0, f"delayed ticks {line.req_id}").cancel
