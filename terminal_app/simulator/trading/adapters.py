"""The simulator's market and ledger seen through the engine's ports (`ports.py`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from terminal_app.simulator.account import Ledger
from terminal_app.simulator.market import Market, MarketEvent, QuoteChange, Trade
from terminal_app.simulator.market.calendar import next_session, session_on
from terminal_app.simulator.market.instruments import Instrument
from terminal_app.simulator.market.price_path import DAY, InstrumentPath

from .ports import Book, FillPosting, InstrumentSpec, Level, MarginImpact, Print, SessionWindow

BOOK_ROWS = 20


def spec_of(inst: Instrument) -> InstrumentSpec:
    """Order-relevant facts; the allowed order types are those TWS lists in contract details."""
    listed = inst.details().orderTypes
    return InstrumentSpec(
        con_id=inst.conId,
        symbol=inst.symbol,
        sec_type=inst.secType,
        currency=inst.currency,
        exchange=inst.primaryExchange or inst.exchange,
        min_tick=Decimal(repr(inst.minTick)),
        multiplier=Decimal(repr(inst.multiplier)),
        tradable=inst.secType != "IND",
        order_types=frozenset(listed.split(",")) if listed else frozenset({"NONE"}),
        expires_at=inst.expires_at,
    )


def session_window(inst: Instrument, at: datetime) -> SessionWindow:
    """The session an order placed at `at` belongs to. Stocks (and their options: these trade
    regular hours only) work in RTH unless outsideRth;
    futures and forex trade their whole session (their liquid hours matter to data, not orders)."""
    full = next_session(inst.sessions, at.timestamp(), rth=False)
    regular = (
        session_on(inst.sessions, full.trade_date, True) if inst.secType in ("STK", "OPT") else None
    )
    bounds = regular or full
    return SessionWindow(
        open=_utc(bounds.start),
        close=_utc(bounds.end),
        outer_open=_utc(full.start),
        outer_close=_utc(full.end),
    )


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _price(value: float) -> float | None:
    return value if math.isfinite(value) and value > 0 else None


class MarketVenue:
    """`Venue` over the simulator's `Market` (its clock, book, prints and volume profile).

    While the engine handles a market event, "now" is that event's second: the market emits a
    second's quotes and prints once the clock has passed it (several at once when it catches up),
    and a fill against them happened then, not when the feed got round to it."""

    def __init__(self, market: Market) -> None:
        self._market = market
        self._specs: dict[int, InstrumentSpec | None] = {}
        self._event_time: datetime | None = None
        # The last depth seen per instrument and its conversion: the engine asks for the book on
        # every quote and print, and the depth it reads changes at most once per L1 sample.
        self._depth: dict[int, tuple[object, tuple[Level, ...], tuple[Level, ...]]] = {}

    def now(self) -> datetime:
        return self._event_time or self._market.clock.now()

    def spec(self, con_id: int) -> InstrumentSpec | None:
        if con_id not in self._specs:
            inst = self._market.universe.get(con_id)
            self._specs[con_id] = spec_of(inst) if inst is not None else None
        return self._specs[con_id]

    def book(self, con_id: int) -> Book:
        quote = self._market.quote(con_id)
        raw = self._market.depth(con_id, BOOK_ROWS)
        cached = self._depth.get(con_id)
        if cached is None or cached[0] != raw:
            bids, asks = (
                tuple(Level(lv.price, Decimal(repr(lv.size))) for lv in side) for side in raw
            )
            cached = self._depth[con_id] = (raw, bids, asks)
        return Book(
            bid=_price(quote.bid),
            ask=_price(quote.ask),
            last=_price(quote.last),
            bids=cached[1],
            asks=cached[2],
            volume=Decimal(repr(quote.volume)),
        )

    def watch(self, con_id: int, on_print: Callable[[Print | None], None]) -> Callable[[], None]:
        def forward(event: MarketEvent) -> None:
            if not isinstance(event, Trade | QuoteChange):
                return
            self._event_time = min(_utc(event.time), self._market.clock.now())
            try:
                on_print(
                    Print(event.price, Decimal(repr(event.size)))
                    if isinstance(event, Trade)
                    else None
                )
            finally:
                self._event_time = None

        # No depth subscription: `Market.depth` builds a watched instrument's book once per
        # second on request, cheaper than the per-second depth diffs the engine would not read.
        return self._market.subscribe(con_id, forward)

    def session(self, con_id: int, at: datetime) -> SessionWindow:
        return session_window(self._market.instrument(con_id), at)

    def volume_fraction(self, con_id: int, start: datetime, end: datetime, at: datetime) -> float:
        """From the market's own minute volumes (U-shaped over the day); time-linear when the
        instrument has no volume (forex)."""
        path = self._market.path(con_id)
        expected = _volume_between(path, start, end)
        if expected <= 0:
            return min(max((at - start) / (end - start), 0.0), 1.0)
        return min(_volume_between(path, start, min(at, end)) / expected, 1.0)


def _volume_between(path: InstrumentPath, start: datetime, end: datetime) -> float:
    """Expected traded volume in [start, end), interpolating inside minutes."""
    t0, t1 = start.timestamp(), end.timestamp()
    total = 0.0
    day = int(t0 // DAY)
    while day * DAY < t1:
        volume = path.summary(day).volume.astype(np.float64)
        lo = max(t0, day * DAY) - day * DAY
        hi = min(t1, (day + 1) * DAY) - day * DAY
        total += _volume_upto(volume, hi) - _volume_upto(volume, lo)
        day += 1
    return total


def _volume_upto(volume: npt.NDArray[np.float64], seconds: float) -> float:
    """Volume of one UTC day's minutes before `seconds` into the day."""
    minute = min(int(seconds // 60), len(volume))
    whole = float(volume[:minute].sum())
    if minute < len(volume):
        whole += float(volume[minute]) * (seconds / 60 - minute)
    return whole


class LedgerAccount:
    """`Account` over the simulator's `Ledger` (postings, realized PnL, margin what-ifs)."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger

    @property
    def name(self) -> str:
        return self._ledger.account

    def post(self, fill: FillPosting) -> Decimal | None:
        return self._ledger.post_execution(
            fill.con_id, fill.side, fill.quantity, fill.price, fill.commission, fill.time
        )

    def margin_impact(
        self, con_id: int, signed_quantity: Decimal, price: Decimal, commission: Decimal
    ) -> MarginImpact:
        return self._ledger.margin_impact(con_id, signed_quantity, price, commission)
