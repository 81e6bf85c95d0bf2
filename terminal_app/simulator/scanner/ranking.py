"""A scanner subscription checked against the catalog, its filters, and the ranking of a
market snapshot by its scan code."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ib_async import ScannerSubscription, TagValue
from ib_async.util import UNSET_DOUBLE, UNSET_INTEGER

from terminal_app.simulator.market.instruments import Instrument
from terminal_app.simulator.scanner.catalog import (
    FILTERS,
    INSTRUMENT_BY_CODE,
    SCAN_BY_CODE,
    InstrumentType,
    Location,
    ScanCode,
    find_location,
)
from terminal_app.simulator.scanner.snapshot import Snap

MAX_ROWS = 50  # TWS returns at most 50 rows per scan

# Filter field code -> what it bounds; "Above" codes are lower bounds.
_MEASURES: dict[str, Callable[[Snap], float | None]] = {
    "PRICE": lambda s: s.price,
    "VOLUME": lambda s: s.volume if s.inst.has_trades else None,
    "AVGVOLUME": lambda s: s.inst.adv if s.inst.has_trades else None,
    "MKTCAP": lambda s: s.market_cap,
    "CHANGEPERC": Snap.change_pct,
}
_BOUND_CODES = {f.above: (f.id, True) for f in FILTERS} | {f.below: (f.id, False) for f in FILTERS}
_BOUND_CODES |= {"usdMarketCapAbove": ("MKTCAP", True), "usdMarketCapBelow": ("MKTCAP", False)}
# ScannerSubscription.stockTypeFilter -> the stock types it keeps.
_STOCK_TYPES = {"ALL": None, "": None, "CORP": {"COMMON"}, "COMMON": {"COMMON"}, "ETF": {"ETF"}}


class ScanError(ValueError):
    """The subscription names something TWS would refuse (error 162's text)."""


@dataclass(frozen=True)
class Bound:
    measure: str
    lower: bool
    value: float

    def admits(self, snap: Snap) -> bool:
        got = _MEASURES[self.measure](snap)
        if got is None or not math.isfinite(got):
            return False
        return got >= self.value if self.lower else got <= self.value


@dataclass(frozen=True)
class ScanQuery:
    scan: ScanCode
    kind: InstrumentType
    location: Location
    rows: int
    bounds: tuple[Bound, ...]
    stock_types: frozenset[str] | None
    ignored: tuple[str, ...] = field(default=())  # filter codes the simulator does not serve

    def lists(self, inst: Instrument) -> bool:
        """Whether the scan's instrument type, location and stock type take `inst`."""
        return (
            self.kind.accepts(inst)
            and self.location.contains(inst)
            and (self.stock_types is None or inst.stockType in self.stock_types)
        )

    def candidates(self, instruments: Iterable[Instrument]) -> list[Instrument]:
        return [inst for inst in instruments if self.lists(inst)]

    def rank(self, snaps: Iterable[Snap]) -> list[Snap]:
        scored: list[tuple[float, str, Snap]] = []
        for snap in snaps:
            if not self.lists(snap.inst) or not all(b.admits(snap) for b in self.bounds):
                continue
            value = self.scan.value(snap)
            if value is None or not math.isfinite(value) or not self.scan.keep(value):
                continue
            scored.append((-value if self.scan.descending else value, snap.inst.localSymbol, snap))
        scored.sort(key=lambda row: (row[0], row[1]))
        return [snap for _, _, snap in scored[: self.rows]]


def _set(value: float) -> bool:
    return value not in (UNSET_DOUBLE, UNSET_INTEGER) and math.isfinite(value)


def parse_query(sub: ScannerSubscription, filter_options: list[TagValue]) -> ScanQuery:
    """Raises ScanError with TWS-like text for an unknown instrument, location or scan code."""
    kind = INSTRUMENT_BY_CODE.get(sub.instrument)
    if kind is None:
        raise ScanError(f"Scanner instrument type {sub.instrument!r} is not supported")
    scan = SCAN_BY_CODE.get(sub.scanCode)
    if scan is None or kind.code not in scan.instruments:
        raise ScanError(f"Scan code {sub.scanCode!r} is not available for {kind.code}")
    location = find_location(sub.locationCode)
    if location is None or location.instrument != kind.code:
        raise ScanError(f"Location code {sub.locationCode!r} is not valid for {kind.code}")
    stock_filter = sub.stockTypeFilter.upper()
    if stock_filter not in _STOCK_TYPES:
        raise ScanError(f"Stock type filter {sub.stockTypeFilter!r} is not supported")
    stock_types = _STOCK_TYPES[stock_filter]
    bounds = [
        Bound(measure, lower, float(value))
        for measure, lower, value in (
            ("PRICE", True, sub.abovePrice),
            ("PRICE", False, sub.belowPrice),
            ("VOLUME", True, sub.aboveVolume),
            ("MKTCAP", True, sub.marketCapAbove),
            ("MKTCAP", False, sub.marketCapBelow),
        )
        if _set(value)
    ]
    ignored: list[str] = []
    for tag in filter_options:
        target = _BOUND_CODES.get(tag.tag)
        try:
            number = float(tag.value)
        except ValueError:
            target = None
        if target is None:
            ignored.append(tag.tag)
        else:
            bounds.append(Bound(target[0], target[1], number))
    rows = MAX_ROWS if sub.numberOfRows <= 0 else min(sub.numberOfRows, MAX_ROWS)
    return ScanQuery(
        scan,
        kind,
        location,
        rows,
        tuple(bounds),
        frozenset(stock_types) if stock_types is not None else None,
        tuple(ignored),
    )
