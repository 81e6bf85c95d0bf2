"""The seeded price process: any moment of any instrument's history, computed on demand.

Same seed → same path, and the path at a time never depends on what was asked before, so history
(any window, any bar size) and the live feed are two views of one function of time:

1. **Daily anchors** (log price at 00:00 UTC of each day ``d``): a mean-reverting walk around the
   path's reference price, written as a truncated moving average of daily shocks
   (``σ_d Σ φ^j ε_{d-j}``), so one day needs 512 shocks, never a simulation from an epoch. Shocks
   come from a counter-based RNG (Philox keyed by seed and path, counter = block index), computed
   in aligned 64-day blocks so a value is bit-identical however it was reached.
2. **Minute levels**: a variance-weighted Brownian bridge between consecutive anchors (higher
   variance in US cash hours), from the RNG keyed by (path, day). Several instruments can share a
   path (ES, MES, SPY, SPX…) scaled by a factor, each rounded to its own tick.
3. **Minute summary per instrument** (``DaySummary``): bid in ticks at each minute's open
   (``o``) and close (``c`` = next minute's open), excursions ``h``/``l`` beyond them, trade
   sides of the first and last second, volume (U-shaped intraday profile, zero outside the
   trading session) and print count. Bars of a minute and above aggregate these arrays.
4. **Second detail** (``MinuteDetail``) for one minute: a bridge from ``o`` to ``c`` clipped into
   [l, h] and touching both at interior seconds, trade sides (buy at the high, sell at the low),
   and the prints (count, sizes summing exactly to the minute's volume, and each print's
   millisecond inside its second). Live ticks, second bars, historical ticks and the current
   partial minute come from it, so the minute summary and the second detail agree exactly on
   open/high/low/close/volume/count.

Prices: the bid is the path value in ticks; ask = bid + spread; trades print at bid or ask;
midpoint = bid + spread/2. The price of second ``s`` holds for all of [s, s + 1); a print of
second ``s`` happens at ``s + ms / 1000`` (``MinuteDetail.print_ms``).
Book sizes are stateless too: a hash of (seed, conId, level, time bucket).
"""

from __future__ import annotations

import functools
import math
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from terminal_app.simulator.holidays import year_rules
from terminal_app.simulator.market.calendar import SessionSpec, sessions_between, zone
from terminal_app.simulator.market.instruments import Instrument

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DAY = 86400
MINUTES_PER_DAY = 1440
_BLOCK = 64  # days per anchor block
_KERNEL = 512  # days of shocks per anchor
_PHI = 0.99  # daily mean reversion (half-life ~69 days)
_WEIGHTS = _PHI ** np.arange(_KERNEL, dtype=np.float64)
_MAX_PRINTS_PER_MINUTE = 120
_PRINT_UNIT = {"STK": 100, "FUT": 1}
_EXTENDED_VOLUME_WEIGHT = {"STK": 0.02, "FUT": 0.15}
_OFF_HOURS_VARIANCE = 0.25  # variance weight of a minute outside US cash hours


def stable_hash(text: str) -> int:
    return zlib.crc32(text.encode())


def _rng(seed: int, key: int, stream: int, index: int) -> np.random.Generator:
    return np.random.Generator(
        np.random.Philox(counter=[0, 0, stream, index & 0xFFFFFFFFFFFFFFFF], key=[seed, key])
    )


_MASK64 = 0xFFFFFFFFFFFFFFFF


def _hash_seed(seed: int, key: int, salt: int) -> int:
    return (seed * 0x632BE59BD9B4E019 + key * 0x85EBCA77 + salt) & _MASK64


def hash_uniform(seed: int, key: int, salt: int, index: IntArray) -> FloatArray:
    """Uniform [0, 1) per index (splitmix64): cheap stateless noise for book sizes."""
    x = index.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # wraps mod 2**64
    x ^= np.uint64(_hash_seed(seed, key, salt))
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def hash_uniform_one(seed: int, key: int, salt: int, index: int) -> float:
    """``hash_uniform`` for one index, in plain Python (same value, no numpy overhead)."""
    x = (index * 0x9E3779B97F4A7C15) & _MASK64
    x ^= _hash_seed(seed, key, salt)
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _MASK64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _MASK64
    x ^= x >> 31
    return (x >> 11) / float(1 << 53)


# --- shared path (per path key) -------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _anchor_block(seed: int, key: int, vol: float, block: int) -> FloatArray:
    """Log-level offsets (around 0) of days [block*64, block*64+64)."""
    first = block * _BLOCK - (_KERNEL - 1)
    nblocks = _KERNEL // _BLOCK + 1
    shocks = np.concatenate(
        [
            _rng(seed, key, 0, b).standard_normal(_BLOCK)
            for b in range(first // _BLOCK, first // _BLOCK + nblocks + 1)
        ]
    )
    offset = first - (first // _BLOCK) * _BLOCK
    window = shocks[offset : offset + _KERNEL - 1 + _BLOCK]
    sigma = vol / math.sqrt(365.0)
    return sigma * np.convolve(window, _WEIGHTS, mode="valid")


def anchor(seed: int, key: int, vol: float, day: int) -> float:
    return float(_anchor_block(seed, key, vol, day // _BLOCK)[day % _BLOCK])


@functools.lru_cache(maxsize=4096)
def _new_york_offset_minutes(day: int) -> int:
    noon = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=day, hours=12)
    offset = noon.astimezone(zone("US/Eastern")).utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


@functools.lru_cache(maxsize=4)
def _profile(offset_min: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(weights, their square roots, cumulative fraction at each minute boundary)."""
    local_minute = (np.arange(MINUTES_PER_DAY) + offset_min) % MINUTES_PER_DAY
    w = np.where((local_minute >= 570) & (local_minute < 960), 1.0, _OFF_HOURS_VARIANCE)
    w = w / w.sum()
    frac = np.concatenate(([0.0], np.cumsum(w)))
    frac[-1] = 1.0
    return w, np.sqrt(w), frac


def variance_profile(day: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-minute variance weights of UTC ``day`` (sum 1; US cash hours move most), their
    square roots and the cumulative fraction at each minute boundary."""
    return _profile(_new_york_offset_minutes(day))


# --- sessions as minute masks ---------------------------------------------------------------


Shape = tuple[Any, ...]


@functools.lru_cache(maxsize=65536)
def _day_shape(tz_id: str, calendar: str, day: int) -> Shape:
    """What decides a UTC day's session layout: the weekday, the zone's UTC offsets around it,
    and the exchange's holidays and early closes on the dates it touches (two Fridays share a
    layout unless one of them closes early)."""
    tz = zone(tz_id)

    def offset(d: int) -> int:
        noon = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=d, hours=12)
        return int((noon.astimezone(tz).utcoffset() or timedelta()).total_seconds())

    exceptions: tuple[Any, ...] = ()
    if calendar:
        dates = [date(1970, 1, 1) + timedelta(days=d) for d in (day - 1, day, day + 1, day + 2)]
        rules = [year_rules(calendar, d.year) for d in dates]
        exceptions = tuple(
            (d in r.holidays, r.early_closes.get(d)) for d, r in zip(dates, rules, strict=True)
        )
    return day % 7, offset(day - 1), offset(day), offset(day + 1), exceptions


_MASKS: dict[tuple[SessionSpec, bool, Shape], BoolArray] = {}
_PROFILES: dict[tuple[SessionSpec, float, Shape], FloatArray] = {}


def session_mask(spec: SessionSpec, day: int, rth: bool) -> BoolArray:
    """Minutes of UTC ``day`` whose start lies inside a session (read-only, shared)."""
    key = (spec, rth, _day_shape(spec.timeZoneId, spec.calendar, day))
    mask = _MASKS.get(key)
    if mask is None:
        t0 = day * DAY
        mask = np.zeros(MINUTES_PER_DAY, dtype=bool)
        for s in sessions_between(spec, t0, t0 + DAY, rth):
            a = max(0, math.ceil((s.start - t0) / 60))
            b = min(MINUTES_PER_DAY, math.ceil((s.end - t0) / 60))
            mask[a:b] = True
        mask.flags.writeable = False
        _MASKS[key] = mask
    return mask


def volume_profile(spec: SessionSpec, day: int, extended_weight: float) -> FloatArray:
    """Share of a trade date's volume in each minute: U-shaped over the liquid session."""
    key = (spec, extended_weight, _day_shape(spec.timeZoneId, spec.calendar, day))
    w = _PROFILES.get(key)
    if w is None:
        t0 = day * DAY
        liquid = session_mask(spec, day, True)
        trading = session_mask(spec, day, False)
        w = np.where(trading, extended_weight / 390.0, 0.0)
        for s in sessions_between(spec, t0, t0 + DAY, True):
            length = (s.end - s.start) / 60
            x = (np.arange(MINUTES_PER_DAY) + (t0 - s.start) / 60) / length
            inside = liquid & (x >= 0) & (x < 1)
            shape = 0.6 + 2.2 * np.exp(-8 * x) + 1.2 * np.exp(-10 * (1 - x))
            w = np.where(inside, shape / length, w)
        w.flags.writeable = False
        _PROFILES[key] = w
    return w


# --- per instrument --------------------------------------------------------------------------


@dataclass(frozen=True)
class DaySummary:
    """One UTC day of an instrument, minute by minute (bids in ticks)."""

    p: IntArray  # bid at each minute boundary, 1441 values: o = p[:-1], c = p[1:]
    up: IntArray  # ticks the minute's high lies above max(o, c)
    down: IntArray  # ticks the minute's low lies below min(o, c)
    side_open: IntArray  # 1 = the first second's trades were buys (at the ask)
    side_close: IntArray
    volume: IntArray
    count: IntArray  # trade prints in the minute (0 outside the trading session)
    quoted: BoolArray  # minute inside the trading session (quotes and MIDPOINT/BID/ASK bars)

    @property
    def o(self) -> IntArray:
        return self.p[:-1]

    @property
    def c(self) -> IntArray:
        return self.p[1:]

    @property
    def h(self) -> IntArray:
        return np.maximum(self.p[:-1], self.p[1:]) + self.up

    @property
    def l(self) -> IntArray:  # noqa: E743 - OHLC naming
        return np.minimum(self.p[:-1], self.p[1:]) - self.down


@dataclass(frozen=True)
class MinuteDetail:
    """Second by second inside one minute."""

    bid: IntArray  # 60 bids in ticks
    side: IntArray  # 60 trade sides (1 buy at the ask, 0 sell at the bid)
    prints: IntArray  # 60 print counts
    volume: IntArray  # 60 traded volumes
    sizes: IntArray  # every print's size in time order (``prints`` per second)
    ms: IntArray  # every print's millisecond inside its second (ascending within a second)

    def print_sizes(self, second: int) -> IntArray:
        return self._of_second(self.sizes, second)

    def print_ms(self, second: int) -> IntArray:
        return self._of_second(self.ms, second)

    def _of_second(self, per_print: IntArray, second: int) -> IntArray:
        start = int(self.prints[:second].sum())
        return per_print[start : start + int(self.prints[second])]


class _Lru(OrderedDict[Any, Any]):
    """A small LRU shared by all instruments so memory stays bounded however many are charted."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: Any, value: Any) -> None:
        self[key] = value
        if len(self) > self.limit:
            self.popitem(last=False)

    def hit(self, key: Any) -> Any:
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value


_DAY_CACHE = _Lru(512)  # ~43 KB a day
_MINUTE_CACHE = _Lru(8192)  # ~3.5 KB a minute
_BATCH_DAYS = 128


class InstrumentPath:
    """One instrument's view of the shared path (days and minutes cached, LRU)."""

    def __init__(self, seed: int, inst: Instrument) -> None:
        self.seed = seed
        self.inst = inst
        self.tick = inst.minTick
        self.spread = inst.spread_ticks
        self._path_key = stable_hash(inst.path_key)
        self._own_key = inst.conId & 0xFFFFFFFF
        self._log_ref = math.log(inst.ref_price * inst.price_factor / inst.minTick)
        self._prints = inst.has_trades and inst.secType in _PRINT_UNIT
        self.history_cache: dict[tuple[int, bool, str], Any] = {}
        """Scratch space of the bar builder (per-session aggregates of whole days)."""

    def summary(self, day: int) -> DaySummary:
        return self.summaries([day])[0]

    def summaries(self, days: list[int]) -> list[DaySummary]:
        """Summaries of ``days``; missing ones are computed together (vectorized)."""
        ident = (self.seed, self.inst.conId)
        found = {d: _DAY_CACHE.hit((*ident, d)) for d in days}
        missing = [d for d, v in found.items() if v is None]
        for i in range(0, len(missing), _BATCH_DAYS):
            chunk = missing[i : i + _BATCH_DAYS]
            for d, summary in zip(chunk, self._compute_summaries(chunk), strict=True):
                found[d] = summary
                _DAY_CACHE.put((*ident, d), summary)
        return [found[d] for d in days]

    def _compute_summaries(self, days: list[int]) -> list[DaySummary]:
        inst = self.inst
        n = len(days)
        sigma = inst.volatility / math.sqrt(365.0)
        a0 = np.array([anchor(self.seed, self._path_key, inst.volatility, d) for d in days])
        a1 = np.array([anchor(self.seed, self._path_key, inst.volatility, d + 1) for d in days])
        profiles = [variance_profile(d) for d in days]
        sqrt_w = np.stack([pr[1] for pr in profiles])
        frac = np.stack([pr[2] for pr in profiles])
        shocks = np.empty((n, MINUTES_PER_DAY))
        u = np.empty((n, 4, MINUTES_PER_DAY))
        noise = np.empty((n, MINUTES_PER_DAY))
        for i, d in enumerate(days):
            shocks[i] = _rng(self.seed, self._path_key, 1, d).standard_normal(MINUTES_PER_DAY)
            rng = _rng(self.seed, self._own_key, 2, d)
            u[i] = rng.random((4, MINUTES_PER_DAY))
            if self._prints:
                noise[i] = rng.standard_normal(MINUTES_PER_DAY)
        # minute levels: a variance-weighted bridge between the day's anchors
        walk = np.zeros((n, MINUTES_PER_DAY + 1))
        np.cumsum(shocks * sqrt_w, axis=1, out=walk[:, 1:])
        walk *= sigma
        levels = a0[:, None] + frac * (a1 - a0 - walk[:, -1])[:, None] + walk
        p = np.rint(np.exp(self._log_ref + levels)).astype(np.int64)
        # excursions beyond the minute's open/close: exponential, mean half a minute's stdev
        sigma_ticks = math.exp(self._log_ref) * sigma * sqrt_w
        up = (-np.log1p(-u[:, 0]) * (0.5 * sigma_ticks)).astype(np.int32)
        down = (-np.log1p(-u[:, 1]) * (0.5 * sigma_ticks)).astype(np.int32)
        sides = (u[:, 2:] < 0.5).astype(np.int8)
        quoted = np.stack([session_mask(inst.sessions, d, False) for d in days])
        if self._prints:
            weight = _EXTENDED_VOLUME_WEIGHT.get(inst.secType, 0.1)
            share = np.stack([volume_profile(inst.sessions, d, weight) for d in days])
            unit = _PRINT_UNIT[inst.secType]
            lots = np.rint(inst.adv * share * np.exp(noise * 0.5 - 0.125) / unit).astype(np.int64)
            count = np.clip(lots // 3, 4, _MAX_PRINTS_PER_MINUTE)
            volume = np.where(quoted, np.maximum(lots, count) * unit, 0)
            count = np.where(quoted, count, 0).astype(np.int32)
        elif inst.secType == "IND":  # a value update every second, no volume
            volume = np.zeros((n, MINUTES_PER_DAY), dtype=np.int64)
            count = np.where(quoted, 60, 0).astype(np.int32)
        else:  # forex: quotes only
            volume = np.zeros((n, MINUTES_PER_DAY), dtype=np.int64)
            count = np.zeros((n, MINUTES_PER_DAY), dtype=np.int32)
        return [
            DaySummary(
                p[i], up[i], down[i], sides[i, 0], sides[i, 1], volume[i], count[i], quoted[i]
            )
            for i in range(n)
        ]

    def detail(self, minute: int) -> MinuteDetail:
        key = (self.seed, self.inst.conId, minute)
        hit: MinuteDetail | None = _MINUTE_CACHE.hit(key)
        if hit is None:
            hit = self._compute_detail(minute)
            _MINUTE_CACHE.put(key, hit)
        return hit

    def _compute_detail(self, minute: int) -> MinuteDetail:
        day, m = divmod(minute, MINUTES_PER_DAY)
        s = self.summary(day)
        o, c = int(s.p[m]), int(s.p[m + 1])
        hi = max(o, c) + int(s.up[m])
        lo = min(o, c) - int(s.down[m])
        rng = _rng(self.seed, self._own_key, 3, minute)
        frac = np.arange(60) / 59.0
        walk = np.concatenate(([0.0], np.cumsum(rng.standard_normal(59))))
        dev = walk - walk[-1] * frac
        line = o + (c - o) * frac
        i_hi = 1 + int(np.argmax(dev[1:59]))
        i_lo = 1 + int(np.argmin(dev[1:59]))
        if i_lo == i_hi:
            i_lo = 1 + (i_hi % 58)
        # Stretch the bridge's excursions so it reaches the minute's high and low smoothly.
        up = (hi - line[i_hi]) / dev[i_hi] if dev[i_hi] > 0 else 0.0
        down = (line[i_lo] - lo) / -dev[i_lo] if dev[i_lo] < 0 else 0.0
        path = line + up * np.maximum(dev, 0.0) + down * np.minimum(dev, 0.0)
        bid = np.clip(np.rint(path), lo, hi).astype(np.int64)
        bid[0], bid[59] = o, c
        bid[i_hi], bid[i_lo] = hi, lo
        side = rng.integers(0, 2, size=60, dtype=np.int64)
        side[0], side[59] = s.side_open[m], s.side_close[m]
        side[i_hi], side[i_lo] = 1, 0
        count = int(s.count[m])
        prints = np.zeros(60, dtype=np.int64)
        sizes = np.zeros(0, dtype=np.int64)
        if count:
            prints[[0, 59, i_hi, i_lo]] = 1
            if count > 4:
                prints += np.bincount(rng.integers(0, 60, size=count - 4), minlength=60)
            unit = _PRINT_UNIT.get(self.inst.secType, 1)
            lots = int(s.volume[m]) // unit
            if lots:
                weights = np.cumsum(rng.random(count))
                extra = np.floor(weights / weights[-1] * (lots - count) + 1e-9)
                sizes = (1 + np.diff(np.concatenate(([0.0], extra)))).astype(np.int64) * unit
            else:
                sizes = np.zeros(count, dtype=np.int64)
        owner = np.repeat(np.arange(60), prints)
        volume = np.bincount(owner, weights=sizes, minlength=60).astype(np.int64)
        # drawn last, so the path, sides and sizes are those of the whole-second model
        ms = rng.integers(0, 1000, size=len(sizes), dtype=np.int64)
        ms = ms[np.lexsort((ms, owner))]  # owner ascends already: sorts within each second
        return MinuteDetail(bid, side, prints, volume, sizes, ms)

    # --- point queries ---------------------------------------------------------------------------

    def bid_ticks(self, t: float) -> int:
        """The bid (in ticks) during second ``floor(t)``."""
        second = math.floor(t)
        minute, sec = divmod(second, 60)
        return int(self.detail(minute).bid[sec])

    def price(self, ticks: float) -> float:
        """Ticks → price, rounded to clean decimals (0.1 + 0.2 noise never reaches the wire)."""
        return round(ticks * self.tick, 10)
