"""The scanner's catalog, parameter document and ranking rules, without a socket."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
from ib_async import ScannerSubscription, TagValue

from terminal_app.simulator.market import Quote
from terminal_app.simulator.market.instruments import Universe
from terminal_app.simulator.scanner import ScanError, Snap, parse_query, scanner_parameters_xml


def _quote(con_id: int, last: float, prev: float, volume: float) -> Quote:
    return Quote(con_id, 0.0, last - 0.01, last + 0.01, 100, 100, last, 1, 0.0, volume,
                 prev, max(last, prev), min(last, prev), prev, last)  # fmt: skip


def test_every_listed_scan_runs_on_every_listed_location() -> None:
    root = ET.fromstring(scanner_parameters_xml())
    roots = root.find("LocationTree")
    assert roots is not None
    locations = [
        (loc.findtext("instruments", ""), loc.findtext("locationCode", ""))
        for loc in roots.iter("Location")
    ]
    for scan in root.iterfind("ScanTypeList/ScanType"):
        kinds = (scan.findtext("instruments") or "").split(",")
        for kind, code in locations:
            if kind in kinds:
                sub = ScannerSubscription(
                    instrument=kind, locationCode=code, scanCode=scan.findtext("scanCode") or ""
                )
                assert parse_query(sub, []).rows == 50


@pytest.mark.parametrize(
    "sub",
    [
        ScannerSubscription(instrument="BOND", locationCode="STK.US", scanCode="TOP_PERC_GAIN"),
        ScannerSubscription(instrument="STK", locationCode="FUT.CME", scanCode="TOP_PERC_GAIN"),
        ScannerSubscription(instrument="IND.US", locationCode="IND.US", scanCode="MOST_ACTIVE"),
        ScannerSubscription(
            instrument="STK", locationCode="STK.US", scanCode="TOP_PERC_GAIN", stockTypeFilter="X"
        ),
    ],
)
def test_refused_subscriptions(sub: ScannerSubscription) -> None:
    with pytest.raises(ScanError):
        parse_query(sub, [])


def test_filters_and_ranking(universe: Universe) -> None:
    stocks = [i for i in universe.instruments if i.secType == "STK"]
    moves = {"AAPL": 3.0, "MSFT": 1.0, "F": 5.0, "SPY": 4.0, "KO": -2.0}
    snaps = []
    for inst in stocks:
        change = moves.get(inst.symbol, 0.0)
        prev = inst.ref_price
        snaps.append(Snap.of(inst, _quote(inst.conId, prev * (1 + change / 100), prev, 1e6)))
    sub = ScannerSubscription(
        instrument="STK", locationCode="STK.US.MAJOR", scanCode="TOP_PERC_GAIN", numberOfRows=10
    )
    query = parse_query(sub, [])
    assert [s.inst.symbol for s in query.rank(snaps)] == ["F", "SPY", "AAPL", "MSFT"]
    sub.stockTypeFilter = "CORP"
    assert [s.inst.symbol for s in parse_query(sub, []).rank(snaps)] == ["F", "AAPL", "MSFT"]
    sub.stockTypeFilter = "ALL"
    # market caps scale with price: F's (about 46 $B here) is under the bound, ETFs have none
    big = parse_query(sub, [TagValue("marketCapAbove1e6", "100000")])
    assert [s.inst.symbol for s in big.rank(snaps)] == ["AAPL", "MSFT"]
    sub.numberOfRows = 1
    assert [s.inst.symbol for s in parse_query(sub, []).rank(snaps)] == ["F"]
    losers = ScannerSubscription(
        instrument="STK", locationCode="STK.NYSE", scanCode="TOP_PERC_LOSE", belowPrice=70
    )
    assert [s.inst.symbol for s in parse_query(losers, []).rank(snaps)] == ["KO"]  # at 63.70
    losers.belowPrice = 60
    assert parse_query(losers, []).rank(snaps) == []
    ignored = parse_query(sub, [TagValue("optVolumeAbove", "1000")])
    assert ignored.ignored == ("optVolumeAbove",)
    no_print = Snap.of(stocks[0], _quote(stocks[0].conId, math.nan, 100, 0))
    assert no_print.change_pct() is None
