"""Exchange sessions on the simulated clock, from the session templates in the instrument data.

A template is a pair of local times in the exchange's time zone for the full (``trading``)
session and the regular (``liquid``) one. ``open > close`` means the session opened on the
previous calendar day (forex 17:15-17:00, CME 17:00-16:00 Chicago): the session belongs to the
trade date it closes on.
Trade dates are Monday to Friday except the exchange's holidays, and early closes shorten a
session, both from the `exchange_calendars` library (`simulator/holidays.py`) for the calendar
a template names (XNYS for US stocks, CMES and friends for CME Group's Globex); forex has none.

Times in and out are epoch seconds (float, UTC) so the price path and the bar builder can use them
without datetime arithmetic; ``trade_date`` is the exchange-local date a session belongs to.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from terminal_app.simulator.holidays import year_rules

# IB's timeZoneId strings are the old "US/…" links; tzdata still ships them, but map them to the
# canonical names so the zone database needs no backward links.
_ZONE_ALIASES = {
    "US/Eastern": "America/New_York",
    "US/Central": "America/Chicago",
    "US/Pacific": "America/Los_Angeles",
    "EST": "America/New_York",
}


@functools.cache
def zone(tz_id: str) -> ZoneInfo:
    return ZoneInfo(_ZONE_ALIASES.get(tz_id, tz_id))


@dataclass(frozen=True)
class SessionSpec:
    """When an instrument trades: full and regular sessions as local (open, close) templates."""

    timeZoneId: str
    trading: tuple[time, time]
    liquid: tuple[time, time]
    calendar: str = ""  # exchange_calendars name ("XNYS", "CMES"); "" = weekdays only

    @staticmethod
    def parse(tz_id: str, trading: list[str], liquid: list[str], calendar: str = "") -> SessionSpec:
        def pair(values: list[str]) -> tuple[time, time]:
            return time.fromisoformat(values[0]), time.fromisoformat(values[1])

        return SessionSpec(tz_id, pair(trading), pair(liquid), calendar)

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.timeZoneId)


@dataclass(frozen=True)
class Session:
    """One session: [start, end) in epoch seconds, and the trade date it belongs to."""

    trade_date: date
    start: float
    end: float

    def contains(self, t: float) -> bool:
        return self.start <= t < self.end


def is_trade_date(d: date) -> bool:
    return d.weekday() < 5


@functools.lru_cache(maxsize=65536)
def session_on(spec: SessionSpec, trade_date: date, rth: bool) -> Session | None:
    """The session of ``trade_date`` (None on weekends)."""
    if not is_trade_date(trade_date):
        return None
    rules = year_rules(spec.calendar, trade_date.year) if spec.calendar else None
    if rules is not None and trade_date in rules.holidays:
        return None
    open_t, close_t = spec.liquid if rth else spec.trading
    tz = spec.tz
    open_day = trade_date - timedelta(days=1) if open_t >= close_t else trade_date
    start = datetime.combine(open_day, open_t, tz).timestamp()
    end = datetime.combine(trade_date, close_t, tz).timestamp()
    early = rules.early_closes.get(trade_date) if rules is not None else None
    if early is not None:
        end = min(end, _early_end(spec, trade_date, early, rth))
    return Session(trade_date, start, end)


def _early_end(spec: SessionSpec, trade_date: date, early: time, rth: bool) -> float:
    """Where an early close (regular session's close) ends the session: a day session keeps its
    after-hours span after it (NYSE: 13:00 close, extended hours to 17:00); an overnight one
    (Globex) halts at it."""
    tz = spec.tz
    close = datetime.combine(trade_date, early, tz)
    (full_open, full_close), (_, liquid_close) = spec.trading, spec.liquid
    if rth or full_open >= full_close:
        return close.timestamp()
    after = datetime.combine(trade_date, full_close) - datetime.combine(trade_date, liquid_close)
    return (close + max(after, timedelta(0))).timestamp()


def local_date(spec: SessionSpec, t: float) -> date:
    return datetime.fromtimestamp(t, spec.tz).date()


def session_at(spec: SessionSpec, t: float, rth: bool = False) -> Session | None:
    """The session open at ``t``, or None between sessions."""
    d = local_date(spec, t)
    for candidate in (d, d + timedelta(days=1)):
        s = session_on(spec, candidate, rth)
        if s is not None and s.contains(t):
            return s
    return None


def is_open(spec: SessionSpec, t: float, rth: bool = False) -> bool:
    return session_at(spec, t, rth) is not None


def next_session(spec: SessionSpec, t: float, rth: bool = False) -> Session:
    """The session open at ``t``, else the next one to open (DAY orders, MOC, OPG need this)."""
    d = local_date(spec, t)
    for offset in range(0, 10):
        s = session_on(spec, d + timedelta(days=offset), rth)
        if s is not None and t < s.end:
            return s
    raise AssertionError("no session within 10 days")  # pragma: no cover - weekdays always exist


def previous_session(spec: SessionSpec, t: float, rth: bool = False) -> Session:
    """The last session that closed at or before ``t``."""
    d = local_date(spec, t)
    for offset in range(0, 10):
        s = session_on(spec, d - timedelta(days=offset), rth)
        if s is not None and s.end <= t:
            return s
    raise AssertionError("no session within 10 days")  # pragma: no cover


def sessions_between(spec: SessionSpec, start: float, end: float, rth: bool) -> list[Session]:
    """Sessions overlapping [start, end), oldest first."""
    first = local_date(spec, start)
    last = local_date(spec, end) + timedelta(days=1)
    out: list[Session] = []
    d = first
    while d <= last:
        s = session_on(spec, d, rth)
        if s is not None and s.end > start and s.start < end:
            out.append(s)
        d += timedelta(days=1)
    return out


def trading_hours(spec: SessionSpec, t: float, rth: bool, days: int = 7) -> str:
    """IB's tradingHours/liquidHours text for the trade dates from ``t``'s local date on.

    e.g. ``20240722:0400-20240722:2000;20240727:CLOSED`` (local exchange time).
    """
    tz = spec.tz
    d0 = local_date(spec, t)
    parts: list[str] = []
    for offset in range(days):
        d = d0 + timedelta(days=offset)
        s = session_on(spec, d, rth)
        if s is None:
            following = session_on(spec, d + timedelta(days=1), rth)
            if following is None or datetime.fromtimestamp(following.start, tz).date() != d:
                parts.append(f"{d:%Y%m%d}:CLOSED")  # (a Sunday evening open is listed with Monday)
            continue
        a = datetime.fromtimestamp(s.start, tz)
        b = datetime.fromtimestamp(s.end, tz)
        parts.append(f"{a:%Y%m%d:%H%M}-{b:%Y%m%d:%H%M}")
    return ";".join(parts)
