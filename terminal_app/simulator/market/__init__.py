"""The simulated market: live model, book and history over one deterministic price path.

``Market(universe, clock, seed)``:
- ``quote(conId) -> Quote`` (bid/ask/sizes/last/lastSize/volume/open/high/low/prevClose/vwap).
- ``depth(conId, rows) -> (bids, asks)`` lists of ``Level`` (best first); the order engine walks
  them for marketable orders. ``book_levels`` is the same per side.
- ``subscribe(conId, callback, depth=False) -> unsubscribe``: the callback gets ``QuoteChange``,
  ``DepthChange`` (only with ``depth=True``) and ``Trade`` events in time order; per second:
  quote, depth, then that second's prints. Outside the trading session no trades print (the
  quote stays). Only subscribed instruments cost work.
- ``step(now=None)`` advances the live state to the clock (tests drive it with a frozen clock);
  ``async run()`` does that on the loop (``stop()``, ``pause()``/``resume()``);
  ``flood(rate_per_s)`` adds that many extra quote-size events per second across subscribed
  instruments (load tests; prices and volume stay on the path).
- History: ``bars``, ``current_bar`` (keepUpToDate: the bar containing now),
  ``realtime_bar`` (5 s), ``head_timestamp``, ``historical_ticks`` — see ``market.bars`` for
  semantics and limits. Same seed and start → same history and live path; history up to "now"
  equals what the live feed printed.

Errors for refused history requests: ``HistoricalDataError`` (``code``, ``message``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ib_async import BarData, RealTimeBar

from terminal_app.simulator.clock import SimClock
from terminal_app.simulator.market import bars as history
from terminal_app.simulator.market.bars import HistoricalDataError, HistoricalTickRow, last_second
from terminal_app.simulator.market.book import Book, DepthOp, Level, top_sizes
from terminal_app.simulator.market.calendar import is_open, previous_session, session_at
from terminal_app.simulator.market.instruments import Instrument, Universe
from terminal_app.simulator.market.price_path import InstrumentPath

__all__ = [
    "DepthChange",
    "DepthOp",
    "HistoricalDataError",
    "Level",
    "Market",
    "MarketEvent",
    "Quote",
    "QuoteChange",
    "Trade",
]

log = logging.getLogger(__name__)

MAX_CATCH_UP_SECONDS = 30  # per step; a faster clock skips the rest (stats stay exact)
_IDLE_SLEEP = 0.25
_FLOOD_STEP = 0.005


@dataclass(frozen=True)
class Trade:
    conId: int
    time: float  # epoch seconds
    price: float
    size: float
    volume: float  # session volume including this print
    vwap: float


@dataclass(frozen=True)
class QuoteChange:
    conId: int
    time: float
    bid: float
    ask: float
    bidSize: float
    askSize: float


@dataclass(frozen=True)
class DepthChange:
    conId: int
    time: float
    ops: tuple[DepthOp, ...]


MarketEvent = Trade | QuoteChange | DepthChange
Callback = Callable[[MarketEvent], None]


@dataclass(frozen=True)
class Quote:
    conId: int
    time: float
    bid: float
    ask: float
    bidSize: float
    askSize: float
    last: float
    lastSize: float
    lastTime: float
    volume: float
    open: float
    high: float
    low: float
    prevClose: float
    vwap: float


@dataclass
class _Stats:
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


@dataclass
class _Live:
    """Live state of one subscribed instrument."""

    path: InstrumentPath
    book: Book
    second: int
    stats: _Stats
    quoted_second: int = 0  # the second the quote (and so the book) shows: frozen between sessions
    bid: float = math.nan
    ask: float = math.nan
    bid_size: float = 0.0
    ask_size: float = 0.0
    resync: bool = False
    callbacks: list[Callback] = field(default_factory=list)
    depth_callbacks: list[Callback] = field(default_factory=list)
    # depth() without a depth subscriber: the book of one second, built on first request
    rows: tuple[int, list[Level], list[Level]] | None = None


class Market:
    def __init__(self, universe: Universe, clock: SimClock, seed: int = 7) -> None:
        self.universe = universe
        self.clock = clock
        self.seed = seed
        self._paths: dict[int, InstrumentPath] = {}
        self._snapshots: dict[int, tuple[int, Quote]] = {}
        self._live: dict[int, _Live] = {}
        self._paused = False
        self._stopping: asyncio.Event | None = None
        self._flood_rate = 0.0
        self._flood_credit = 0.0
        self._flood_rng = random.Random(seed)
        self._flood_cursor = 0
        self._last_real: float | None = None

    # --- instruments and paths ------------------------------------------------------------------

    def instrument(self, con_id: int) -> Instrument:
        inst = self.universe.get(con_id)
        if inst is None:
            raise KeyError(f"unknown conId {con_id}")
        return inst

    def path(self, con_id: int) -> InstrumentPath:
        p = self._paths.get(con_id)
        if p is None:
            p = self._paths[con_id] = InstrumentPath(self.seed, self.instrument(con_id))
        return p

    # --- snapshots ------------------------------------------------------------------------------

    def quote(self, con_id: int) -> Quote:
        live = self._live.get(con_id)
        now = self.clock.epoch()
        if live is None:
            second = last_second(now)
            cached = self._snapshots.get(con_id)
            if cached is not None and cached[0] == second:
                return cached[1]
            quote = self._quote_at(con_id, second, now)
        else:
            stats = live.stats
            quote = _quote(con_id, now, stats, live.bid, live.ask, live.bid_size, live.ask_size)
        if live is None:  # snapshots of unwatched instruments are rebuilt once per second
            if len(self._snapshots) > 4096:
                self._snapshots.clear()
            self._snapshots[con_id] = (last_second(now), quote)
        return quote

    def delayed_quote(self, con_id: int, delay_s: float) -> Quote:
        """The quote as it stood `delay_s` simulated seconds ago (IB's delayed data)."""
        t = self.clock.epoch() - delay_s
        return self._quote_at(con_id, last_second(t), t)

    def _quote_at(self, con_id: int, second: int, now: float) -> Quote:
        path = self.path(con_id)
        stats = self._session_stats(path, second)
        shown = _shown_second(path.inst, second)
        bid_size, ask_size = self._top_sizes(path, shown)
        bid, ask = self._quote_prices(path, path.bid_ticks(shown))
        return _quote(con_id, now, stats, bid, ask, bid_size, ask_size)

    def depth(self, con_id: int, rows: int = 10) -> tuple[list[Level], list[Level]]:
        """(bids, asks) best first, at most ``rows`` each: the book behind the quote on show (for
        a watched instrument the second the feed is delivering; between sessions the last second
        of the previous one), so its top always matches ``quote()``."""
        path = self.path(con_id)
        if not path.inst.has_depth:
            return [], []
        live = self._live.get(con_id)
        if live is not None and live.depth_callbacks:
            bids, asks = live.book.bids, live.book.asks
        elif live is not None and live.rows is not None and live.rows[0] == live.quoted_second:
            bids, asks = live.rows[1], live.rows[2]
        else:
            if live is not None:
                second = live.quoted_second
            else:
                second = _shown_second(path.inst, last_second(self.clock.epoch()))
            bids, asks = Book(self.seed, path.inst).snapshot(
                second, path.bid_ticks(second), path.spread
            )
            if live is not None:
                live.rows = (second, bids, asks)
        return bids[:rows], asks[:rows]

    def book_levels(self, con_id: int, side: str) -> list[Level]:
        """Resting liquidity a BUY ("ASK" side) or SELL ("BID" side) order would walk."""
        bids, asks = self.depth(con_id, 1000)
        return asks if side.upper() in ("ASK", "BUY", "BOT") else bids

    def is_open(self, con_id: int, rth: bool = False, t: float | None = None) -> bool:
        inst = self.instrument(con_id)
        return is_open(inst.sessions, self.clock.epoch() if t is None else t, rth)

    # --- history --------------------------------------------------------------------------------

    def bars(
        self,
        con_id: int,
        end: datetime | float | None,
        duration: str,
        bar_size: str,
        what_to_show: str,
        use_rth: bool,
    ) -> list[BarData]:
        now = self.clock.epoch()
        end_t = now if end is None else min(history._epoch(end), now)
        return history.bars(self.path(con_id), end_t, duration, bar_size, what_to_show, use_rth)

    def current_bar(
        self, con_id: int, bar_size: str, what_to_show: str, use_rth: bool
    ) -> BarData | None:
        """keepUpToDate: the bar containing now, as far as it has printed."""
        size = history.bar_seconds(bar_size)
        duration = "1 D" if size < 0 or size >= history.DAY else f"{max(size, 60) * 2} S"
        result = self.bars(con_id, None, duration, bar_size, what_to_show, use_rth)
        return result[-1] if result else None

    def realtime_bar(self, con_id: int, bar_start: int, what_to_show: str) -> RealTimeBar | None:
        return history.realtime_bar(self.path(con_id), bar_start, what_to_show)

    def head_timestamp(self, con_id: int, what_to_show: str, use_rth: bool) -> datetime:
        path = self.path(con_id)
        history.check_what_to_show(path, what_to_show)
        return datetime.fromtimestamp(history.head_timestamp(path, use_rth), UTC)

    def historical_ticks(
        self,
        con_id: int,
        start: datetime | float | None,
        end: datetime | float | None,
        number: int,
        what_to_show: str,
        use_rth: bool,
    ) -> list[HistoricalTickRow]:
        now = self.clock.epoch()
        if start is None and end is None:
            end = now
        if end is not None:
            end = min(history._epoch(end), now)
        return history.historical_ticks(
            self.path(con_id), start, end, number, what_to_show, use_rth
        )

    # --- live -----------------------------------------------------------------------------------

    def subscribe(self, con_id: int, callback: Callback, depth: bool = False) -> Callable[[], None]:
        """Send this instrument's events to ``callback`` until the returned function is called."""
        live = self._live.get(con_id)
        if live is None:
            live = self._start_live(con_id)
        if depth and not live.depth_callbacks and live.path.inst.has_depth:
            # the book only moves while someone watches depth: bring it to the feed's second
            path = live.path
            second = live.quoted_second
            live.book.advance(second, path.bid_ticks(second), path.spread)
        target = live.depth_callbacks if depth else live.callbacks
        target.append(callback)

        def unsubscribe() -> None:
            if callback in target:
                target.remove(callback)
            if not live.callbacks and not live.depth_callbacks:
                self._live.pop(con_id, None)

        return unsubscribe

    def watched(self) -> list[int]:
        return list(self._live)

    def _start_live(self, con_id: int) -> _Live:
        path = self.path(con_id)
        second = last_second(self.clock.epoch())
        live = _Live(path, Book(self.seed, path.inst), second, self._session_stats(path, second))
        shown = live.quoted_second = _shown_second(path.inst, second)
        self._set_quote(live, shown)
        if path.inst.has_depth:
            live.book.advance(shown, path.bid_ticks(shown), path.spread)
        self._live[con_id] = live
        return live

    def _quote_prices(self, path: InstrumentPath, bid_ticks: int) -> tuple[float, float]:
        if path.inst.secType == "IND":
            return math.nan, math.nan
        return path.price(bid_ticks), path.price(bid_ticks + path.spread)

    def _top_sizes(self, path: InstrumentPath, second: int) -> tuple[float, float]:
        if not path.inst.has_depth:
            return 0.0, 0.0
        b, a = top_sizes(self.seed, path.inst, second)
        return float(b), float(a)

    def _set_quote(self, live: _Live, second: int) -> bool:
        path = live.path
        bid, ask = self._quote_prices(path, path.bid_ticks(second))
        bid_size, ask_size = self._top_sizes(path, second)
        changed = (bid, ask, bid_size, ask_size) != (
            live.bid,
            live.ask,
            live.bid_size,
            live.ask_size,
        )
        live.bid, live.ask, live.bid_size, live.ask_size = bid, ask, bid_size, ask_size
        return changed and path.inst.secType != "IND"

    def _session_stats(self, path: InstrumentPath, second: int) -> _Stats:
        """Statistics of the session in progress at ``second`` (of the last one between them)."""
        inst = path.inst
        spec = inst.sessions
        what = "TRADES" if inst.has_trades else "MIDPOINT"
        stats = _Stats()
        session = session_at(spec, second, False) or previous_session(spec, second, False)
        stats.trade_date = session.trade_date
        today = history.bars(path, min(second + 1, session.end), "1 D", "1 day", what, False)
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
        closing = history.bars(path, prev.end, "1 D", "1 day", what, True)
        if closing:
            stats.prev_close = closing[-1].close
        return stats

    def step(self, now: float | None = None) -> int:
        """Advance every subscribed instrument to ``now`` (default: the clock); return events."""
        t = self.clock.epoch() if now is None else now
        target = last_second(t)
        emitted = 0
        if self._paused:
            for live in self._live.values():
                live.second = target
                live.resync = True
            return 0
        for live in list(self._live.values()):
            if target <= live.second:
                continue
            first = live.second + 1
            if target - first >= MAX_CATCH_UP_SECONDS:
                first = target - MAX_CATCH_UP_SECONDS + 1
                live.resync = True
            if live.resync:  # seconds were skipped: take the session figures from history
                live.stats = self._session_stats(live.path, first - 1)
                live.resync = False
            for second in range(first, target + 1):
                live.second = second  # subscribers reading depth() see this second's book
                emitted += self._emit_second(live, second)
        emitted += self._flood(t)
        return emitted

    def _emit_second(self, live: _Live, second: int) -> int:
        path = live.path
        inst = path.inst
        conid = inst.conId
        spec = inst.sessions
        quoted = is_open(spec, second, False)
        if quoted:
            live.quoted_second = second
        quotes: list[MarketEvent] = []
        if quoted and self._set_quote(live, second):
            quotes.append(
                QuoteChange(conid, float(second), live.bid, live.ask, live.bid_size, live.ask_size)
            )
        depth: list[MarketEvent] = []
        if quoted and live.depth_callbacks and inst.has_depth:
            ops = live.book.advance(second, path.bid_ticks(second), path.spread)
            if ops:
                depth.append(DepthChange(conid, float(second), tuple(ops)))
        trades = self._prints(live, second)
        if not trades and second % 60 == 0 and quoted:
            session = session_at(spec, second, False)
            if session is not None and session.trade_date != live.stats.trade_date:
                live.stats = self._session_stats(path, second)  # a new session began
        for cb in live.callbacks:
            for ev in quotes + trades:
                self._deliver(cb, ev)
        for cb in live.depth_callbacks:
            for ev in quotes + depth + trades:
                self._deliver(cb, ev)
        return len(quotes) + len(depth) + len(trades)

    def _prints(self, live: _Live, second: int) -> list[MarketEvent]:
        path = live.path
        inst = path.inst
        minute, sec = divmod(second, 60)
        det = path.detail(minute)
        if not det.prints[sec]:
            return []
        stats = live.stats
        session = session_at(inst.sessions, second, False)
        if session is not None and session.trade_date != stats.trade_date:
            # a new session: yesterday's figures become the reference, today's start empty
            live.stats = stats = self._session_stats(path, second)
            stats.open = stats.high = stats.low = math.nan
            stats.volume = stats.pv = 0.0
        price = path.price(int(det.bid[sec]) + path.spread * int(det.side[sec]))
        out: list[MarketEvent] = []
        for size in det.print_sizes(sec).tolist():
            stats.volume += size
            stats.pv += price * size
            if math.isnan(stats.open):
                stats.open = stats.high = stats.low = price
            stats.high = max(stats.high, price)
            stats.low = min(stats.low, price)
            if inst.secType == "IND" and price == stats.last:
                continue
            stats.last, stats.last_size, stats.last_time = price, float(size), float(second)
            out.append(
                Trade(inst.conId, float(second), price, float(size), stats.volume, stats.vwap)
            )
        return out

    @staticmethod
    def _deliver(cb: Callback, ev: MarketEvent) -> None:
        try:
            cb(ev)
        except Exception:
            log.exception("market event subscriber failed")

    # --- flood, run loop ------------------------------------------------------------------------

    def flood(self, rate_per_s: float) -> None:
        """Add ``rate_per_s`` extra quote-size events per host second (0 turns it off)."""
        self._flood_rate = max(0.0, float(rate_per_s))
        self._flood_credit = 0.0
        self._last_real = None

    def _flood(self, t: float) -> int:
        if not self._flood_rate or not self._live:
            return 0
        real = time.monotonic()
        if self._last_real is None:
            self._last_real = real
            return 0
        self._flood_credit += (real - self._last_real) * self._flood_rate
        self._last_real = real
        n = int(self._flood_credit)
        self._flood_credit -= n
        lives = list(self._live.values())
        rng = self._flood_rng
        for _ in range(n):
            live = lives[self._flood_cursor % len(lives)]
            self._flood_cursor += 1
            if live.path.inst.secType == "IND":
                continue
            unit = live.bid_size / 10 or 1.0
            live.bid_size = max(unit, live.bid_size + unit * rng.choice((-1, 1)))
            live.ask_size = max(unit, live.ask_size + unit * rng.choice((-1, 1)))
            ev = QuoteChange(
                live.path.inst.conId, t, live.bid, live.ask, live.bid_size, live.ask_size
            )
            for cb in live.callbacks:
                self._deliver(cb, ev)
            for cb in live.depth_callbacks:
                self._deliver(cb, ev)
        return n

    def pause(self) -> None:
        """Stop emitting (the clock runs on; on resume the feed continues from "now")."""
        self._paused = True

    def resume(self) -> None:
        self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    async def run(self) -> None:
        """Advance with the clock until ``stop()``; sleeps to the next simulated second."""
        self._stopping = asyncio.Event()
        stopping = self._stopping
        while not stopping.is_set():
            self.step()
            wait = self.clock.real_seconds_until(math.floor(self.clock.epoch()) + 1.001)
            wait = min(wait, _IDLE_SLEEP)
            if self._flood_rate and self._live:
                wait = min(wait, _FLOOD_STEP)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=max(wait, 0.001))

    def stop(self) -> None:
        if self._stopping is not None:
            self._stopping.set()


def _shown_second(inst: Instrument, second: int) -> int:
    """The second whose quote is on show during ``second``: itself while the instrument trades,
    else the last second of its previous session (quotes freeze between sessions)."""
    if is_open(inst.sessions, second, False):
        return second
    return last_second(previous_session(inst.sessions, second, False).end)


def _quote(
    con_id: int,
    now: float,
    stats: _Stats,
    bid: float,
    ask: float,
    bid_size: float,
    ask_size: float,
) -> Quote:
    return Quote(
        conId=con_id,
        time=now,
        bid=bid,
        ask=ask,
        bidSize=bid_size,
        askSize=ask_size,
        last=stats.last,
        lastSize=stats.last_size,
        lastTime=stats.last_time,
        volume=stats.volume,
        open=stats.open,
        high=stats.high,
        low=stats.low,
        prevClose=stats.prev_close,
        vwap=stats.vwap,
    )
