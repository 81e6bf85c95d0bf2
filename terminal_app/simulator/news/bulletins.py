"""IB news bulletins (reqNewsBulletins): one regular bulletin (type 1) at 08:00 New York time on
each trade date, summing up the previous session of the US indices the simulator has."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ib_async import NewsBulletin

from terminal_app.simulator.market import Market
from terminal_app.simulator.market.calendar import is_trade_date
from terminal_app.simulator.news.stories import NEW_YORK

REGULAR = 1  # msgType: 1 regular bulletin, 2 exchange unavailable, 3 exchange available again
BULLETIN_TIME = time(8, 0)


def bulletin_time(d: date) -> float:
    return datetime.combine(d, BULLETIN_TIME, NEW_YORK).timestamp()


def next_bulletin_date(after: float) -> date:
    """The first trade date whose bulletin is due after `after`."""
    d = datetime.fromtimestamp(after, NEW_YORK).date()
    while not is_trade_date(d) or bulletin_time(d) <= after:
        d += timedelta(days=1)
    return d


def bulletin(market: Market, d: date) -> NewsBulletin:
    parts: list[str] = []
    end = bulletin_time(d)
    for inst in market.universe.instruments:
        if inst.secType != "IND":
            continue
        closes = [b.close for b in market.bars(inst.conId, end, "5 D", "1 day", "TRADES", True)]
        if len(closes) >= 2:
            change = (closes[-1] / closes[-2] - 1) * 100
            parts.append(f"{inst.symbol} {closes[-1]:,.2f} ({change:+.2f}%)")
    text = (
        f"Simulated market bulletin for {d:%A, %B %d, %Y}: previous session closes "
        + ("; ".join(parts) if parts else "unavailable")
        + ". Orders and market data on this gateway are simulated."
    )
    return NewsBulletin(int(f"{d:%Y%m%d}"), REGULAR, text, "")
