"""History from the price path: bars, head timestamp, historical ticks, 5-second bars.

``bars(path, end, duration, bar_size, what_to_show, use_rth)`` → ``list[BarData]``:
- bar sizes: IB's strings "1 secs" … "1 month" (``BAR_SIZES``); durations "N S|D|W|M|Y".
  "N D" means the last N sessions (as TWS counts days); W/M/Y are calendar spans.
- TRADES (not for forex), MIDPOINT, BID, ASK. MIDPOINT/BID/ASK bars carry volume/WAP/count -1
  like TWS. Only minutes inside sessions produce bars; ``use_rth`` uses the liquid session.
- Intraday bars are stamped with their start (tz-aware UTC; the first bar of a session with the
  session open); daily bars with the trade date, weekly/monthly with their first trade date.
- Prices and quotes of second ``s`` hold for [s, s + 1) (prints at their own milliseconds); a
  request ending at ``end`` covers the seconds before it, and the bar containing ``end`` is
  partial, as the live feed printed it (whole seconds: it may hold prints of the current second
  the feed sends later in it), so a chart's last history bar continues with the live ticks. WAP
  of bars ≥ 1 min is volume-weighted over minutes by their typical price (exact per print below
  1 min).

Limits on the requested span (``HistoricalDataError`` = IB error 162 with TWS's texts, checked
before any work): "1 secs" bars at most 2000 S, other second bars at most one day; bars below a
day at most 365 days ("Historical data request for greater than 365 days rejected.") and at most
100,000 bars; daily and longer at most 5 years ("Time length exceed max."). The largest allowed
requests take 0.1-0.4 s on first use (2-core CI machine) and are cached by day afterwards.
"""

from __future__ import annotations

import math
import re
from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

import numpy as np
from ib_async import (
    BarData,
    HistoricalTick,
    HistoricalTickBidAsk,
    HistoricalTickLast,
    RealTimeBar,
    TickAttribBidAsk,
    TickAttribLast,
)

from terminal_app.simulator.market.book import top_sizes
from terminal_app.simulator.market.cadence import cadence_of
from terminal_app.simulator.market.calendar import (
    local_date,
    next_session,
    session_on,
    sessions_between,
)
from terminal_app.simulator.market.price_path import (
    MINUTES_PER_DAY,
    DaySummary,
    FloatArray,
    InstrumentPath,
    IntArray,
    session_mask,
)

DAY = 86400
WEEK, MONTH = -1, -2  # pseudo bar sizes
BAR_SIZES: dict[str, int] = {
    "1 secs": 1, "5 secs": 5, "10 secs": 10, "15 secs": 15, "30 secs": 30,
    "1 min": 60, "2 mins": 120, "3 mins": 180, "5 mins": 300, "10 mins": 600, "15 mins": 900,
    "20 mins": 1200, "30 mins": 1800, "1 hour": 3600, "2 hours": 7200, "3 hours": 10800,
    "4 hours": 14400, "8 hours": 28800, "1 day": DAY, "1 week": WEEK, "1 month": MONTH,
}  # fmt: skip
WHAT_TO_SHOW = ("TRADES", "MIDPOINT", "BID", "ASK")
MAX_ONE_SECOND_SPAN = 2000
MAX_SECONDS_BAR_SPAN = DAY
MAX_INTRADAY_BARS = 100_000
MAX_INTRADAY_DAYS = 365
MAX_DAILY_YEARS = 5
_DURATION = re.compile(r"^\s*(\d{1,12})\s*([SDWMY])\s*$", re.IGNORECASE)
_UNIT_DAYS = {"S": 1 / DAY, "D": 1, "W": 7, "M": 28, "Y": 365}  # lower bounds
HMDS = "Historical Market Data Service error message:"
_CHUNK_DAYS = 16  # days per step of a history request
T = TypeVar("T")


class HistoricalDataError(Exception):
    """A request TWS would refuse: ``code`` and ``message`` go into the error reply."""

    def __init__(self, message: str, code: int = 162) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def last_second(t: float) -> int:
    """The last whole second that has happened before ``t`` (what ends at ``t`` excludes it)."""
    return math.ceil(t) - 1


def bar_seconds(bar_size: str) -> int:
    try:
        return BAR_SIZES[" ".join(bar_size.split())]
    except KeyError:
        raise HistoricalDataError(f"{HMDS}Invalid bar size: {bar_size!r}", 321) from None


def _epoch(t: datetime | float) -> float:
    return t.timestamp() if isinstance(t, datetime) else float(t)


def _months_back(t: float, months: int) -> float:
    d = datetime.fromtimestamp(t, UTC)
    month_index = d.year * 12 + d.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(d.day, 28)
    return d.replace(year=year, month=month + 1, day=day).timestamp()


def window_start(path: InstrumentPath, end: float, duration: str, use_rth: bool) -> float:
    """Start of the span ``duration`` ends at ``end``."""
    m = _DURATION.match(duration)
    if not m:
        raise HistoricalDataError(f"{HMDS}Invalid duration: {duration!r}", 321)
    n, unit = int(m.group(1)), m.group(2).upper()
    if n <= 0:
        raise HistoricalDataError(f"{HMDS}Invalid duration: {duration!r}", 321)
    if n * _UNIT_DAYS[unit] > (MAX_DAILY_YEARS + 1) * 366:  # "99999 Y" would be before year 1
        raise HistoricalDataError(f"{HMDS}Time length exceed max.")
    if unit == "S":
        return end - n
    if unit == "W":
        return end - 7 * DAY * n
    if unit == "M":
        return _months_back(end, n)
    if unit == "Y":
        return _months_back(end, 12 * n)
    # D: the last n sessions that opened before ``end``
    spec = path.inst.sessions
    sessions = [
        s for s in sessions_between(spec, end - DAY * (n * 1.5 + 5), end, use_rth) if s.start < end
    ]
    if not sessions:
        return end - DAY * n
    return sessions[-min(n, len(sessions))].start


@dataclass
class _Table:
    """Per-minute or per-second rows: time, prices in half-ticks, volume, prints, price×volume."""

    t: IntArray
    o: IntArray
    h: IntArray
    l: IntArray  # noqa: E741
    c: IntArray
    v: IntArray
    n: IntArray
    pv: FloatArray
    valid: np.ndarray


def _half_ticks(what: str, spread: int, bid: IntArray, side: IntArray) -> IntArray:
    if what == "TRADES":
        return 2 * (bid + spread * side)
    if what == "MIDPOINT":
        return 2 * bid + spread
    if what == "ASK":
        return 2 * (bid + spread)
    return 2 * bid


def _second_rows(path: InstrumentPath, start_s: int, end_s: int, what: str, rth: bool) -> _Table:
    """One row per second in [start_s, end_s]."""
    spec = path.inst.sessions
    parts: list[tuple[IntArray, ...]] = []
    for minute in range(start_s // 60, end_s // 60 + 1):
        day, m = divmod(minute, MINUTES_PER_DAY)
        if not session_mask(spec, day, rth)[m]:
            continue
        det = path.detail(minute)
        secs = np.arange(minute * 60, minute * 60 + 60, dtype=np.int64)
        price = _half_ticks(what, path.spread, det.bid, det.side)
        parts.append((secs, price, det.volume, det.prints))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return _Table(empty, empty, empty, empty, empty, empty, empty, empty.astype(float), empty)
    t, price, v, n = (np.concatenate(x) for x in zip(*parts, strict=True))
    keep = (t >= start_s) & (t <= end_s)
    t, price, v, n = t[keep], price[keep], v[keep], n[keep]
    valid = n > 0 if what == "TRADES" else np.ones(len(t), dtype=bool)
    return _Table(t, price, price, price, price, v, n, price * v.astype(float), valid)


def _day_rows(
    path: InstrumentPath,
    day: int,
    a: int,
    b: int,
    what: str,
    rth: bool,
    summary: DaySummary | None = None,
) -> tuple[np.ndarray, ...] | None:
    """Minutes [a, b) of UTC ``day``: (t, o, h, l, c, v, n, pv, valid); None if all closed."""
    mask = session_mask(path.inst.sessions, day, rth)[a:b]
    if not mask.any():
        return None
    spread = path.spread
    s = summary or path.summary(day)
    sl = slice(a, b)
    o, c = s.o[sl], s.c[sl]
    h = np.maximum(o, c) + s.up[sl]
    low = np.minimum(o, c) - s.down[sl]
    if what == "TRADES":
        oo, cc = 2 * (o + spread * s.side_open[sl]), 2 * (c + spread * s.side_close[sl])
        hh, ll = 2 * (h + spread), 2 * low
    else:
        shift = {"MIDPOINT": spread, "ASK": 2 * spread}.get(what, 0)
        oo, hh, ll, cc = 2 * o + shift, 2 * h + shift, 2 * low + shift, 2 * c + shift
    t = (np.arange(a, b, dtype=np.int64) + day * MINUTES_PER_DAY) * 60
    v, n = s.volume[sl], s.count[sl]
    pv = (hh + ll + cc) / 3.0 * v
    valid = mask & (n > 0) if what == "TRADES" else mask.copy()
    return t, oo, hh, ll, cc, v, n, pv, valid


def _session_reduced(
    path: InstrumentPath, day: int, what: str, rth: bool, summary: DaySummary | None = None
) -> tuple[np.ndarray, ...]:
    """A whole UTC day reduced to one row per session part (daily and longer bars); cached."""
    key = (day, rth, what)
    hit = path.history_cache.get(key)
    if hit is not None:
        return hit
    rows = _day_rows(path, day, 0, MINUTES_PER_DAY, what, rth, summary)
    out: list[list[float]] = []
    if rows is not None:
        t, o, h, low, c, v, n, pv, valid = rows
        t0 = day * DAY
        for sess in sessions_between(path.inst.sessions, t0, t0 + DAY, rth):
            a = max(0, math.ceil((sess.start - t0) / 60))
            b = min(MINUTES_PER_DAY, math.ceil((sess.end - t0) / 60))
            idx = np.flatnonzero(valid[a:b]) + a
            if len(idx):
                out.append(
                    [t[idx[0]], o[idx[0]], h[idx].max(), low[idx].min(), c[idx[-1]],
                     v[idx].sum(), n[idx].sum(), pv[idx].sum()]
                )  # fmt: skip
    arr = np.array(out, dtype=np.float64).reshape(-1, 8)
    ints = [arr[:, i].astype(np.int64) for i in range(7)]
    reduced = (*ints, arr[:, 7], np.ones(len(arr), dtype=bool))
    if len(path.history_cache) > 8192:
        path.history_cache.clear()
    path.history_cache[key] = reduced
    return reduced


def _minute_rows(
    path: InstrumentPath, start: float, end: float, what: str, rth: bool, whole_days: bool = False
) -> Generator[None, None, _Table]:
    """One row per minute from the minute containing ``start`` to the one containing ``end``;
    the last minute holds only the seconds before ``end``. With ``whole_days`` complete UTC days
    before the last are pre-reduced per session (enough for daily and longer bars). Yields after
    each chunk of days (a step: ~10 ms of work), returns the table."""
    last_s = last_second(end)
    m0, m1 = math.floor(start / 60), last_s // 60
    parts: list[tuple[np.ndarray, ...]] = []
    first_day, last_day = m0 // MINUTES_PER_DAY, m1 // MINUTES_PER_DAY
    spec = path.inst.sessions
    days = [d for d in range(first_day, last_day + 1) if session_mask(spec, d, rth).any()]
    yield

    def whole(day: int) -> bool:  # a complete day that daily bars can take pre-reduced
        return whole_days and day < last_day and (day > first_day or m0 % MINUTES_PER_DAY == 0)

    for i in range(0, len(days), _CHUNK_DAYS):
        chunk = days[i : i + _CHUNK_DAYS]
        todo = [d for d in chunk if not (whole(d) and (d, rth, what) in path.history_cache)]
        summaries = dict(zip(todo, path.summaries(todo), strict=True))
        for day in chunk:
            if whole(day):
                parts.append(_session_reduced(path, day, what, rth, summaries.get(day)))
                continue
            a = max(m0 - day * MINUTES_PER_DAY, 0)
            b = min(m1 - day * MINUTES_PER_DAY + 1, MINUTES_PER_DAY)
            rows = _day_rows(path, day, a, b, what, rth, summaries.get(day))
            if rows is not None:
                parts.append(rows)
        yield
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return _Table(empty, empty, empty, empty, empty, empty, empty, empty.astype(float), empty)
    t, o, h, low, c, v, n, pv, valid = (np.concatenate(x) for x in zip(*parts, strict=True))
    if len(t) and t[-1] == m1 * 60:  # the minute in progress: only what has printed so far
        last = _second_rows(path, m1 * 60, last_s, what, rth)
        sel = last.valid
        if valid[-1] and sel.any():
            o[-1], c[-1] = last.o[sel][0], last.c[sel][-1]
            h[-1], low[-1] = last.h[sel].max(), last.l[sel].min()
            v[-1], n[-1], pv[-1] = last.v.sum(), last.n.sum(), last.pv.sum()
        else:
            valid[-1] = False
    return _Table(t, o, h, low, c, v, n, pv, valid)


def _bar_keys(path: InstrumentPath, t: IntArray, size: int, rth: bool) -> tuple[IntArray, list]:
    """Group key per row and, per key, the label (bar start epoch, or trade date)."""
    spec = path.inst.sessions
    if 0 < size <= 3600:
        keys = t // size
        return keys, []
    if 0 < size < DAY:  # 2-8 hour bars align on the exchange's local midnight
        offsets = np.array(
            [
                (datetime.fromtimestamp(int(x), spec.tz).utcoffset() or timedelta()).total_seconds()
                for x in t[:: max(1, len(t) // 512)]
            ]
        )
        off = int(np.median(offsets)) if len(offsets) else 0
        return (t + off) // size, [off]
    # daily and longer: by the trade date of the session each row belongs to
    if len(t) == 0:
        return t, []
    sessions = sessions_between(spec, float(t[0]), float(t[-1]) + 1, rth)
    starts = np.array([s.start for s in sessions])
    idx = np.searchsorted(starts, t, side="right") - 1
    dates = [s.trade_date for s in sessions]
    if size == DAY:
        return idx.astype(np.int64), dates
    if size == WEEK:
        week = np.array([d.toordinal() - d.weekday() for d in dates], dtype=np.int64)
        return week[idx], dates
    month = np.array([d.year * 12 + d.month for d in dates], dtype=np.int64)
    return month[idx], dates


def _aggregate(
    path: InstrumentPath, table: _Table, size: int, what: str, rth: bool, start: float
) -> list[BarData]:
    sel = table.valid & (table.t + (60 if size >= 60 else 1) > start)
    t = table.t[sel]
    if len(t) == 0:
        return []
    keys, labels = _bar_keys(path, t, size, rth)
    if size >= DAY or size < 0:
        session_idx = _bar_keys(path, t, DAY, rth)[0]
    breaks = np.flatnonzero(np.diff(keys)) + 1
    first = np.concatenate(([0], breaks))
    last = np.concatenate((breaks, [len(t)])) - 1
    o = table.o[sel][first]
    c = table.c[sel][last]
    h = np.maximum.reduceat(table.h[sel], first)
    low = np.minimum.reduceat(table.l[sel], first)
    half = path.tick / 2.0
    if what == "TRADES":
        v = np.add.reduceat(table.v[sel], first)
        n = np.add.reduceat(table.n[sel], first)
        pv = np.add.reduceat(table.pv[sel], first)
        wap = np.where(v > 0, pv / np.maximum(v, 1) * half, (h + low + c) / 3.0 * half)
        if path.inst.secType == "IND":
            n = np.zeros_like(n)
        vols, counts, waps = v.tolist(), n.tolist(), np.round(wap, 8).tolist()
    else:
        vols = counts = [-1] * len(first)
        waps = [-1.0] * len(first)
    if 0 < size < DAY:
        starts = keys[first] * size - (labels[0] if labels else 0)
        stamps: list[date | datetime] = [
            datetime.fromtimestamp(int(x), UTC) for x in np.maximum(starts, t[first]).tolist()
        ]
    else:
        stamps = [labels[int(i)] for i in session_idx[first].tolist()]

    def prices(x: np.ndarray) -> list[float]:
        return np.round(x * half, 10).tolist()

    return [
        BarData(d, oo, hh, ll, cc, vv, ww, nn)
        for d, oo, hh, ll, cc, vv, ww, nn in zip(
            stamps, prices(o), prices(h), prices(low), prices(c), vols, waps, counts, strict=True
        )
    ]


def check_what_to_show(path: InstrumentPath, what: str) -> str:
    what = what.strip().upper()
    inst = path.inst
    if what not in WHAT_TO_SHOW:
        raise HistoricalDataError(f"{HMDS}Invalid whatToShow: {what!r}", 321)
    if what == "TRADES" and inst.secType == "CASH":
        raise HistoricalDataError(
            f"{HMDS}No historical market data for {inst.symbol}/CASH@{inst.exchange} Last 0"
        )
    if what != "TRADES" and inst.secType == "IND":
        raise HistoricalDataError(
            f"{HMDS}No historical market data for {inst.symbol}/IND@{inst.exchange} {what} 0"
        )
    return what


def run(steps: Generator[None, None, T]) -> T:
    """The result of a stepwise computation, all steps at once."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def bar_steps(
    path: InstrumentPath,
    end: datetime | float,
    duration: str,
    bar_size: str,
    what_to_show: str,
    use_rth: bool,
) -> Generator[None, None, list[BarData]]:
    """Historical bars ending at ``end`` (the simulated "now" for an empty endDateTime), a step
    at a time: a server interleaves the steps of large requests with other work (`run` takes
    them all at once). The first step checks the request (``HistoricalDataError``)."""
    what = check_what_to_show(path, what_to_show)
    size = bar_seconds(bar_size)
    end_t = _epoch(end)
    requested = window_start(path, end_t, duration, use_rth)
    span = end_t - requested
    if 0 < size < DAY and span > MAX_INTRADAY_DAYS * DAY:
        raise HistoricalDataError(
            f"{HMDS}Historical data request for greater than 365 days rejected."
        )
    too_long = (
        (size == 1 and span > MAX_ONE_SECOND_SPAN)
        or (0 < size < 60 and span > MAX_SECONDS_BAR_SPAN)
        or (0 < size < DAY and span / size > MAX_INTRADAY_BARS)
        or ((size >= DAY or size < 0) and span > MAX_DAILY_YEARS * 366 * DAY)
    )
    if too_long:
        raise HistoricalDataError(f"{HMDS}Time length exceed max.")
    start = max(requested, head_timestamp(path, use_rth))
    span = end_t - start
    if span <= 0:
        return []
    if size < 60 and size > 0:
        table = _second_rows(path, math.ceil(start), last_second(end_t), what, use_rth)
    elif size >= DAY or size < 0:
        # Daily bars cover whole sessions: the first session may have opened before ``start``.
        first = next_session(path.inst.sessions, start, use_rth)
        table = yield from _minute_rows(
            path, min(start, first.start), end_t, what, use_rth, whole_days=True
        )
        start = min(start, first.start)
    else:
        table = yield from _minute_rows(path, start, end_t, what, use_rth)
    yield
    return _aggregate(path, table, size, what, use_rth, start)


def head_timestamp(path: InstrumentPath, use_rth: bool = False) -> float:
    """Earliest data: futures about two years before expiry, forex 2005, the rest 2004."""
    inst = path.inst
    if inst.secType == "FUT":
        ltd = datetime.strptime(inst.lastTradeDateOrContractMonth, "%Y%m%d").date()
        first = ltd - timedelta(days=730)
    elif inst.secType == "CASH":
        first = date(2005, 1, 3)
    else:
        first = date(2004, 1, 2)
    s = session_on(inst.sessions, first + timedelta(days=(7 - first.weekday()) % 7), use_rth)
    assert s is not None
    return s.start


def realtime_bar(path: InstrumentPath, bar_start: int, what_to_show: str) -> RealTimeBar | None:
    """The 5-second bar [bar_start, bar_start + 5) (None when nothing printed / closed)."""
    what = check_what_to_show(path, what_to_show)
    table = _second_rows(path, bar_start, bar_start + 4, what, False)
    sel = table.valid
    if not sel.any():
        return None
    half = path.tick / 2.0
    v = int(table.v[sel].sum()) if what == "TRADES" else -1
    wap = float(table.pv[sel].sum()) / v * half if what == "TRADES" and v > 0 else -1.0
    return RealTimeBar(
        time=datetime.fromtimestamp(bar_start, UTC),
        endTime=-1,
        open_=round(float(table.o[sel][0]) * half, 10),
        high=round(float(table.h[sel].max()) * half, 10),
        low=round(float(table.l[sel].min()) * half, 10),
        close=round(float(table.c[sel][-1]) * half, 10),
        volume=v,
        wap=round(wap, 8),
        count=int(table.n[sel].sum()) if what == "TRADES" else -1,
    )


MAX_HISTORICAL_TICKS = 1000
HistoricalTickRow = HistoricalTick | HistoricalTickBidAsk | HistoricalTickLast


def historical_ticks(
    path: InstrumentPath,
    start: datetime | float | None,
    end: datetime | float | None,
    number: int,
    what_to_show: str,
    use_rth: bool,
) -> list[HistoricalTickRow]:
    """reqHistoricalTicks: up to ``number`` (≤1000) ticks from ``start`` on, or up to ``end``.

    TRADES → HistoricalTickLast per print (its time to the millisecond; the wire carries whole
    seconds); BID_ASK → HistoricalTickBidAsk per L1 sample; MIDPOINT → HistoricalTick per
    second. Searches at most 4 days for ticks.
    """
    what = what_to_show.strip().upper()
    if what not in ("TRADES", "BID_ASK", "MIDPOINT"):
        raise HistoricalDataError(f"{HMDS}Invalid whatToShow: {what!r}", 321)
    if what == "TRADES" and not path.inst.has_trades:
        raise HistoricalDataError(f"{HMDS}No historical market data for {path.inst.symbol}")
    number = max(1, min(number, MAX_HISTORICAL_TICKS))
    forward = start is not None
    anchor = _epoch(start if start is not None else end if end is not None else 0.0)
    limit = _epoch(end) if forward and end is not None else None
    spec = path.inst.sessions
    out: list[HistoricalTickRow] = []
    minute = math.floor(anchor / 60)
    tick = path.tick
    for _ in range(4 * MINUTES_PER_DAY):
        day, m = divmod(minute, MINUTES_PER_DAY)
        if session_mask(spec, day, use_rth)[m]:
            rows = _ticks_of_minute(path, minute, what, tick)
            rows = [
                r
                for r in rows
                if (r[0] >= anchor if forward else r[0] < anchor)
                and (limit is None or r[0] < limit)
            ]
            out.extend(x[1] for x in (rows if forward else reversed(rows)))
            if len(out) >= number:
                break
        minute += 1 if forward else -1
        if limit is not None and minute * 60 > limit:
            break
    out = out[:number]
    return out if forward else out[::-1]


def _ticks_of_minute(
    path: InstrumentPath, minute: int, what: str, tick: float
) -> list[tuple[float, HistoricalTickRow]]:
    """The minute's ticks as the live feed sent them: prints at their milliseconds, BID_ASK at
    every L1 sample of the instrument's cadence, MIDPOINT once a second (it moves no faster)."""
    det = path.detail(minute)
    rows: list[tuple[float, HistoricalTickRow]] = []
    base = minute * 60
    cadence = cadence_of(path.inst)
    per_second = cadence.steps_per_second
    for sec in range(60):
        t = base + sec
        bid = int(det.bid[sec])
        if what == "TRADES":
            price = round((bid + path.spread * int(det.side[sec])) * tick, 10)
            sizes = det.print_sizes(sec).tolist()
            for size, ms in zip(sizes, det.print_ms(sec).tolist(), strict=True):
                at = t + ms / 1000
                last = HistoricalTickLast(_utc(at), TickAttribLast(), price, size, "", "")
                rows.append((at, last))
        elif what == "BID_ASK":
            bid_p, ask_p = round(bid * tick, 10), round((bid + path.spread) * tick, 10)
            for k in range(0, per_second, cadence.quote_every):
                at = t + k / per_second
                bid_size, ask_size = top_sizes(path.seed, path.inst, t * per_second + k)
                quote = HistoricalTickBidAsk(
                    _utc(at), TickAttribBidAsk(), bid_p, ask_p, bid_size, ask_size
                )
                rows.append((at, quote))
        else:
            mid = round((bid + path.spread / 2) * tick, 10)
            rows.append((t, HistoricalTick(_utc(t), mid, 0)))
    return rows


def _utc(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def session_trade_date(path: InstrumentPath, t: float) -> date:
    return local_date(path.inst.sessions, t)
