"""Historical data: bars (with keepUpToDate), head timestamp, historical ticks, and IB's pacing.

Pacing like IB: more than 60 historical requests within 10 minutes from one client → error 162
(the request is refused, not queued). Dates go out the way TWS formats them: daily and longer
bars as `YYYYMMDD`; intraday bars with formatDate 1 as `YYYYMMDD HH:MM:SS America/New_York`, with
formatDate 2 as epoch seconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfoNotFoundError

from ib_async import BarData

from terminal_app.simulator.handlers.contracts import resolve
from terminal_app.simulator.handlers.registry import handles
from terminal_app.simulator.handlers.schedule import send_schedule
from terminal_app.simulator.market import HistoricalDataError
from terminal_app.simulator.market.calendar import zone
from terminal_app.simulator.streams import HISTORY

if TYPE_CHECKING:
    from terminal_app.simulator.connection import Connection
    from terminal_app.simulator.gateway import SimulatedGateway
    from terminal_app.simulator.market.instruments import Instrument
    from terminal_app.simulator.protocol.codec import Request
    from terminal_app.simulator.timers import Repeater

log = logging.getLogger(__name__)

ERR_HISTORY = 162
ERR_VALIDATION = 321
ERR_PROCESSING = 322
TWS_ZONE = "America/New_York"
HMDS = "Historical Market Data Service error message:"
# keepUpToDate: how often (host seconds) the bar in progress is checked for changes.
UPDATE_INTERVAL_S = 0.5


def _paced(gw: SimulatedGateway, conn: Connection, req_id: int) -> bool:
    """Count one historical request; False (and error 162) when it exceeds IB's pacing."""
    now = time.monotonic()
    times = conn.history_times
    window = gw.config.history_window_s
    while times and now - times[0] > window:
        times.popleft()
    if len(times) >= gw.config.history_requests_per_window:
        log.warning("%r: historical data pacing violation (reqId %d)", conn, req_id)
        conn.error(
            req_id,
            ERR_HISTORY,
            f"{HMDS}Historical data request pacing violation: "
            f"more than {gw.config.history_requests_per_window} requests in "
            f"{window / 60:g} minutes",
        )
        return False
    times.append(now)
    return True


def parse_end(text: str) -> datetime | None:
    """endDateTime as clients send it: empty (now), `YYYYMMDD[ -]HH:MM:SS[ zone]`, `YYYYMMDD`.

    A dash form is UTC (IB's rule); a zone-less time is TWS's zone (New York here). Raises
    ValueError, for an unknown zone too.
    """
    text = text.strip()
    if not text:
        return None
    if "-" in text[:9] and len(text) >= 17:
        return datetime.strptime(text[:17], "%Y%m%d-%H:%M:%S").replace(tzinfo=UTC)
    parts = text.split()
    if len(parts) == 1 and len(text) == 8:
        return datetime.strptime(text, "%Y%m%d").replace(tzinfo=zone(TWS_ZONE))
    local = datetime.strptime(" ".join(parts[:2]), "%Y%m%d %H:%M:%S")
    try:
        tz = zone(parts[2]) if len(parts) > 2 else zone(TWS_ZONE)
    except ZoneInfoNotFoundError as exc:
        raise ValueError(f"unknown time zone {parts[2]!r}") from exc
    return local.replace(tzinfo=tz)


def format_bar_date(value: date | datetime, format_date: int) -> str:
    if not isinstance(value, datetime):
        return value.strftime("%Y%m%d")
    if format_date == 2:
        return str(int(value.timestamp()))
    return f"{value.astimezone(zone(TWS_ZONE)):%Y%m%d %H:%M:%S} {TWS_ZONE}"


def _wire_bar(bar: BarData, format_date: int) -> BarData:
    return BarData(
        date=format_bar_date(bar.date, format_date),  # type: ignore[arg-type]
        open=bar.open,
        high=bar.high,
        low=bar.low,
        close=bar.close,
        volume=bar.volume,
        average=bar.average,
        barCount=bar.barCount,
    )


def _window_text(t: datetime) -> str:
    return f"{t.astimezone(zone(TWS_ZONE)):%Y%m%d %H:%M:%S} {TWS_ZONE}"


def _paced_instrument(gw: SimulatedGateway, conn: Connection, req: Request) -> Instrument | None:
    """The instrument of a paced historical request (None once its error is sent)."""
    req_id = int(req["reqId"])
    if not _paced(gw, conn, req_id):
        return None
    return resolve(gw, conn, req_id, req["contract"])


@handles("reqHistoricalData")
def req_historical_data(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    keep = bool(req["keepUpToDate"])
    inst = _paced_instrument(gw, conn, req)
    if inst is None:
        return
    try:
        end = parse_end(req["endDateTime"])
    except ValueError:
        conn.error(
            req_id,
            ERR_VALIDATION,
            f"Error validating request: endDateTime {req['endDateTime']!r} is not a valid date",
        )
        return
    if keep and end is not None:
        conn.error(
            req_id,
            ERR_VALIDATION,
            "Error validating request: keepUpToDate requires an empty endDateTime",
        )
        return
    bar_size, what, rth = str(req["barSizeSetting"]), str(req["whatToShow"]), bool(req["useRTH"])
    if what.upper() == "SCHEDULE":
        send_schedule(gw, conn, req_id, inst, end, str(req["durationStr"]), rth)
        return
    format_date = int(req["formatDate"] or 1)
    steps = gw.market.bar_steps(inst.conId, end, str(req["durationStr"]), bar_size, what, rth)
    end_t = end or gw.clock.now()
    # The request is a subscription from now on: cancelHistoricalData (ib_async sends it when
    # it gives up waiting), a 1101 or the client leaving abandon a reply still being made.
    reply = _Reply()
    conn.subscribe(req_id, HISTORY, reply.stop)

    def sent(ok: bool) -> None:
        if not (ok and keep):
            conn.unsubscribe(req_id, HISTORY)
            return
        stream = BarUpdates(
            gw, conn, req_id, inst, bar_size, what, rth, format_date, bars[-1] if bars else None
        )
        reply.updates = conn.repeat(stream.step, UPDATE_INTERVAL_S, f"keepUpToDate {req_id}")

    bars: list[BarData] = []

    def compute() -> bool:
        """One slice of the bars (5 years of daily bars take ~0.5 s), then the reply."""
        nonlocal bars
        try:
            next(steps)
            return True
        except StopIteration as done:
            bars = done.value
        except HistoricalDataError as exc:
            conn.unsubscribe(req_id, HISTORY)
            conn.error(req_id, exc.code, exc.message)
            return False
        except Exception as exc:
            log.exception("%r: reqHistoricalData %d failed", conn, req_id)
            conn.unsubscribe(req_id, HISTORY)
            conn.error(req_id, ERR_PROCESSING, f"reqHistoricalData failed: {exc}")
            return False
        start_t = bars[0].date if bars else end_t
        if not isinstance(start_t, datetime):
            start_t = datetime(start_t.year, start_t.month, start_t.day, tzinfo=zone(TWS_ZONE))
        reply.abandon = conn.send_sliced(
            req_id,
            "historicalData",
            sent,
            reqId=req_id,
            start=_window_text(start_t),
            end=_window_text(end_t),
            bars=_WireBars(bars, format_date),
        )
        return False

    reply.abandon = conn.in_slices(compute)


@dataclass
class _Reply:
    """A history request in flight: its reply being encoded, then its keepUpToDate updates."""

    abandon: Callable[[], None] | None = None
    updates: Repeater | None = None

    def stop(self) -> None:
        if self.abandon is not None:
            self.abandon()
        if self.updates is not None:
            self.updates.cancel()


class _WireBars:
    """Bars with their dates as TWS writes them, made as the reply's slices encode them (the
    date formatting is a large part of a big reply's cost)."""

    def __init__(self, bars: list[BarData], format_date: int) -> None:
        self._bars = bars
        self._format_date = format_date

    def __len__(self) -> int:
        return len(self._bars)

    def __iter__(self) -> Iterator[BarData]:
        return (_wire_bar(bar, self._format_date) for bar in self._bars)


@dataclass
class BarUpdates:
    """keepUpToDate: the bar in progress whenever it changes (historicalDataUpdate, id 90)."""

    gw: SimulatedGateway
    conn: Connection
    req_id: int
    inst: Instrument
    bar_size: str
    what: str
    rth: bool
    format_date: int
    sent: BarData | None

    def step(self) -> float | None:
        try:
            bar = self.gw.market.current_bar(self.inst.conId, self.bar_size, self.what, self.rth)
        except HistoricalDataError as exc:
            self.conn.error(self.req_id, exc.code, exc.message)
            return None
        sent = self.sent
        if bar is not None and bar != sent and (sent is None or _key(bar.date) >= _key(sent.date)):
            self.sent = bar
            self.conn.send(
                "historicalDataUpdate", reqId=self.req_id, bar=_wire_bar(bar, self.format_date)
            )
        return UPDATE_INTERVAL_S


def _key(value: date | datetime) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()


@handles("cancelHistoricalData")
def cancel_historical_data(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    if not conn.unsubscribe(req_id, HISTORY):
        log.info("%r: cancelHistoricalData for reqId %d that is not streaming", conn, req_id)


@handles("reqHeadTimeStamp")
def req_head_timestamp(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    inst = resolve(gw, conn, req_id, req["contract"])
    if inst is None:
        return
    try:
        head = gw.market.head_timestamp(inst.conId, str(req["whatToShow"]), bool(req["useRTH"]))
    except HistoricalDataError as exc:
        conn.error(req_id, exc.code, exc.message)
        return
    conn.send(
        "headTimestamp", reqId=req_id, timestamp=format_bar_date(head, int(req["formatDate"] or 1))
    )


@handles("cancelHeadTimeStamp")
def cancel_head_timestamp(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    """Head timestamps are answered at once: nothing is left to cancel."""


@handles("reqHistoricalTicks")
def req_historical_ticks(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    inst = _paced_instrument(gw, conn, req)
    if inst is None:
        return
    try:
        start = parse_end(req["startDateTime"])
        end = parse_end(req["endDateTime"])
    except ValueError:
        conn.error(req_id, ERR_VALIDATION, "Error validating request: bad start or end time")
        return
    what = str(req["whatToShow"]).upper()
    try:
        rows = cast(
            "list[Any]",
            gw.market.historical_ticks(
                inst.conId, start, end, int(req["numberOfTicks"]), what, bool(req["useRth"])
            ),
        )
    except HistoricalDataError as exc:
        conn.error(req_id, exc.code, exc.message)
        return
    ticks: list[Any]
    if what == "TRADES":
        ticks = [
            SimpleNamespace(
                time=int(r.time.timestamp()),
                mask=_last_mask(r),
                price=r.price,
                size=r.size,
                exchange=r.exchange or inst.primaryExchange or inst.exchange,
                specialConditions=r.specialConditions,
            )
            for r in rows
        ]
        conn.send("historicalTicksLast", reqId=req_id, ticks=ticks, done=True)
    elif what == "BID_ASK":
        ticks = [
            SimpleNamespace(
                time=int(r.time.timestamp()),
                mask=0,
                priceBid=r.priceBid,
                priceAsk=r.priceAsk,
                sizeBid=r.sizeBid,
                sizeAsk=r.sizeAsk,
            )
            for r in rows
        ]
        conn.send("historicalTicksBidAsk", reqId=req_id, ticks=ticks, done=True)
    else:
        ticks = [
            SimpleNamespace(time=int(r.time.timestamp()), price=r.price, size=r.size) for r in rows
        ]
        conn.send("historicalTicks", reqId=req_id, ticks=ticks, done=True)


def _last_mask(row: Any) -> int:
    attrib = row.tickAttribLast
    return int(attrib.pastLimit) | (int(attrib.unreported) << 1)
