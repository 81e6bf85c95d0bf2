"""Listed options, generated on demand from the underlyings: classes, expirations, strikes.

Nothing is stored: an underlying's chain is a function of its symbol, the simulated New York date
and the underlying's previous close (strikes are centred there for the day, as exchanges list
new strikes around the money). What IB lists, in short:
- SPX: class SPX (monthly, AM-settled: the last trade date is the Thursday before the third
  Friday, the Friday is the real expiration) and SPXW (PM-settled, every weekday); NDX and NDXP
  alike. On SMART and CBOE (NDX: SMART and ISE). Cash-settled, multiplier 100.
- Stocks and ETFs: one class (the symbol), Friday weeklies for six weeks and the monthlies for six
  months; SPY, QQQ and IWM list every weekday. On SMART and the US option exchanges.
- conIds: a crc32 of (trading class, expiry, strike, right), the same on every run.
- localSymbol: the OCC symbol (root padded to six, YYMMDD, C/P, strike × 1000 in eight digits).

Public API: ``option_classes(underlying)``; ``OptionChains(universe, center, now)`` with
``listing(class, now) -> (expirations, strikes)``, ``match(contract)``, ``get(conId)``;
``OptionInstrument`` (an ``Instrument`` with strike, right and its option class).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ib_async import Contract, ContractDetails

from terminal_app.simulator.market.calendar import local_date
from terminal_app.simulator.market.instruments import Instrument, Universe

OPT_ORDER_TYPES = (
    "ACTIVETIM,AD,ADJUST,ALERT,ALLOC,AVGCOST,BASKET,COND,CONDORDER,DAY,DEACT,DEACTDIS,DEACTEOD,"
    "GAT,GTC,GTD,GTT,HID,IOC,LIT,LMT,MIT,MKT,NONALGO,OCA,REL,STP,STPLMT,TRAIL,TRAILLIT,"
    "TRAILLMT,TRAILMIT,WHATIF"
)
STOCK_OPTION_EXCHANGES = (
    "SMART",
    "AMEX",
    "BATS",
    "BOX",
    "CBOE",
    "CBOE2",
    "EDGX",
    "GEMINI",
    "ISE",
    "MIAX",
    "NASDAQOM",
    "PHLX",
    "PSE",
)
DAILY_ETFS = frozenset({"SPY", "QQQ", "IWM"})
# Market rules (reqMarketRule) of the option classes: the increments `OptionClass.tick` quotes
# in, by price level (lowEdge, increment). Penny classes, 0.01 throughout, have the stock rule.
PENNY_RULE, OPTION_RULE, INDEX_OPTION_RULE = 26, 32, 110
OPTION_RULES: dict[int, tuple[tuple[float, float], ...]] = {
    OPTION_RULE: ((0.0, 0.01), (3.0, 0.05)),
    INDEX_OPTION_RULE: ((0.0, 0.05), (3.0, 0.10)),
}
INDEX_CLASSES = {  # index -> ((class, AM-settled monthly?), ...), exchanges
    "SPX": ((("SPX", True), ("SPXW", False)), ("SMART", "CBOE")),
    "NDX": ((("NDX", True), ("NDXP", False)), ("SMART", "ISE")),
}
WEEKS_LISTED = 6
MONTHS_LISTED = 6
DAILY_DAYS = 10  # weekdays listed ahead for daily classes
MULTIPLIER = 100


@dataclass(frozen=True)
class OptionClass:
    """One trading class of an underlying's options (SPX and SPXW are two)."""

    underlying: Instrument
    trading_class: str
    exchanges: tuple[str, ...]
    cadence: str  # "monthly", "weekly" or "daily"
    am_settled: bool = False

    @property
    def index(self) -> bool:
        return self.underlying.secType == "IND"

    @property
    def market_rule_id(self) -> int:
        if self.index:
            return INDEX_OPTION_RULE
        return PENNY_RULE if self.underlying.symbol in DAILY_ETFS else OPTION_RULE

    def tick(self, price: float) -> float:
        """Quote increment at ``price``: index options 0.05/0.10, penny classes 0.01 below
        3.00 (SPY/QQQ/IWM throughout), 0.05 above."""
        if self.index:
            return 0.05 if price < 3.0 else 0.10
        if self.underlying.symbol in DAILY_ETFS or price < 3.0:
            return 0.01
        return 0.05


def option_classes(under: Instrument) -> list[OptionClass]:
    if under.secType == "IND":
        spec = INDEX_CLASSES.get(under.symbol)
        if spec is None:
            return []
        classes, exchanges = spec
        return [
            OptionClass(under, name, exchanges, "monthly" if am else "daily", am)
            for name, am in classes
        ]
    if under.secType == "STK":
        cadence = "daily" if under.symbol in DAILY_ETFS else "weekly"
        return [OptionClass(under, under.symbol, STOCK_OPTION_EXCHANGES, cadence)]
    return []


def third_friday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(4 - first.weekday()) % 7 + 14)


def expirations(cls: OptionClass, today: date) -> list[date]:
    """Real expiration dates listed on ``today`` (today's expiry still trades until the close)."""
    out: set[date] = set()
    for n in range(MONTHS_LISTED + 1):
        year, month = today.year + (today.month - 1 + n) // 12, (today.month - 1 + n) % 12 + 1
        out.add(third_friday(year, month))
    if cls.cadence in ("weekly", "daily"):
        friday = today + timedelta(days=(4 - today.weekday()) % 7)
        out.update(friday + timedelta(weeks=w) for w in range(WEEKS_LISTED))
    if cls.cadence == "daily":
        d, listed = today, 0
        while listed < DAILY_DAYS:
            if d.weekday() < 5:
                out.add(d)
                listed += 1
            d += timedelta(days=1)
    if cls.cadence == "monthly":  # an AM class stops trading the day before its expiration
        out = {d for d in out if last_trade_day(cls, d) >= today}
    return sorted(d for d in out if d >= today)[: MONTHS_LISTED * 6]


def last_trade_day(cls: OptionClass, expiry: date) -> date:
    if not cls.am_settled:
        return expiry
    d = expiry - timedelta(days=1)
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


def strike_step(price: float) -> float:
    for limit, step in ((25.0, 0.5), (100.0, 1.0), (250.0, 2.5), (1000.0, 5.0), (3000.0, 10.0)):
        if price < limit:
            return step
    return 5.0 if price < 10000.0 else 25.0  # index levels: 5-point (SPX) / 25-point (NDX)


def strikes(center: float) -> list[float]:
    """Fine steps within ±10 % of ``center``, five times coarser out to ±30 %."""
    step = strike_step(center)
    wide = step * 5
    out: set[float] = set()
    k = round(center * 0.7 / wide) * wide
    while k <= center * 1.3:
        if k > 0:
            out.add(round(k, 2))
        k += wide
    k = round(center * 0.9 / step) * step
    while k <= center * 1.1:
        if k > 0:
            out.add(round(k, 2))
        k += step
    return sorted(out)


def occ_symbol(trading_class: str, expiry: date, right: str, strike: float) -> str:
    return f"{trading_class:<6}{expiry:%y%m%d}{right}{round(strike * 1000):08d}"


@dataclass(frozen=True)
class OptionInstrument(Instrument):
    strike: float = 0.0
    right: str = ""
    expiration: str = ""  # the real expiration date (YYYYMMDD); lastTradeDate may be earlier
    am_settled: bool = False
    option_class: OptionClass | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def is_call(self) -> bool:
        return self.right == "C"

    @property
    def has_depth(self) -> bool:
        return False  # quoted top of book only (the engine sees a synthetic book)

    @property
    def order_types(self) -> str:
        return OPT_ORDER_TYPES

    def contract(self, exchange: str | None = None) -> Contract:
        c = super().contract(exchange)
        c.strike = self.strike
        c.right = self.right
        return c

    def details(self, now: datetime | None = None, exchange: str | None = None) -> ContractDetails:
        d = super().details(now, exchange)
        under = self.option_class.underlying if self.option_class else None
        d.underSymbol = under.symbol if under else self.symbol
        d.underSecType = under.secType if under else "STK"
        d.realExpirationDate = self.expiration
        d.marketName = self.tradingClass
        d.aggGroup = 2
        d.evRule = ""
        d.suggestedSizeIncrement = 1.0
        return d


class OptionChains:
    """The options of every underlying in ``universe``; instruments are made when first named
    and kept (so a conId seen once resolves for the rest of the run)."""

    def __init__(
        self,
        universe: Universe,
        center: Callable[[Instrument], float],
        now: Callable[[], float],
    ) -> None:
        self.universe = universe
        self._now = now
        self._center = center  # the underlying's reference price for strikes (its prior close)
        self._made: dict[int, OptionInstrument] = {}
        self._strikes: dict[tuple[int, date], list[float]] = {}

    def today(self, under: Instrument, now: float) -> date:
        return local_date(under.sessions, now)

    def underlyings(self, symbol: str) -> list[Instrument]:
        return [
            i
            for i in self.universe.instruments
            if i.symbol == symbol and i.secType in ("STK", "IND") and option_classes(i)
        ]

    def listing(self, cls: OptionClass, now: float) -> tuple[list[date], list[float]]:
        """(expirations, strikes) of a class on the simulated date of ``now``."""
        today = self.today(cls.underlying, now)
        key = (cls.underlying.conId, today)
        if key not in self._strikes:
            self._strikes[key] = strikes(self._center(cls.underlying))
        return expirations(cls, today), self._strikes[key]

    def get(self, con_id: int) -> OptionInstrument | None:
        return self._made.get(con_id)

    def option(self, cls: OptionClass, expiry: date, strike: float, right: str) -> OptionInstrument:
        under = cls.underlying
        last = last_trade_day(cls, expiry)
        con_id = (
            700_000_000
            + zlib.crc32(f"{cls.trading_class}:{expiry:%Y%m%d}:{strike:g}:{right}".encode())
            % 1_400_000_000
        )
        made = self._made.get(con_id)
        if made is not None:
            return made
        inst = OptionInstrument(
            conId=con_id,
            symbol=under.symbol,
            secType="OPT",
            exchange="SMART",
            currency=under.currency,
            localSymbol=occ_symbol(cls.trading_class, expiry, right, strike),
            tradingClass=cls.trading_class,
            minTick=cls.tick(0.0),
            multiplier=float(MULTIPLIER),
            sessions=under.sessions,
            longName=under.longName,
            path_key=under.path_key,
            price_factor=under.price_factor,
            ref_price=under.ref_price,
            volatility=under.volatility,
            adv=0.0,
            lastTradeDateOrContractMonth=f"{last:%Y%m%d}",
            lastTradeTime="16:00",
            underConId=under.conId,
            validExchanges=cls.exchanges,
            marketRuleId=cls.market_rule_id,
            strike=strike,
            right=right,
            expiration=f"{expiry:%Y%m%d}",
            am_settled=cls.am_settled,
            option_class=cls,
        )
        self._made[con_id] = inst
        return inst

    def match(self, contract: Contract) -> list[OptionInstrument]:
        """The listed options ``contract`` describes (IB's partial-spec semantics: every
        non-empty field narrows; an OCC localSymbol alone is enough)."""
        symbol = contract.symbol.strip().upper()
        trading_class = contract.tradingClass.strip().upper()
        local = contract.localSymbol.strip().upper()
        strike = contract.strike
        if local and len(local) == 21:  # OCC: its strike counts even if no longer centred
            symbol = symbol or _occ_root_symbol(local[:6].strip())
            trading_class = trading_class or local[:6].strip()
            strike = strike or int(local[13:]) / 1000
        exchange = contract.exchange.strip().upper()
        expiry = contract.lastTradeDateOrContractMonth.strip().replace("-", "")[:8]
        right = {"CALL": "C", "PUT": "P"}.get(contract.right.upper(), contract.right.upper())
        multiplier = contract.multiplier.strip()
        if multiplier and float(multiplier) != MULTIPLIER:
            return []
        if contract.currency and contract.currency.upper() != "USD":
            return []
        out: list[OptionInstrument] = []
        for under in self.underlyings(symbol):
            for cls in option_classes(under):
                if trading_class and cls.trading_class != trading_class:
                    continue
                if exchange and exchange not in cls.exchanges:
                    continue
                dates, listed = self.listing(cls, self._now())
                for d in dates:
                    last = f"{last_trade_day(cls, d):%Y%m%d}"
                    if expiry and not (last.startswith(expiry) or f"{d:%Y%m%d}".startswith(expiry)):
                        continue
                    for k in [strike] if strike else listed:
                        if k not in listed and not local:
                            continue
                        for r in (right,) if right else ("C", "P"):
                            inst = self.option(cls, d, k, r)
                            if not local or inst.localSymbol == local:
                                out.append(inst)
        return out


def _occ_root_symbol(root: str) -> str:
    """The underlying symbol of an OCC root (SPXW -> SPX, NDXP -> NDX)."""
    for index, (classes, _) in INDEX_CLASSES.items():
        if any(name == root for name, _ in classes):
            return index
    return root
