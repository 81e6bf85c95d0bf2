"""The simulated market: live model, book and history over one deterministic price path.

``Market(universe, clock, seed)``:
- ``quote(conId) -> Quote`` (bid/ask/sizes/last/lastSize/volume/open/high/low/prevClose/vwap).
- ``depth(conId, rows) -> (bids, asks)`` lists of ``Level`` (best first); the order engine walks
  them for marketable orders. ``book_levels`` is the same per side.
- Options (``market.options``, ``market.option_quotes``): generated on demand from the
  underlyings; ``quote``, ``depth`` and ``subscribe`` price them off the underlying's path,
  ``options`` has their chains and greeks.
- ``subscribe(conId, callback, depth=False) -> unsubscribe``: the callback gets ``QuoteChange``,
  ``DepthChange`` (only with ``depth=True``) and ``Trade`` events in time order, inside each
  second on the asset class's cadence (``market.cadence``: stock L1 every 250 ms, futures depth
  every 125 ms, forex every 100 ms, index values once a second) and prints at their own
  milliseconds (``market.live``). Outside the trading session no trades print (the quote
  stays). Only subscribed instruments cost work.
- ``step(now=None)`` emits every event timed before ``now`` (default: the clock; tests drive a
  frozen clock); ``next_event_time()`` says when to step again; ``async run()`` does that on
  the loop (``stop()``, ``pause()``/``resume()``); ``flood(rate_per_s)`` adds that many extra
  quote-size events per second across subscribed instruments (load tests; prices and volume
  stay on the path).
- History: ``bars``, ``current_bar`` (keepUpToDate: the bar containing now),
  ``realtime_bar`` (5 s), ``head_timestamp``, ``historical_ticks`` — see ``market.bars`` for
  semantics and limits. Same seed and start → same history and live path; history up to "now"
  equals what the live feed printed.

Errors for refused history requests: ``HistoricalDataError`` (``code``, ``message``).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Callable, Generator
from datetime import UTC, datetime

from ib_async import BarData, RealTimeBar

from terminal_app.simulator.clock import SimClock
from terminal_app.simulator.market import bars as history
from terminal_app.simulator.market.bars import HistoricalDataError, HistoricalTickRow, last_second
from terminal_app.simulator.market.book import Book, DepthOp, Level
from terminal_app.simulator.market.cadence import cadence_of
from terminal_app.simulator.market.calendar import is_open
from terminal_app.simulator.market.events import (
    Callback,
    DepthChange,
    MarketEvent,
    Quote,
    QuoteChange,
    Trade,
)
from terminal_app.simulator.market.instruments import Instrument, Universe
from terminal_app.simulator.market.live import Feed, quote_prices, shown_step, top_of_book
from terminal_app.simulator.market.option_quotes import OptionMarket
from terminal_app.simulator.market.price_path import InstrumentPath
from terminal_app.simulator.market.stats import SessionStats, session_stats

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

_IDLE_SLEEP = 0.25
_FLOOD_STEP = 0.005
NO_OPTION_HISTORY = "HMDS query returned no data: option history is not simulated"
MIN_WAKE_S = 0.02  # host seconds between steps at most: sub-second events go out in batches


class Market:
    def __init__(self, universe: Universe, clock: SimClock, seed: int = 7) -> None:
        self.universe = universe
        self.clock = clock
        self.seed = seed
        self._paths: dict[int, InstrumentPath] = {}
        self._snapshots: dict[int, tuple[int, Quote]] = {}
        self._feed = Feed(clock, seed)
        self._stopping: asyncio.Event | None = None
        self.options = OptionMarket(self, universe, clock.epoch)
        universe.derivatives = self.options.chains

    # --- instruments and paths ------------------------------------------------------------------

    def instrument(self, con_id: int) -> Instrument:
        inst = self.universe.get(con_id)
        if inst is None:
            raise KeyError(f"unknown conId {con_id}")
        return inst

    def path(self, con_id: int) -> InstrumentPath:
        p = self._paths.get(con_id)
        if p is None and self.options.get(con_id) is not None:
            raise HistoricalDataError(NO_OPTION_HISTORY)
        if p is None:
            p = self._paths[con_id] = InstrumentPath(self.seed, self.instrument(con_id))
        return p

    # --- snapshots ------------------------------------------------------------------------------

    def quote(self, con_id: int) -> Quote:
        option = self.options.get(con_id)
        if option is not None:
            return self.options.quote(option)
        live = self._feed.lives.get(con_id)
        now = self.clock.epoch()
        if live is not None:
            return _quote(con_id, now, live.stats, live.bid, live.ask, live.bid_size, live.ask_size)
        step = shown_step(self.instrument(con_id), now)
        cached = self._snapshots.get(con_id)
        if cached is not None and cached[0] == step:
            return cached[1]
        quote = self._quote_at(con_id, now)
        # snapshots of unwatched instruments are rebuilt once per L1 sample
        if len(self._snapshots) > 4096:
            self._snapshots.clear()
        self._snapshots[con_id] = (step, quote)
        return quote

    def delayed_quote(self, con_id: int, delay_s: float) -> Quote:
        """The quote as it stood `delay_s` simulated seconds ago (IB's delayed data). Options are
        priced off their underlying's live quote: a delayed option quote is not modelled."""
        option = self.options.get(con_id)
        if option is not None:
            return self.options.quote(option)
        return self._quote_at(con_id, self.clock.epoch() - delay_s)

    def _quote_at(self, con_id: int, t: float) -> Quote:
        path = self.path(con_id)
        step = shown_step(path.inst, t)
        stats = session_stats(path, last_second(t))
        bid_size, ask_size = top_of_book(path, step)
        bid, ask = quote_prices(path, path.bid_ticks(cadence_of(path.inst).second_of(step)))
        return _quote(con_id, t, stats, bid, ask, bid_size, ask_size)

    def depth(self, con_id: int, rows: int = 10) -> tuple[list[Level], list[Level]]:
        """(bids, asks) best first, at most ``rows`` each: the book behind the quote on show (for
        a watched instrument the L1 sample the feed is delivering, or with depth subscribers the
        book step; between sessions the last sample of the previous one), so its top matches
        ``quote()`` (sizes may be a book step newer on a future watched in depth)."""
        option = self.options.get(con_id)
        if option is not None:
            return self.options.depth(option, rows)
        path = self.path(con_id)
        if not path.inst.has_depth:
            return [], []
        live = self._feed.lives.get(con_id)
        if live is not None and live.depth_callbacks:
            bids, asks = live.book.bids, live.book.asks
        elif live is not None and live.rows is not None and live.rows[0] == live.quoted_step:
            bids, asks = live.rows[1], live.rows[2]
        else:
            step = (
                live.quoted_step if live is not None else shown_step(path.inst, self.clock.epoch())
            )
            second = cadence_of(path.inst).second_of(step)
            bids, asks = Book(self.seed, path.inst).snapshot(
                step, path.bid_ticks(second), path.spread
            )
            if live is not None:
                live.rows = (step, bids, asks)
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
        return history.run(self.bar_steps(con_id, end, duration, bar_size, what_to_show, use_rth))

    def bar_steps(
        self,
        con_id: int,
        end: datetime | float | None,
        duration: str,
        bar_size: str,
        what_to_show: str,
        use_rth: bool,
    ) -> Generator[None, None, list[BarData]]:
        """`bars` a step at a time (see `history.bar_steps`): "now" is when this is called."""
        if self.options.get(con_id) is not None:
            return _no_option_history()
        now = self.clock.epoch()
        end_t = now if end is None else min(history._epoch(end), now)
        return history.bar_steps(
            self.path(con_id), end_t, duration, bar_size, what_to_show, use_rth
        )

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
        option = self.options.get(con_id)
        if option is not None:
            return self.options.subscribe(option, callback)
        return self._feed.subscribe(self.path(con_id), callback, depth)

    def watched(self) -> list[int]:
        return list(self._feed.lives)

    def step(self, now: float | None = None) -> int:
        """Emit every subscribed instrument's events timed before ``now`` (default: the clock)."""
        return self._feed.step(self.clock.epoch() if now is None else now)

    def next_event_time(self) -> float:
        """Simulated time of the next live event (the next second when nothing is watched)."""
        return min(self._feed.next_event_time(), math.floor(self.clock.epoch()) + 1.0)

    def wake_after(self) -> float:
        """Host seconds until the next step is due: the next event, at least ``MIN_WAKE_S``
        apart (a busy feed goes out in batches), at most ``_IDLE_SLEEP`` (a clock change shows
        within it), ``_FLOOD_STEP`` while flooding."""
        wait = max(self.clock.real_seconds_until(self.next_event_time()), MIN_WAKE_S)
        return min(wait, _FLOOD_STEP if self._feed.flooding else _IDLE_SLEEP)

    def flood(self, rate_per_s: float) -> None:
        """Add ``rate_per_s`` extra quote-size events per host second (0 turns it off)."""
        self._feed.flood(rate_per_s)

    def pause(self) -> None:
        """Stop emitting (the clock runs on; on resume the feed continues from "now")."""
        self._feed.pause()

    def resume(self) -> None:
        self._feed.resume()

    @property
    def paused(self) -> bool:
        return self._feed.paused

    async def run(self) -> None:
        """Advance with the clock until ``stop()``."""
        self._stopping = asyncio.Event()
        stopping = self._stopping
        while not stopping.is_set():
            self.step()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=self.wake_after())

    def stop(self) -> None:
        if self._stopping is not None:
            self._stopping.set()


def _quote(
    con_id: int,
    now: float,
    stats: SessionStats,
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


def _no_option_history() -> Generator[None, None, list[BarData]]:
    """Options are priced live off their underlying; their history is not simulated."""
    raise HistoricalDataError(NO_OPTION_HISTORY)
    yield  # a generator, so the error comes where history steps are taken
