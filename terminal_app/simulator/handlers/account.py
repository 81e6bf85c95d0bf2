"""The paper account: account updates, positions, account summary, multi updates, PnL streams.

Every stream sends its full picture on request, then once a second only what changed (diffed
against what this client was last sent), so price moves show within a second; positions and
portfolio changes of a fill go out at once, behind its execDetails.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from terminal_app.simulator.handlers.registry import handles
from terminal_app.simulator.market.calendar import zone

if TYPE_CHECKING:
    from ib_async import AccountValue

    from terminal_app.simulator.connection import Connection
    from terminal_app.simulator.gateway import SimulatedGateway
    from terminal_app.simulator.protocol.codec import Request

log = logging.getLogger(__name__)

ERR_VALIDATION = 321
STREAM_INTERVAL_S = 1.0
# Streams without a reqId of their own are kept under these keys in the connection.
ACCOUNT_UPDATES_KEY = -100
POSITIONS_KEY = -101


@dataclass
class Stream:
    """One account stream of one client: `refresh(full)` sends what changed (or everything)."""

    refresh: Callable[[bool], None]
    sent: dict[Any, Any] = field(default_factory=dict)

    def step(self) -> float:
        self.refresh(False)
        return STREAM_INTERVAL_S


# Each client's position and portfolio streams, refreshed at once after a fill.
_FILL_STREAMS: weakref.WeakKeyDictionary[Connection, dict[int, Stream]] = (
    weakref.WeakKeyDictionary()
)
FILL_DRIVEN = ("positions", "accountUpdates")


def _start(conn: Connection, key: int, kind: str, refresh: Callable[[Stream, bool], None]) -> None:
    stream = Stream(lambda full: None)
    stream.refresh = lambda full: refresh(stream, full)
    stream.refresh(True)
    repeater = conn.repeat(stream.step, STREAM_INTERVAL_S, kind)
    if kind not in FILL_DRIVEN:
        conn.subscribe(key, kind, repeater.cancel)
        return
    streams = _FILL_STREAMS.setdefault(conn, {})
    streams[key] = stream

    def stop() -> None:
        repeater.cancel()
        if streams.get(key) is stream:
            del streams[key]

    conn.subscribe(key, kind, stop)


def after_fill(conn: Connection) -> None:
    """Send the position and portfolio changes of a fill now, right behind its execDetails, as
    TWS does: `ib.positions()` is current as soon as the client sees the fill."""
    for stream in list(_FILL_STREAMS.get(conn, {}).values()):
        stream.refresh(False)


def _account_ok(gw: SimulatedGateway, conn: Connection, req_id: int, account: str) -> bool:
    if account in ("", "All", gw.config.account):
        return True
    conn.error(req_id, ERR_VALIDATION, f"Error validating request: unknown account {account!r}")
    return False


def _changed(stream: Stream, key: Any, value: Any, full: bool) -> bool:
    if not full and stream.sent.get(key) == value:
        return False
    stream.sent[key] = value
    return True


# ---------------------------------------------------------------- reqAccountUpdates


@handles("reqAccountUpdates")
def account_updates(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    if not req["subscribe"]:
        conn.unsubscribe(ACCOUNT_UPDATES_KEY, "accountUpdates")
        return
    if not _account_ok(gw, conn, -1, str(req["acctCode"])):
        return
    account = gw.config.account

    def refresh(stream: Stream, full: bool) -> None:
        for value in gw.ledger.account_values():
            if _changed(stream, ("v", value.tag, value.currency), value.value, full):
                conn.send(
                    "updateAccountValue",
                    key=value.tag,
                    value=value.value,
                    currency=value.currency,
                    account=account,
                )
        for item in gw.ledger.portfolio():
            figures = (
                item.position,
                item.marketPrice,
                item.marketValue,
                item.averageCost,
                item.unrealizedPNL,
                item.realizedPNL,
            )
            if _changed(stream, ("p", item.contract.conId), figures, full):
                conn.send("updatePortfolio", contract=item.contract, item=item)
        minute = gw.clock.now().astimezone(zone("America/New_York")).strftime("%H:%M")
        if _changed(stream, "time", minute, full):
            conn.send("updateAccountTime", time=minute)
        if full:
            conn.send("accountDownloadEnd", account=account)

    _start(conn, ACCOUNT_UPDATES_KEY, "accountUpdates", refresh)


# ---------------------------------------------------------------- reqPositions


@handles("reqPositions")
def positions(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    def refresh(stream: Stream, full: bool) -> None:
        current = {p.contract.conId: p for p in gw.ledger.positions()}
        for con_id in [k for k in stream.sent if k not in current]:
            # A closed position is reported once more with size 0, as TWS does.
            gone = stream.sent.pop(con_id)
            conn.send(
                "position", account=gone.account, contract=gone.contract, position=0, avgCost=0.0
            )
        for con_id, pos in current.items():
            if full or stream.sent.get(con_id) != pos:
                stream.sent[con_id] = pos
                conn.send(
                    "position",
                    account=pos.account,
                    contract=pos.contract,
                    position=pos.position,
                    avgCost=pos.avgCost,
                )
        if full:
            conn.send("positionEnd")

    _start(conn, POSITIONS_KEY, "positions", refresh)


@handles("cancelPositions")
def cancel_positions(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.unsubscribe(POSITIONS_KEY, "positions")


# ---------------------------------------------------------------- reqAccountSummary


@handles("reqAccountSummary")
def account_summary(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    tags = str(req["tags"])
    _value_stream(gw, conn, req, "accountSummary", lambda: gw.ledger.summary(tags))


@handles("cancelAccountSummary")
def cancel_account_summary(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.unsubscribe(int(req["reqId"]), "accountSummary")


# ---------------------------------------------------------------- reqAccountUpdatesMulti


@handles("reqAccountUpdatesMulti")
def account_updates_multi(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    if _account_ok(gw, conn, int(req["reqId"]), str(req["account"])):
        values = gw.ledger.account_values
        _value_stream(gw, conn, req, "accountUpdateMulti", values, modelCode=req["modelCode"])


@handles("cancelAccountUpdatesMulti")
def cancel_account_updates_multi(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.unsubscribe(int(req["reqId"]), "accountUpdateMulti")


def _value_stream(
    gw: SimulatedGateway,
    conn: Connection,
    req: Request,
    message: str,
    values: Callable[[], Iterable[AccountValue]],
    **fixed: Any,
) -> None:
    """Account values by reqId, then `<message>End`: reqAccountSummary, reqAccountUpdatesMulti."""
    req_id = int(req["reqId"])
    account = gw.config.account

    def refresh(stream: Stream, full: bool) -> None:
        for value in values():
            if _changed(stream, (value.tag, value.currency), value.value, full):
                conn.send(
                    message,
                    reqId=req_id,
                    account=account,
                    tag=value.tag,
                    value=value.value,
                    currency=value.currency,
                    **fixed,
                )
        if full:
            conn.send(f"{message}End", reqId=req_id)

    _start(conn, req_id, message, refresh)


# ---------------------------------------------------------------- PnL


@handles("reqPnL")
def pnl(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    if not _account_ok(gw, conn, req_id, str(req["account"])):
        return

    def refresh(stream: Stream, full: bool) -> None:
        p = gw.ledger.pnl()
        figures = (p.dailyPnL, p.unrealizedPnL, p.realizedPnL)
        if _changed(stream, "pnl", figures, full):
            conn.send(
                "pnl",
                reqId=req_id,
                dailyPnL=p.dailyPnL,
                unrealizedPnL=p.unrealizedPnL,
                realizedPnL=p.realizedPnL,
            )

    _start(conn, req_id, "pnl", refresh)


@handles("reqPnLSingle")
def pnl_single(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    if not _account_ok(gw, conn, req_id, str(req["account"])):
        return
    con_id = int(req["conId"])
    if gw.universe.get(con_id) is None:
        conn.error(req_id, ERR_VALIDATION, f"Error validating request: unknown conId {con_id}")
        return

    def refresh(stream: Stream, full: bool) -> None:
        p = gw.ledger.pnl_single(con_id)
        figures = (p.position, p.dailyPnL, p.unrealizedPnL, p.realizedPnL, p.value)
        if _changed(stream, "pnl", figures, full):
            conn.send(
                "pnlSingle",
                reqId=req_id,
                position=p.position,
                dailyPnL=p.dailyPnL,
                unrealizedPnL=p.unrealizedPnL,
                realizedPnL=p.realizedPnL,
                value=p.value,
            )

    _start(conn, req_id, "pnlSingle", refresh)


@handles("cancelPnL", "cancelPnLSingle")
def cancel_pnl(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    conn.unsubscribe(int(req["reqId"]), "pnl", "pnlSingle")
