"""Option quotes priced off the simulated underlying: a volatility smile, Black-Scholes-Merton, a
market maker's spread around the model value and the greeks TWS streams with them.

- Spot: the underlying's midpoint (its last value for an index without a quote). Rate 4.5 %,
  dividend yields per underlying (``DIVIDEND_YIELDS``, 0.5 % for other stocks).
- Smile: ``σ(K) = σ_atm · (1 + SKEW·m + CURVATURE·m²)`` with the standardised moneyness
  ``m = ln(K/F) / (σ_atm·√T)`` (clamped to ±4), ``σ_atm`` the underlying's own simulated
  volatility; index skew is steeper. Puts and calls of a strike share the volatility, so the
  quotes respect put-call parity up to the spread.
- Quote: the model value ± max(1 % of it, one tick) rounded outwards to the class's tick (a bid
  below one tick is 0); sizes vary per quarter second. Re-priced on every change of the
  underlying (its L1 samples and prints), and the greeks with it.
- Greeks (``tickOptionComputation``): for bid, ask and last the volatility implied by that
  price and the greeks at it; for the model tick the smile's volatility and value.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Protocol

from terminal_app.simulator.market.book import Level
from terminal_app.simulator.market.events import Callback, MarketEvent, Quote, QuoteChange, Trade
from terminal_app.simulator.market.instruments import Instrument, Universe
from terminal_app.simulator.market.option_model import Greeks, implied_vol, price_and_greeks
from terminal_app.simulator.market.options import OptionChains, OptionInstrument

RATE = 0.045
DIVIDEND_YIELDS = {"SPX": 0.013, "NDX": 0.007, "SPY": 0.013, "QQQ": 0.006, "IWM": 0.012}
DEFAULT_YIELD = 0.005
NO_DIVIDEND = frozenset({"TSLA", "AMZN", "META", "NFLX", "GOOGL", "GOOG", "AMD"})
SKEW, INDEX_SKEW, CURVATURE = -0.08, -0.14, 0.03
YEAR_S = 365.0 * 86400.0
BOOK_LEVELS = 5

BID_TICK, ASK_TICK, LAST_TICK, MODEL_TICK = 10, 11, 12, 13


class Underlyings(Protocol):
    """What options need of the market: the underlying's quote and its live events."""

    def quote(self, con_id: int) -> Quote: ...

    def subscribe(self, con_id: int, callback: Callback) -> Callable[[], None]: ...


@dataclass(frozen=True)
class Computation:
    """One tickOptionComputation's numbers (None = not computable, sent as IB's -1/-2)."""

    implied_vol: float | None
    greeks: Greeks | None
    opt_price: float | None
    und_price: float


def dividend_yield(symbol: str) -> float:
    if symbol in NO_DIVIDEND:
        return 0.0
    return DIVIDEND_YIELDS.get(symbol, DEFAULT_YIELD)


def expiry_epoch(opt: OptionInstrument) -> float:
    """Settlement time: the open (AM-settled) or the close of the expiration day, New York."""
    day = datetime.strptime(opt.expiration, "%Y%m%d")
    at = time(9, 30) if opt.am_settled else time(16, 0)
    return datetime.combine(day.date(), at, tzinfo=opt.sessions.tz).timestamp()


def smile_vol(opt: Instrument, spot: float, strike: float, years: float) -> float:
    atm = opt.volatility
    forward = spot * math.exp((RATE - dividend_yield(opt.symbol)) * years)
    m = math.log(strike / forward) / (atm * math.sqrt(max(years, 1e-4)))
    m = max(-4.0, min(4.0, m))
    skew = INDEX_SKEW if opt.symbol in DIVIDEND_YIELDS else SKEW
    return max(atm * (1.0 + skew * m + CURVATURE * m * m), 0.05)


def _finite(x: float) -> bool:
    return math.isfinite(x) and x > 0


class OptionMarket:
    """Quotes, books, live changes and greeks of the options in ``chains``."""

    def __init__(
        self, underlyings: Underlyings, universe: Universe, now: Callable[[], float]
    ) -> None:
        self._under = underlyings
        self._now = now
        self.chains = OptionChains(universe, self._center, now)

    def _center(self, under: Instrument) -> float:
        q = self._under.quote(under.conId)
        for price in (q.prevClose, self._mid(q), under.ref_price * under.price_factor):
            if _finite(price):
                return price
        return under.ref_price

    @staticmethod
    def _mid(q: Quote) -> float:
        if _finite(q.bid) and _finite(q.ask):
            return (q.bid + q.ask) / 2
        return q.last

    def get(self, con_id: int) -> OptionInstrument | None:
        return self.chains.get(con_id)

    def spot(self, opt: OptionInstrument) -> float:
        return self._mid(self._under.quote(opt.underConId))

    def years(self, opt: OptionInstrument, now: float | None = None) -> float:
        return (expiry_epoch(opt) - (self._now() if now is None else now)) / YEAR_S

    def model(
        self, opt: OptionInstrument, spot: float, years: float, vol: float | None = None
    ) -> Greeks:
        sigma = smile_vol(opt, spot, opt.strike, years) if vol is None else vol
        q = dividend_yield(opt.symbol)
        return price_and_greeks(opt.is_call, spot, opt.strike, years, sigma, RATE, q)

    def implied(
        self, opt: OptionInstrument, price: float, spot: float, years: float
    ) -> float | None:
        q = dividend_yield(opt.symbol)
        return implied_vol(opt.is_call, price, spot, opt.strike, years, RATE, q)

    # --- quotes ---------------------------------------------------------------------------------

    def quote(self, opt: OptionInstrument) -> Quote:
        now = self._now()
        under = self._under.quote(opt.underConId)
        spot, years = self._mid(under), self.years(opt, now)
        nan = math.nan
        bid = ask = prev = nan
        bid_size = ask_size = 0.0
        if _finite(spot) and years > 0:
            bid, ask = self._spread(opt, self.model(opt, spot, years).price)
            seed = zlib.crc32(f"{opt.conId}:{int(now * 4)}".encode())
            bid_size, ask_size = float(1 + seed % 60), float(1 + (seed >> 8) % 60)
            if _finite(under.prevClose):
                prev = round(self.model(opt, under.prevClose, years + 1 / 365).price, 2)
        return Quote(
            conId=opt.conId,
            time=now,
            bid=bid,
            ask=ask,
            bidSize=bid_size,
            askSize=ask_size,
            last=nan,
            lastSize=0.0,
            lastTime=0.0,
            volume=0.0,
            open=nan,
            high=nan,
            low=nan,
            prevClose=prev,
            vwap=nan,
        )

    def _spread(self, opt: OptionInstrument, value: float) -> tuple[float, float]:
        cls = opt.option_class
        assert cls is not None
        tick = cls.tick(value)
        half = max(value * 0.01, tick)
        bid = math.floor(round((value - half) / tick, 6)) * tick
        ask = math.ceil(round((value + half) / tick, 6)) * tick
        return round(max(bid, 0.0), 2), round(max(ask, tick), 2)

    def depth(self, opt: OptionInstrument, rows: int) -> tuple[list[Level], list[Level]]:
        """A thin synthetic book behind the quote: the engine walks it for marketable orders."""
        q = self.quote(opt)
        if not (_finite(q.ask) and math.isfinite(q.bid)):
            return [], []
        cls = opt.option_class
        assert cls is not None
        tick = cls.tick(q.ask)
        n = min(rows, BOOK_LEVELS)
        asks = [Level(round(q.ask + i * tick, 2), q.askSize * (i + 1)) for i in range(n)]
        bids = [
            Level(round(q.bid - i * tick, 2), q.bidSize * (i + 1))
            for i in range(n)
            if q.bid - i * tick > 0
        ]
        return bids, asks

    def subscribe(self, opt: OptionInstrument, callback: Callback) -> Callable[[], None]:
        """Re-price on every change of the underlying: a `QuoteChange` each time (even with the
        same prices, the greeks moved with the underlying; tick lines send only changes)."""

        def forward(event: MarketEvent) -> None:
            if not isinstance(event, QuoteChange | Trade):
                return
            q = self.quote(opt)
            if _finite(q.ask):
                callback(QuoteChange(opt.conId, event.time, q.bid, q.ask, q.bidSize, q.askSize))

        return self._under.subscribe(opt.underConId, forward)

    # --- greeks ---------------------------------------------------------------------------------

    def computation(
        self, opt: OptionInstrument, price: float | None, spot: float, years: float
    ) -> Computation:
        """Greeks at the volatility ``price`` implies (the model's when ``price`` is None)."""
        if price is None:
            return self.at_vol(opt, smile_vol(opt, spot, opt.strike, years), spot, years)
        vol = self.implied(opt, price, spot, years)
        greeks = self.model(opt, spot, years, vol) if vol is not None else None
        return Computation(vol, greeks, price, spot)

    def at_vol(self, opt: OptionInstrument, vol: float, spot: float, years: float) -> Computation:
        """Value and greeks at volatility ``vol``."""
        greeks = self.model(opt, spot, years, vol)
        return Computation(vol, greeks, greeks.price, spot)

    def computations(self, opt: OptionInstrument, q: Quote) -> dict[int, Computation]:
        """The bid, ask, last and model computations TWS streams for a quote."""
        spot, years = self.spot(opt), self.years(opt)
        if not _finite(spot) or years <= 0:
            return {}
        out = {MODEL_TICK: self.computation(opt, None, spot, years)}
        for tick, price in ((BID_TICK, q.bid), (ASK_TICK, q.ask), (LAST_TICK, q.last)):
            if _finite(price):
                out[tick] = self.computation(opt, price, spot, years)
        return out
