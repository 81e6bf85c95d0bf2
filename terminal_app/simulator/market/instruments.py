"""The instrument universe: what the simulated gateway can quote and trade.

Data comes from ``resources/instruments.json``; futures expiries are computed from each root's
cycle relative to the simulated date, so the universe always holds the next four live contracts.
conIds are stable: stocks, forex and indices carry IB's real conIds in the data file, futures get
one derived from exchange, local symbol and last trade date (crc32), identical on every run.

Public API:
- ``Instrument``: frozen dataclass with the contract fields plus the simulation parameters
  (``minTick``, ``multiplier``, ``sessions``, ``asset_class``, ``path_key``/``price_factor``,
  ``volatility``, ``adv``, ``margin``, ``order_types``…); ``.contract(exchange=None) ->
  Contract`` and ``.details(now=None) -> ContractDetails`` as TWS returns them.
- ``Universe.load(path=None, as_of=None)``: ``instruments``, ``by_con_id``, ``get(conId)``,
  ``match(contract)`` (IB's partial-spec semantics, see its docstring),
  ``matching_symbols(pattern)`` for reqMatchingSymbols (``ContractDescription`` list, ≤16).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from ib_async import Contract, ContractDescription, ContractDetails

from terminal_app.paths import resources_dir
from terminal_app.simulator.market.calendar import SessionSpec, local_date, trading_hours

MONTH_CODES = "FGHJKMNQUVXZ"

STK_ORDER_TYPES = (
    "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AON,AVGCOST,BASKET,COND,CONDORDER,DAY,DEACT,DEACTDIS,"
    "DEACTEOD,GAT,GTC,GTD,GTT,HID,IOC,LIT,LMT,LOC,MIT,MKT,MOC,NONALGO,OCA,OPG,PEGMID,REL,"
    "SCALE,SCALERST,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF"
)
FUT_ORDER_TYPES = (
    "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,COND,CONDORDER,DAY,DEACT,DEACTDIS,"
    "DEACTEOD,GAT,GTC,GTD,GTT,HID,IOC,LIT,LMT,MIT,MKT,NONALGO,OCA,STP,STPLMT,TRAIL,TRAILLIT,"
    "TRAILLMT,TRAILMIT,WHATIF"
)
CASH_ORDER_TYPES = (
    "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,COND,CONDORDER,DAY,DEACT,DEACTDIS,"
    "DEACTEOD,GAT,GTC,GTD,GTT,IOC,LIT,LMT,MIT,MKT,NONALGO,OCA,STP,STPLMT,TRAIL,TRAILLIT,"
    "TRAILLMT,TRAILMIT,WHATIF"
)
STK_EXCHANGES = ("SMART", "NASDAQ", "NYSE", "ARCA", "BATS", "EDGX", "IEX", "AMEX", "ISLAND")
EXCHANGE_ALIASES = {"GLOBEX": "CME", "ECBOT": "CBOT", "ISLAND": "NASDAQ"}
MAX_MATCHING_SYMBOLS = 16


@dataclass(frozen=True)
class Instrument:
    """One tradable (or, for IND, quotable) contract and the parameters that simulate it."""

    conId: int
    symbol: str
    secType: str
    exchange: str
    currency: str
    localSymbol: str
    tradingClass: str
    minTick: float
    multiplier: float
    sessions: SessionSpec
    longName: str
    path_key: str
    price_factor: float
    ref_price: float
    volatility: float
    adv: float
    primaryExchange: str = ""
    lastTradeDateOrContractMonth: str = ""
    lastTradeTime: str = ""
    margin: float = 0.0
    underConId: int = 0
    industry: str = ""
    category: str = ""
    subcategory: str = ""
    stockType: str = ""
    validExchanges: tuple[str, ...] = ()
    marketRuleId: int = 0
    dividend_yield: float = 0.0  # annual, of the price; paid quarterly (generic tick 456)

    @property
    def asset_class(self) -> str:
        return self.secType

    @property
    def has_trades(self) -> bool:
        """Forex quotes only; indices print a value (size 0) without volume."""
        return self.secType != "CASH"

    @property
    def has_depth(self) -> bool:
        return self.secType != "IND"

    @property
    def spread_ticks(self) -> int:
        return 0 if self.secType == "IND" else 1

    @property
    def multiplier_str(self) -> str:
        if self.secType in ("STK", "CASH", "IND"):
            return ""
        return f"{self.multiplier:g}"

    @property
    def order_types(self) -> str:
        """IB's orderTypes list of the contract details (cheap: no session strings)."""
        return {"STK": STK_ORDER_TYPES, "CASH": CASH_ORDER_TYPES, "FUT": FUT_ORDER_TYPES}.get(
            self.secType, ""
        )

    @property
    def contract_month(self) -> str:
        return self.lastTradeDateOrContractMonth[:6]

    @property
    def expires_at(self) -> datetime | None:
        """When trading ends for good (a future's last trade date and time in its exchange's
        zone); None for instruments that do not expire."""
        if len(self.lastTradeDateOrContractMonth) != 8:
            return None
        day = datetime.strptime(self.lastTradeDateOrContractMonth, "%Y%m%d")
        hour, minute = (int(x) for x in (self.lastTradeTime or "23:59").split(":")[:2])
        return day.replace(hour=hour, minute=minute, tzinfo=self.sessions.tz)

    def contract(self, exchange: str | None = None) -> Contract:
        """The qualified contract; ``exchange`` picks one of ``validExchanges`` (directed)."""
        return Contract(
            secType=self.secType,
            conId=self.conId,
            symbol=self.symbol,
            lastTradeDateOrContractMonth=self.lastTradeDateOrContractMonth,
            multiplier=self.multiplier_str,
            exchange=exchange or self.exchange,
            primaryExchange=self.primaryExchange,
            currency=self.currency,
            localSymbol=self.localSymbol,
            tradingClass=self.tradingClass,
        )

    def details(self, now: datetime | None = None, exchange: str | None = None) -> ContractDetails:
        """ContractDetails as TWS sends them; trading/liquid hours cover a week from ``now``."""
        t = (now or datetime.now().astimezone()).timestamp()
        if self.secType == "STK":
            market_name = "NMS" if self.primaryExchange == "NASDAQ" else self.symbol
        elif self.secType == "CASH":
            market_name = self.localSymbol
        else:
            market_name = self.tradingClass
        under_symbol, under_sec_type = "", ""
        if self.secType == "FUT":
            under_symbol, under_sec_type = self.symbol, "IND"
        return ContractDetails(
            contract=self.contract(exchange),
            marketName=market_name,
            minTick=self.minTick,
            orderTypes=self.order_types,
            validExchanges=",".join(self.validExchanges),
            priceMagnifier=1,
            underConId=self.underConId,
            longName=self.longName,
            contractMonth=self.contract_month,
            industry=self.industry,
            category=self.category,
            subcategory=self.subcategory,
            timeZoneId=self.sessions.timeZoneId,
            tradingHours=trading_hours(self.sessions, t, rth=False),
            liquidHours=trading_hours(self.sessions, t, rth=True),
            aggGroup=1 if self.secType in ("STK", "FUT") else 4 if self.secType == "CASH" else 0,
            underSymbol=under_symbol,
            underSecType=under_sec_type,
            marketRuleIds=",".join(str(self.marketRuleId) for _ in self.validExchanges),
            realExpirationDate=self.lastTradeDateOrContractMonth,
            lastTradeTime=self.lastTradeTime,
            stockType=self.stockType,
            minSize=1.0,
            sizeIncrement=1.0,
            suggestedSizeIncrement=100.0 if self.secType == "STK" else 1.0,
        )

    def description(self, derivative_sec_types: list[str]) -> ContractDescription:
        c = Contract(
            conId=self.conId,
            symbol=self.symbol,
            secType=self.secType,
            primaryExchange=self.primaryExchange or self.exchange,
            currency=self.currency,
            description=self.longName,
        )
        return ContractDescription(contract=c, derivativeSecTypes=derivative_sec_types)


# --- futures expiries ---------------------------------------------------------------------------


def _business_days_back(d: date, n: int) -> date:
    while n > 0:
        d -= timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def _last_business_day(year: int, month: int) -> date:
    d = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


def last_trade_date(rule: str, year: int, month: int) -> date:
    """Last trading day of a futures contract month (exchange rules, holidays ignored)."""
    if rule == "third_friday":  # CME equity index: third Friday of the contract month
        first = date(year, month, 1)
        return first + timedelta(days=(4 - first.weekday()) % 7 + 14)
    if rule == "cl":  # NYMEX CL: 3 business days before the 25th of the prior month (4 if not a bd)
        py, pm = (year - 1, 12) if month == 1 else (year, month - 1)
        the_25th = date(py, pm, 25)
        return _business_days_back(the_25th, 3 if the_25th.weekday() < 5 else 4)
    if rule == "third_last_business_day":  # COMEX GC
        return _business_days_back(_last_business_day(year, month), 2)
    if rule == "zn":  # CBOT ZN: 7th business day before the last business day of the month
        return _business_days_back(_last_business_day(year, month), 7)
    raise ValueError(f"unknown expiry rule {rule!r}")


def next_expiries(
    cycle: str, rule: str, today: date, count: int = 4
) -> list[tuple[int, int, date]]:
    """The next ``count`` (year, month, last trade date) not yet expired on ``today``."""
    months = sorted(MONTH_CODES.index(code) + 1 for code in cycle)
    out: list[tuple[int, int, date]] = []
    year = today.year
    while len(out) < count:
        for m in months:
            ltd = last_trade_date(rule, year, m)
            if ltd >= today and len(out) < count:
                out.append((year, m, ltd))
        year += 1
    return out


def _derived_con_id(*parts: str) -> int:
    return 500_000_000 + zlib.crc32(":".join(parts).encode()) % 400_000_000


# --- the universe -------------------------------------------------------------------------------


def default_path() -> Path:
    return resources_dir() / "instruments.json"


def _norm(value: str) -> str:
    return value.strip().upper()


class Derivatives(Protocol):
    """Contracts generated from the universe on demand (options, `market.options`)."""

    def get(self, con_id: int) -> Instrument | None: ...

    def match(self, contract: Contract) -> Sequence[Instrument]: ...


@dataclass
class Universe:
    instruments: list[Instrument]
    by_con_id: dict[int, Instrument] = field(init=False)
    derivatives: Derivatives | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.by_con_id = {}
        for inst in self.instruments:
            if inst.conId in self.by_con_id:
                raise ValueError(f"duplicate conId {inst.conId}: {inst.localSymbol}")
            self.by_con_id[inst.conId] = inst

    @staticmethod
    def load(path: Path | None = None, as_of: datetime | None = None) -> Universe:
        """Read the data file; futures expiries are the next four as of ``as_of`` (default now)."""
        raw = json.loads((path or default_path()).read_text(encoding="utf-8"))
        return Universe(_build(raw, (as_of or datetime.now().astimezone()).timestamp()))

    def get(self, con_id: int) -> Instrument | None:
        inst = self.by_con_id.get(con_id)
        if inst is None and self.derivatives is not None:
            return self.derivatives.get(con_id)
        return inst

    def match(self, contract: Contract) -> list[Instrument]:
        """Every instrument ``contract`` describes, as reqContractDetails answers it.

        A conId wins over the other fields. Otherwise every non-empty field narrows: symbol,
        secType, exchange (any valid exchange of the instrument; GLOBEX/ECBOT are aliases),
        primaryExchange, currency, localSymbol, tradingClass, multiplier and
        lastTradeDateOrContractMonth (YYYYMM = contract month, YYYYMMDD = last trade date).
        An ES future without expiry thus matches every listed expiry; AAPL STK SMART USD one.
        Options (secType OPT, or a right or strike given) are the ``derivatives``' to match.
        """
        if contract.conId:
            inst = self.get(contract.conId)
            return [inst] if inst is not None else []
        if contract.right or contract.strike or _norm(contract.secType) == "OPT":
            return list(self.derivatives.match(contract)) if self.derivatives else []
        symbol = _norm(contract.symbol)
        local = _norm(contract.localSymbol)
        if not symbol and not local:
            return []
        sec_type = _norm(contract.secType)
        exchange = _norm(contract.exchange)
        exchange = EXCHANGE_ALIASES.get(exchange, exchange)
        primary = _norm(contract.primaryExchange)
        primary = EXCHANGE_ALIASES.get(primary, primary)
        currency = _norm(contract.currency)
        trading_class = _norm(contract.tradingClass)
        expiry = contract.lastTradeDateOrContractMonth.strip().replace("-", "")[:8]
        multiplier = contract.multiplier.strip()
        out: list[Instrument] = []
        for inst in self.instruments:
            if symbol and inst.symbol != symbol:
                continue
            if local and inst.localSymbol.upper() != local:
                continue
            if sec_type and inst.secType != sec_type:
                continue
            if exchange and exchange not in inst.validExchanges and exchange != inst.exchange:
                continue
            if primary and inst.primaryExchange and primary != inst.primaryExchange:
                continue
            if currency and inst.currency != currency:
                continue
            if trading_class and inst.tradingClass != trading_class:
                continue
            if expiry and not inst.lastTradeDateOrContractMonth.startswith(expiry):
                continue
            if multiplier and (
                not inst.multiplier_str or float(multiplier) != float(inst.multiplier_str)
            ):
                continue
            out.append(inst)
        return out

    def matching_symbols(self, pattern: str) -> list[ContractDescription]:
        """reqMatchingSymbols: symbol prefix matches first, then names with a word starting so.

        One entry per underlying: stocks, indices, a forex pair per conId, and each futures root
        once (its front contract). At most 16, like TWS.
        """
        p = pattern.strip().upper()
        if not p:
            return []
        roots_seen: set[str] = set()
        prefix: list[Instrument] = []
        named: list[Instrument] = []
        for inst in self.instruments:
            if inst.secType == "FUT":
                if inst.symbol in roots_seen:
                    continue
                roots_seen.add(inst.symbol)
            key = inst.localSymbol.replace(".", "") if inst.secType == "CASH" else inst.symbol
            if key.startswith(p) or inst.localSymbol.upper().startswith(p):
                prefix.append(inst)
            elif any(word.startswith(p) for word in inst.longName.upper().split()):
                named.append(inst)
        derivatives = {"STK": [], "IND": ["FUT"], "CASH": [], "FUT": []}
        return [
            inst.description(list(derivatives.get(inst.secType, [])))
            for inst in (prefix + named)[:MAX_MATCHING_SYMBOLS]
        ]


def _build(raw: dict[str, Any], as_of: float) -> list[Instrument]:
    sessions = {
        name: SessionSpec.parse(s["timeZoneId"], s["trading"], s["liquid"], s.get("calendar", ""))
        for name, s in raw["sessions"].items()
    }
    paths: dict[str, dict[str, float]] = raw["paths"]

    def path_params(entry: dict[str, Any], own_key: str) -> tuple[str, float, float, float]:
        key = entry.get("path", own_key)
        if key in paths:
            return key, float(entry.get("factor", 1.0)), paths[key]["price"], paths[key]["vol"]
        return key, 1.0, float(entry["price"]), float(entry["vol"])

    out: list[Instrument] = []
    for s in raw["stocks"]:
        key, factor, price, vol = path_params(s, s["symbol"])
        out.append(
            Instrument(
                conId=int(s["conId"]),
                symbol=s["symbol"],
                secType="STK",
                exchange="SMART",
                primaryExchange=s["primaryExchange"],
                currency="USD",
                localSymbol=s["symbol"],
                tradingClass="NMS" if s["primaryExchange"] == "NASDAQ" else s["symbol"],
                minTick=0.01,
                multiplier=1.0,
                sessions=sessions["us_stock"],
                longName=s["longName"],
                path_key=key,
                price_factor=factor,
                ref_price=price,
                volatility=vol,
                adv=float(s["adv"]),
                industry=s.get("industry", ""),
                category=s.get("category", ""),
                subcategory=s.get("subcategory", ""),
                stockType=s.get("stockType", "COMMON"),
                dividend_yield=float(s.get("divYield", 0.0)),
                validExchanges=STK_EXCHANGES,
                marketRuleId=26,
            )
        )
    for f in raw["forex"]:
        pair = f"{f['symbol']}.{f['currency']}"
        key, factor, price, vol = path_params(f, pair)
        out.append(
            Instrument(
                conId=int(f["conId"]),
                symbol=f["symbol"],
                secType="CASH",
                exchange="IDEALPRO",
                currency=f["currency"],
                localSymbol=pair,
                tradingClass=pair,
                minTick=0.005 if f["currency"] == "JPY" else 0.00005,
                multiplier=1.0,
                sessions=sessions["idealpro"],
                longName=f["longName"],
                path_key=key,
                price_factor=factor,
                ref_price=price,
                volatility=vol,
                adv=3e9,
                validExchanges=("IDEALPRO",),
                marketRuleId=240 if f["currency"] == "JPY" else 239,
            )
        )
    for i in raw["indices"]:
        key, factor, price, vol = path_params(i, i["symbol"])
        out.append(
            Instrument(
                conId=int(i["conId"]),
                symbol=i["symbol"],
                secType="IND",
                exchange=i["exchange"],
                currency="USD",
                localSymbol=i["symbol"],
                tradingClass=i["symbol"],
                minTick=float(i["minTick"]),
                multiplier=1.0,
                sessions=sessions[i["sessions"]],
                longName=i["longName"],
                path_key=key,
                price_factor=factor,
                ref_price=price,
                volatility=vol,
                adv=0.0,
                validExchanges=(i["exchange"],),
                marketRuleId=109,
            )
        )
    future_rules: dict[float, int] = {}  # one market rule per tick size, 67 onwards
    for root in raw["futures"]:
        rule = future_rules.setdefault(float(root["minTick"]), 67 + len(future_rules))
        spec = sessions[root["sessions"]]
        today = local_date(spec, as_of)
        key, factor, price, vol = path_params(root, root["symbol"])
        expiries = next_expiries(root["cycle"], root["expiryRule"], today)
        for n, (year, month, ltd) in enumerate(expiries):
            local = f"{root['symbol']}{MONTH_CODES[month - 1]}{year % 10}"
            last = f"{ltd:%Y%m%d}"
            volume_share = (0.8, 0.12, 0.05, 0.03)[n]
            out.append(
                Instrument(
                    conId=_derived_con_id(root["exchange"], local, last),
                    symbol=root["symbol"],
                    secType="FUT",
                    exchange=root["exchange"],
                    currency="USD",
                    localSymbol=local,
                    tradingClass=root["tradingClass"],
                    lastTradeDateOrContractMonth=last,
                    lastTradeTime=spec.liquid[1].strftime("%H:%M"),
                    minTick=float(root["minTick"]),
                    multiplier=float(root["multiplier"]),
                    sessions=spec,
                    longName=root["longName"],
                    path_key=key,
                    price_factor=factor * (1.0 + 0.004 * n),  # carry: later expiries trade higher
                    ref_price=price,
                    volatility=vol,
                    adv=float(root["adv"]) * volume_share,
                    margin=float(root["margin"]),
                    underConId=int(root.get("underConId", 0)),
                    validExchanges=(root["exchange"], "QBALGO"),
                    marketRuleId=rule,
                )
            )
    return out
