"""Generic ticks of reqMktData beyond 233 (RT volume) and 165 (ranges), as IB's tick-type list
describes them: 456 dividends, 236 shortable, 104/411 historical volatility, 106 implied
volatility, 221 mark price. Sent with the first snapshot; 221 follows every quote and trade.

The simulated stock's dividend is its `divYield` in the instrument data (0 when it pays none);
"implied" volatility is the volatility its price process runs with; historical volatility is
measured on the last 30 daily closes.
"""

from __future__ import annotations

import itertools
import logging
import math
import statistics
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ib_async import BarData

    from terminal_app.simulator.gateway import SimulatedGateway
    from terminal_app.simulator.handlers.market_data import TickLine
    from terminal_app.simulator.market.instruments import Instrument

log = logging.getLogger(__name__)

# Tick ids (ib_async's wrapper maps).
BID, ASK, LAST = 1, 2, 4
HIST_VOLATILITY, IMPLIED_VOLATILITY, MARK_PRICE = 23, 24, 37
SHORTABLE, RT_HIST_VOLATILITY, DIVIDENDS, SHORTABLE_SHARES = 46, 58, 59, 89
EASY_TO_BORROW = 3.0  # IB: > 2.5 means shares are available to short
VOLATILITY_DAYS = 30
TRADING_DAYS = 252


def wants_mark(generic: set[str]) -> bool:
    return "221" in generic


def send_generic(gw: SimulatedGateway, line: TickLine, generic: set[str], streaming: bool) -> None:
    """The first values of the requested generic ticks (volatility, which reads a month of
    daily bars, in a later loop pass for a streaming line, as 165 does)."""
    inst = line.inst
    if "221" in generic:
        send_mark(line)
    if "106" in generic:
        _generic(line, IMPLIED_VOLATILITY, inst.volatility)
    if inst.secType == "STK":
        if "236" in generic:
            _generic(line, SHORTABLE, EASY_TO_BORROW)
            line.size(SHORTABLE_SHARES, round(inst.adv / 2, -3))
        if "456" in generic:
            quote = gw.market.quote(inst.conId)
            price = inst.ref_price if math.isnan(quote.last) else quote.last
            line.string(DIVIDENDS, _dividends(inst.dividend_yield, price, gw))
    if not {"104", "411"} & generic:
        return
    if streaming:
        later(line, lambda: _volatility(gw, line, generic))
    else:
        _volatility(gw, line, generic)


def later(line: TickLine, work: Callable[[], None]) -> None:
    """`work` in a later loop pass, if the line still streams then: a year of daily bars takes
    60-90 ms the first time per instrument, and a watchlist opening many lines at once must not
    freeze the terminal's UI for the sum of them."""
    conn = line.conn

    def run() -> None:
        if line.req_id in conn.subscriptions:
            work()

    conn.soon(run)


def daily_bars(gw: SimulatedGateway, inst: Instrument, duration: str) -> list[BarData]:
    """RTH daily bars (trades, midpoints for forex) ending now; none when there is no history."""
    what = "TRADES" if inst.has_trades else "MIDPOINT"
    try:
        return gw.market.bars(inst.conId, None, duration, "1 day", what, True)
    except Exception as exc:  # e.g. no history for this instrument
        log.info("no daily bars for %s: %s", inst.localSymbol, exc)
        return []


def send_mark(line: TickLine) -> None:
    """IB's mark price: the last price held inside the bid/ask, else the midpoint."""
    bid, ask, last = (line.sent.get(t, math.nan) for t in (BID, ASK, LAST))
    if math.isnan(bid) or math.isnan(ask):
        mark = last
    elif math.isnan(last):
        mark = (bid + ask) / 2
    else:
        mark = min(max(last, bid), ask)
    if math.isnan(mark):
        return
    tick = line.inst.minTick
    mark = round(round(mark / tick) * tick, 10)
    if line.sent.get(MARK_PRICE) != mark:
        line.price(MARK_PRICE, mark)


def _generic(line: TickLine, tick: int, value: float) -> None:
    line.conn.send_tick(
        (line.req_id, tick), "tickGeneric", reqId=line.req_id, tickType=tick, value=value
    )


def _dividends(yield_: float, price: float, gw: SimulatedGateway) -> str:
    """`past 12 months,next 12 months,next date,next amount` (quarterly payers)."""
    if yield_ <= 0:
        return "0,0,,"
    annual = round(price * yield_, 2)
    today = gw.clock.now().date()
    next_date = _next_quarter_payment(today)
    return f"{annual},{annual},{next_date:%Y%m%d},{round(annual / 4, 4)}"


def _next_quarter_payment(today: date) -> date:
    """The 15th of the next quarter month (Feb, May, Aug, Nov) after `today`."""
    for months_ahead in range(1, 4):
        month = (today.month - 1 + months_ahead) % 12 + 1
        year = today.year + (today.month - 1 + months_ahead) // 12
        if month % 3 == 2:
            return date(year, month, 15)
    return today + timedelta(days=90)  # pragma: no cover - one of three months always matches


def _volatility(gw: SimulatedGateway, line: TickLine, generic: set[str]) -> None:
    daily = daily_bars(gw, line.inst, "3 M")
    closes = [b.close for b in daily[-(VOLATILITY_DAYS + 1) :] if b.close > 0]
    if len(closes) < 3:
        return
    returns = [math.log(b / a) for a, b in itertools.pairwise(closes)]
    value = statistics.stdev(returns) * math.sqrt(TRADING_DAYS)
    if "104" in generic:
        _generic(line, HIST_VOLATILITY, value)
    if "411" in generic:
        _generic(line, RT_HIST_VOLATILITY, value)
