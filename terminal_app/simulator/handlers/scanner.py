"""Market scanners: reqScannerParameters, reqScannerSubscription and its cancel.

A subscription ranks its candidates' quotes and sends the rows as one scannerData message
(ib_async and ibapi call scannerDataEnd after it), then again every `SCAN_PERIOD_S` simulated
seconds, as TWS refreshes most scans about every 30 s. Quoting a whole universe costs tens of
milliseconds per instrument the first time in a session, so each pass quotes one instrument
per server slice and shares recent quotes between subscriptions.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from ib_async import ScanData

from terminal_app.simulator.handlers.market_data import _new_stream_id
from terminal_app.simulator.handlers.registry import handles
from terminal_app.simulator.scanner import ScanError, ScanQuery, Snap, parse_query
from terminal_app.simulator.scanner.parameters import scanner_parameters_xml
from terminal_app.simulator.streams import SCANNER

if TYPE_CHECKING:
    from terminal_app.simulator.connection import Connection
    from terminal_app.simulator.gateway import SimulatedGateway
    from terminal_app.simulator.market import Market
    from terminal_app.simulator.market.instruments import Instrument
    from terminal_app.simulator.protocol.codec import Request

log = logging.getLogger(__name__)

ERR_SCANNER = 162  # TWS reports scanner request errors through the HMDS error (unverified text)
SCAN_PERIOD_S = 30.0  # simulated seconds between refreshes
MIN_PERIOD_HOST_S = 1.0  # never more often than this, however fast the clock runs
QUOTE_MAX_AGE_S = 5.0  # simulated seconds a quote is reused by other scans

_quotes: weakref.WeakKeyDictionary[Market, dict[int, tuple[float, Snap]]] = (
    weakref.WeakKeyDictionary()
)


def _snap(market: Market, inst: Instrument) -> Snap:
    cache = _quotes.setdefault(market, {})
    now = market.clock.epoch()
    hit = cache.get(inst.conId)
    if hit is not None and 0 <= now - hit[0] <= QUOTE_MAX_AGE_S:
        return hit[1]
    snap = Snap.of(inst, market.quote(inst.conId), _trade_count(market, inst))
    cache[inst.conId] = (now, snap)
    return snap


def _trade_count(market: Market, inst: Instrument) -> int:
    """Prints in the session so far (the daily bar's count; about 1.5 ms after the quote)."""
    if inst.secType not in ("STK", "FUT"):
        return 0
    bars = market.bars(inst.conId, None, "1 D", "1 day", "TRADES", False)
    return bars[-1].barCount if bars else 0


class ScanStream:
    """One subscription: a pass over its candidates, a slice at a time, then the rows."""

    def __init__(self, gw: SimulatedGateway, conn: Connection, req_id: int, query: ScanQuery):
        self.gw, self.conn, self.req_id, self.query = gw, conn, req_id, query
        self.candidates = query.candidates(gw.universe.instruments)
        self._pending: list[Instrument] = []
        self._snaps: list[Snap] = []
        self._abandon: Callable[[], None] | None = None
        self._repeater = conn.repeat(self._tick, 0.0, f"scanner {req_id}")

    def stop(self) -> None:
        self._repeater.cancel()
        if self._abandon is not None:
            self._abandon()
            self._abandon = None

    def _tick(self) -> float:
        if self._abandon is None:  # a pass still running is not restarted
            self._pending = list(reversed(self.candidates))
            self._snaps = []
            self._abandon = self.conn.in_slices(self._step)
        clock = self.gw.clock
        wait = clock.real_seconds_until(clock.epoch() + SCAN_PERIOD_S)
        return min(max(wait, MIN_PERIOD_HOST_S), SCAN_PERIOD_S)

    def _step(self) -> bool:
        if self._pending:
            self._snaps.append(_snap(self.gw.market, self._pending.pop()))
            return True
        self._abandon = None
        now = self.gw.clock.now()
        rows = [
            ScanData(rank, snap.inst.details(now), "", "", "", "")
            for rank, snap in enumerate(self.query.rank(self._snaps))
        ]
        self.conn.send("scannerData", reqId=self.req_id, rows=rows)
        return False


@handles("reqScannerParameters")
def scanner_parameters(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.send("scannerParameters", xml=scanner_parameters_xml())


@handles("reqScannerSubscription")
def scanner_subscription(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    if not _new_stream_id(conn, req_id):
        return
    try:
        query = parse_query(req["subscription"], req["filterOptions"])
    except ScanError as exc:
        conn.error(req_id, ERR_SCANNER, f"Historical Market Data Service error message:{exc}")
        return
    if query.ignored:
        log.info("%r: scanner %d ignores filters %s", conn, req_id, ", ".join(query.ignored))
    stream = ScanStream(gw, conn, req_id, query)
    conn.subscribe(req_id, SCANNER, stream.stop)


@handles("cancelScannerSubscription")
def cancel_scanner_subscription(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    """Unknown ids are ignored: ib_async's reqScannerData cancels after the rows arrived, and an
    error then would only be noise."""
    if not conn.unsubscribe(int(req["reqId"]), SCANNER):
        log.info("%r: cancel of unknown scanner %d", conn, req["reqId"])
