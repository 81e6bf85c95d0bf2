"""The live feed: what each subscribed instrument does, inside every second, in time order.

For each second an instrument is watched, its **schedule** lists the book steps of its cadence
(``market.cadence``: L1 samples only, unless someone watches its depth) and the second's prints
at their own milliseconds (``MinuteDetail.ms``); ``Feed.step(t)`` emits everything timed before
``t``. A step moves the book (depth subscribers get the per-position diff) and, on L1 samples,
the quote (a ``QuoteChange`` when it changed); a print updates the session statistics and sends
a ``Trade``. Events at the same time go quote, depth, print. Everything is a function of the
path and the step/print times, so the live feed equals history (``market.bars``) to the
millisecond. Outside the trading session there are no steps (the quote freezes) and no prints.
Only subscribed instruments cost work; ``next_event_time`` tells the driver when to wake.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from terminal_app.simulator.clock import SimClock
from terminal_app.simulator.market.bars import last_second
from terminal_app.simulator.market.book import Book, Level, top_sizes
from terminal_app.simulator.market.cadence import Cadence, cadence_of
from terminal_app.simulator.market.calendar import is_open, previous_session, session_at
from terminal_app.simulator.market.events import (
    Callback,
    DepthChange,
    MarketEvent,
    QuoteChange,
    Trade,
)
from terminal_app.simulator.market.instruments import Instrument
from terminal_app.simulator.market.price_path import InstrumentPath
from terminal_app.simulator.market.stats import SessionStats, new_session_stats, session_stats

log = logging.getLogger(__name__)

MAX_CATCH_UP_SECONDS = 30  # per step; a faster clock skips the rest (stats stay exact)
# A flood step owes at most this many real seconds of ticks: a gateway that falls behind its flood
# rate sends what it can instead of ever larger catch-up bursts that stall its loop for good.
MAX_FLOOD_CATCH_UP_S = 0.1
_STEP, _PRINT = 0, 1  # schedule entry kinds; a step sorts before a print at the same time


@dataclass
class LiveInstrument:
    """Live state of one subscribed instrument."""

    path: InstrumentPath
    book: Book
    cadence: Cadence
    second: int  # the second whose schedule is loaded
    stats: SessionStats
    quoted_step: int = 0  # the L1 sample on show (frozen between sessions)
    bid: float = math.nan
    ask: float = math.nan
    bid_size: float = 0.0
    ask_size: float = 0.0
    resync: bool = False
    callbacks: list[Callback] = field(default_factory=list)
    depth_callbacks: list[Callback] = field(default_factory=list)
    # depth() without a depth subscriber: the book of one L1 sample, built on first request
    rows: tuple[int, list[Level], list[Level]] | None = None
    schedule: list[tuple[float, int, int]] = field(default_factory=list)  # (time, kind, arg)
    done: int = 0  # schedule entries emitted
    due: float = 0.0  # when the next entry (or the next second) is due
    priced_second: int = -1  # the second ``bid``/``ask`` belong to
    print_price: float = math.nan  # the loaded second's print price and sizes
    print_sizes: list[int] = field(default_factory=list)

    def update_due(self) -> None:
        if self.done < len(self.schedule):
            self.due = self.schedule[self.done][0]
        else:
            self.due = float(self.second + 1)

    def deliver(self, event: MarketEvent, depth_only: bool = False) -> None:
        for cb in self.depth_callbacks if depth_only else self.callbacks + self.depth_callbacks:
            try:
                cb(event)
            except Exception:
                log.exception("market event subscriber failed")


def quote_prices(path: InstrumentPath, bid_ticks: int) -> tuple[float, float]:
    if path.inst.secType == "IND":
        return math.nan, math.nan
    return path.price(bid_ticks), path.price(bid_ticks + path.spread)


def top_of_book(path: InstrumentPath, step: int) -> tuple[float, float]:
    if not path.inst.has_depth:
        return 0.0, 0.0
    b, a = top_sizes(path.seed, path.inst, step)
    return float(b), float(a)


def shown_step(inst: Instrument, t: float) -> int:
    """The L1 sample on show just before ``t``: while the instrument trades the latest one,
    else the last of its previous session (quotes freeze between sessions)."""
    cadence = cadence_of(inst)
    second = last_second(t)
    if is_open(inst.sessions, second, False):
        return cadence.quote_step_before(t)
    return cadence.last_quote_step(last_second(previous_session(inst.sessions, second, False).end))


class Feed:
    def __init__(self, clock: SimClock, seed: int) -> None:
        self.clock = clock
        self.lives: dict[int, LiveInstrument] = {}
        self._paused = False
        self._flood_rate = 0.0
        self._flood_credit = 0.0
        self._flood_rng = random.Random(seed)
        self._flood_cursor = 0
        self._last_real: float | None = None

    # --- subscriptions --------------------------------------------------------------------------

    def subscribe(
        self, path: InstrumentPath, callback: Callback, depth: bool
    ) -> Callable[[], None]:
        con_id = path.inst.conId
        live = self.lives.get(con_id)
        if live is None:
            live = self._start(path)
        if depth and not live.depth_callbacks and path.inst.has_depth:
            # the book only moves while someone watches depth: bring it to the feed's sample
            step = live.quoted_step
            live.book.advance(step, path.bid_ticks(live.cadence.second_of(step)), path.spread)
        target = live.depth_callbacks if depth else live.callbacks
        target.append(callback)

        def unsubscribe() -> None:
            if callback in target:
                target.remove(callback)
            if not live.callbacks and not live.depth_callbacks:
                self.lives.pop(con_id, None)

        return unsubscribe

    def _start(self, path: InstrumentPath) -> LiveInstrument:
        now = self.clock.epoch()
        second = last_second(now)
        cadence = cadence_of(path.inst)
        live = LiveInstrument(
            path, Book(path.seed, path.inst), cadence, second, session_stats(path, second)
        )
        self._set_quote(live, shown_step(path.inst, now))
        if path.inst.has_depth:
            step = live.quoted_step
            live.book.advance(step, path.bid_ticks(cadence.second_of(step)), path.spread)
        # the rest of the current second: its steps still to come (its prints are in the stats)
        self._load(live, second)
        live.schedule = [e for e in live.schedule if e[0] >= now and e[1] == _STEP]
        live.update_due()
        self.lives[path.inst.conId] = live
        return live

    # --- stepping -------------------------------------------------------------------------------

    def step(self, t: float) -> int:
        """Emit every event timed before ``t``; return how many."""
        target = last_second(t)
        if self._paused:
            for live in self.lives.values():
                live.second, live.schedule, live.done = target, [], 0
                live.resync = True
                live.update_due()
            return 0
        emitted = 0
        for live in list(self.lives.values()):
            if live.due < t:
                emitted += self._advance(live, t, target)
        return emitted + self._flood(t)

    def next_event_time(self) -> float:
        """When the next event of any watched instrument is due (inf: none watched)."""
        return min((live.due for live in self.lives.values()), default=math.inf)

    def _advance(self, live: LiveInstrument, t: float, target: int) -> int:
        emitted = 0
        while True:
            schedule = live.schedule
            while live.done < len(schedule) and schedule[live.done][0] < t:
                when, kind, arg = schedule[live.done]
                live.done += 1
                if kind == _STEP:
                    emitted += self._emit_step(live, when, arg)
                else:
                    emitted += self._emit_print(live, when, arg)
            if live.done < len(schedule) or live.second >= target:
                live.update_due()
                return emitted
            first = live.second + 1
            if target - first >= MAX_CATCH_UP_SECONDS:
                first = target - MAX_CATCH_UP_SECONDS + 1
                live.resync = True
            if live.resync:  # seconds were skipped: take the session figures from history
                live.stats = session_stats(live.path, first - 1)
                live.resync = False
            self._load(live, first)

    def _load(self, live: LiveInstrument, second: int) -> None:
        """Make ``second`` the current one and list what happens in it."""
        path, cadence = live.path, live.cadence
        inst = path.inst
        live.second, live.done = second, 0
        schedule: list[tuple[float, int, int]] = []
        quoted = is_open(inst.sessions, second, False)
        if quoted:
            per_second = cadence.steps_per_second
            every = 1 if live.depth_callbacks and inst.has_depth else cadence.quote_every
            base = second * per_second
            schedule = [
                (second + k / per_second, _STEP, base + k) for k in range(0, per_second, every)
            ]
        minute, sec = divmod(second, 60)
        det = path.detail(minute)
        if det.prints[sec]:
            session = session_at(inst.sessions, second, False)
            if session is not None and session.trade_date != live.stats.trade_date:
                live.stats = new_session_stats(path, second)
            live.print_price = path.price(int(det.bid[sec]) + path.spread * int(det.side[sec]))
            live.print_sizes = det.print_sizes(sec).tolist()
            ms = det.print_ms(sec).tolist()
            schedule += [(second + m / 1000, _PRINT, j) for j, m in enumerate(ms)]
            schedule.sort()
        elif second % 60 == 0 and quoted:
            session = session_at(inst.sessions, second, False)
            if session is not None and session.trade_date != live.stats.trade_date:
                live.stats = session_stats(path, second)  # a new session began
        live.schedule = schedule

    def _set_quote(self, live: LiveInstrument, step: int) -> bool:
        path = live.path
        live.quoted_step = step
        second = live.cadence.second_of(step)
        if second == live.priced_second:  # prices move once a second, sizes on every sample
            bid, ask = live.bid, live.ask
        else:
            bid, ask = quote_prices(path, path.bid_ticks(second))
            live.priced_second = second
        bid_size, ask_size = top_of_book(path, step)
        quote = (bid, ask, bid_size, ask_size)
        changed = quote != (live.bid, live.ask, live.bid_size, live.ask_size)
        live.bid, live.ask, live.bid_size, live.ask_size = quote
        return changed and path.inst.secType != "IND"

    def _emit_step(self, live: LiveInstrument, when: float, step: int) -> int:
        path = live.path
        con_id = path.inst.conId
        depth: DepthChange | None = None
        if live.depth_callbacks and path.inst.has_depth:
            second = live.cadence.second_of(step)
            ops = live.book.advance(step, path.bid_ticks(second), path.spread)
            if ops:
                depth = DepthChange(con_id, when, tuple(ops))
        emitted = 0
        if step % live.cadence.quote_every == 0 and self._set_quote(live, step):
            live.deliver(
                QuoteChange(con_id, when, live.bid, live.ask, live.bid_size, live.ask_size)
            )
            emitted += 1
        if depth is not None:
            live.deliver(depth, depth_only=True)
            emitted += 1
        return emitted

    def _emit_print(self, live: LiveInstrument, when: float, index: int) -> int:
        stats = live.stats
        price, size = live.print_price, float(live.print_sizes[index])
        stats.add_print(price, size)
        if live.path.inst.secType == "IND" and price == stats.last:
            return 0
        stats.last, stats.last_size, stats.last_time = price, size, when
        live.deliver(Trade(live.path.inst.conId, when, price, size, stats.volume, stats.vwap))
        return 1

    # --- pause, flood ---------------------------------------------------------------------------

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def flooding(self) -> bool:
        return bool(self._flood_rate and self.lives)

    def flood(self, rate_per_s: float) -> None:
        self._flood_rate = max(0.0, float(rate_per_s))
        self._flood_credit = 0.0
        self._last_real = None

    def _flood(self, t: float) -> int:
        if not self.flooding:
            self._last_real = None  # nobody subscribed: no credit builds up meanwhile
            return 0
        real = time.monotonic()
        if self._last_real is None:
            self._last_real = real
            return 0
        owed = min(real - self._last_real, MAX_FLOOD_CATCH_UP_S)
        self._flood_credit += owed * self._flood_rate
        self._last_real = real
        n = int(self._flood_credit)
        self._flood_credit -= n
        lives = list(self.lives.values())
        rng = self._flood_rng
        for _ in range(n):
            live = lives[self._flood_cursor % len(lives)]
            self._flood_cursor += 1
            if live.path.inst.secType == "IND":
                continue
            unit = live.bid_size / 10 or 1.0
            live.bid_size = max(unit, live.bid_size + unit * rng.choice((-1, 1)))
            live.ask_size = max(unit, live.ask_size + unit * rng.choice((-1, 1)))
            live.deliver(
                QuoteChange(
                    live.path.inst.conId, t, live.bid, live.ask, live.bid_size, live.ask_size
                )
            )
        return n
