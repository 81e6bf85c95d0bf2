"""What the simulated scanner offers, with IB's names: instrument types, the location tree,
scan codes and the filters (`parameters.py` writes them as TWS's XML, `ranking.py` runs them).

Only what the simulated market can compute honestly is listed: no 13/26/52-week or
option-volume scans (see the README). HIGH/LOW_OPT_IMP_VOLAT rank by the annual volatility of
the stock's simulated price process, the volatility an option model on it would imply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from terminal_app.simulator.market.instruments import Instrument
from terminal_app.simulator.scanner.snapshot import Snap


@dataclass(frozen=True)
class InstrumentType:
    code: str  # ScannerSubscription.instrument
    name: str
    filters: tuple[str, ...]  # FilterList ids that apply
    accepts: Callable[[Instrument], bool]


@dataclass(frozen=True)
class Location:
    code: str  # ScannerSubscription.locationCode
    name: str
    instrument: str
    route: str
    children: tuple[Location, ...] = ()
    # Whether an instrument of this location's type lists here (leaves); parents take the union.
    holds: Callable[[Instrument], bool] = lambda _inst: False

    def contains(self, inst: Instrument) -> bool:
        return self.holds(inst) or any(child.contains(inst) for child in self.children)

    def walk(self) -> list[Location]:
        return [self, *(node for child in self.children for node in child.walk())]


@dataclass(frozen=True)
class ScanCode:
    code: str
    name: str
    column: str  # the value column TWS shows for the scan
    instruments: tuple[str, ...]
    value: Callable[[Snap], float | None]  # None: not ranked (e.g. no print yet)
    descending: bool = True
    keep: Callable[[float], bool] = lambda _v: True


def _is_etf(inst: Instrument) -> bool:
    return inst.secType == "STK" and inst.stockType == "ETF"


def _listed_on(*exchanges: str) -> Callable[[Instrument], bool]:
    return lambda inst: inst.secType == "STK" and inst.primaryExchange in exchanges


def _future_on(exchange: str) -> Callable[[Instrument], bool]:
    return lambda inst: inst.secType == "FUT" and inst.exchange == exchange


_STK_FILTERS = ("PRICE", "VOLUME", "AVGVOLUME", "MKTCAP", "CHANGEPERC")
INSTRUMENT_TYPES: tuple[InstrumentType, ...] = (
    InstrumentType("STK", "US Stocks", _STK_FILTERS, lambda i: i.secType == "STK"),
    InstrumentType(
        "ETF.EQ.US", "US Equity ETFs", ("PRICE", "VOLUME", "AVGVOLUME", "CHANGEPERC"), _is_etf
    ),
    InstrumentType("IND.US", "US Indexes", ("CHANGEPERC",), lambda i: i.secType == "IND"),
    InstrumentType(
        "FUT.US", "US Futures", ("PRICE", "VOLUME", "CHANGEPERC"), lambda i: i.secType == "FUT"
    ),
)

LOCATIONS: tuple[Location, ...] = (
    Location(
        "STK.US",
        "US Stocks",
        "STK",
        "SMART",
        (
            Location(
                "STK.US.MAJOR",
                "Listed/NASDAQ",
                "STK",
                "SMART",
                (
                    Location("STK.NYSE", "NYSE", "STK", "NYSE", holds=_listed_on("NYSE")),
                    Location("STK.NASDAQ", "NASDAQ", "STK", "NASDAQ", holds=_listed_on("NASDAQ")),
                    Location("STK.ARCA", "NYSE Arca", "STK", "ARCA", holds=_listed_on("ARCA")),
                    Location("STK.BATS", "Cboe BZX", "STK", "BATS", holds=_listed_on("BATS")),
                ),
            ),
        ),
    ),
    Location(
        "ETF.EQ.US",
        "US Equity ETFs",
        "ETF.EQ.US",
        "SMART",
        (Location("ETF.EQ.US.MAJOR", "Listed/NASDAQ", "ETF.EQ.US", "SMART", holds=_is_etf),),
    ),
    Location(
        "IND.US",
        "US Indexes",
        "IND.US",
        "SMART",
        holds=lambda i: i.secType == "IND",
    ),
    Location(
        "FUT.US",
        "US Futures",
        "FUT.US",
        "SMART",
        tuple(
            Location(f"FUT.{x}", x, "FUT.US", x, holds=_future_on(x))
            for x in ("CME", "CBOT", "NYMEX", "COMEX")
        ),
    ),
)


def find_location(code: str) -> Location | None:
    for root in LOCATIONS:
        for node in root.walk():
            if node.code == code:
                return node
    return None


def _positive(v: float) -> bool:
    return v > 0


def _negative(v: float) -> bool:
    return v < 0


_ALL = ("STK", "ETF.EQ.US", "IND.US", "FUT.US")
_TRADED = ("STK", "ETF.EQ.US", "FUT.US")
_EQUITY = ("STK", "ETF.EQ.US")

SCAN_CODES: tuple[ScanCode, ...] = (
    ScanCode("TOP_PERC_GAIN", "Top % Gainers", "Change %", _ALL, Snap.change_pct, keep=_positive),
    ScanCode(
        "TOP_PERC_LOSE",
        "Top % Losers",
        "Change %",
        _ALL,
        Snap.change_pct,
        descending=False,
        keep=_negative,
    ),
    ScanCode(
        "TOP_OPEN_PERC_GAIN",
        "Top % Gainers Since Open",
        "Change Since Open %",
        _ALL,
        Snap.change_since_open_pct,
        keep=_positive,
    ),
    ScanCode(
        "TOP_OPEN_PERC_LOSE",
        "Top % Losers Since Open",
        "Change Since Open %",
        _ALL,
        Snap.change_since_open_pct,
        descending=False,
        keep=_negative,
    ),
    ScanCode(
        "HIGH_OPEN_GAP", "Top Close-to-Open % Gainers", "Gap %", _ALL, Snap.gap_pct, keep=_positive
    ),
    ScanCode(
        "LOW_OPEN_GAP",
        "Top Close-to-Open % Losers",
        "Gap %",
        _ALL,
        Snap.gap_pct,
        descending=False,
        keep=_negative,
    ),
    ScanCode("MOST_ACTIVE", "Most Active", "Volume", _TRADED, Snap.traded_volume, keep=_positive),
    ScanCode(
        "MOST_ACTIVE_USD",
        "Most Active ($)",
        "Volume ($)",
        _EQUITY,
        Snap.dollar_volume,
        keep=_positive,
    ),
    ScanCode(
        "TOP_TRADE_COUNT", "Top Trade Count", "Trade Count", _TRADED, Snap.trades, keep=_positive
    ),
    ScanCode(
        "HOT_BY_VOLUME",
        "Hot Contracts by Volume",
        "Volume / Avg Volume",
        _TRADED,
        Snap.relative_volume,
        keep=_positive,
    ),
    ScanCode(
        "TOP_PRICE_RANGE",
        "Top Price Range",
        "Range % of Close",
        _ALL,
        Snap.range_pct,
        keep=_positive,
    ),
    ScanCode(
        "HIGH_OPT_IMP_VOLAT", "Highest Option Implied Vol", "Opt Imp Vol", _EQUITY, Snap.model_vol
    ),
    ScanCode(
        "LOW_OPT_IMP_VOLAT",
        "Lowest Option Implied Vol",
        "Opt Imp Vol",
        _EQUITY,
        Snap.model_vol,
        descending=False,
    ),
)
SCAN_BY_CODE = {scan.code: scan for scan in SCAN_CODES}
INSTRUMENT_BY_CODE = {kind.code: kind for kind in INSTRUMENT_TYPES}


@dataclass(frozen=True)
class RangeFilter:
    id: str
    category: str
    above: str  # AbstractField codes, as sent in scannerSubscriptionFilterOptions
    below: str
    label: str


FILTERS: tuple[RangeFilter, ...] = (
    RangeFilter("PRICE", "Price", "priceAbove", "priceBelow", "Price"),
    RangeFilter("VOLUME", "Volume", "volumeAbove", "volumeBelow", "Volume"),
    RangeFilter("AVGVOLUME", "Volume", "avgVolumeAbove", "avgVolumeBelow", "Average Volume"),
    RangeFilter(
        "MKTCAP", "Fundamentals", "marketCapAbove1e6", "marketCapBelow1e6", "Market Cap ($M)"
    ),
    RangeFilter("CHANGEPERC", "Price", "changePercAbove", "changePercBelow", "Change %"),
)
