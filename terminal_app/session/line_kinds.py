"""How each kind of line is requested, cancelled and recognised at IB: one table entry per kind.

A new kind of line is one `LINE_KINDS` entry here, its handle in `subscriptions` and a session
method that builds its key and parameters; `lines.LineRegistry` shares, replays, marks STALE and
routes errors for every kind alike.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from ib_async import IB, BarDataList, RealTimeBarList, Ticker

from terminal_app.session import ib_internals
from terminal_app.session.subscriptions import TICK_CLASS, Kind, Line


class Wire(NamedTuple):
    """What a line kind needs to send its request."""

    ib: IB
    default_account: Callable[[], str]  # "" in a line's params means this account


@dataclass(frozen=True)
class LineKind:
    farm: str | None  # whose outage makes the line STALE: "market" (2103/2104), "hmds" (2105/2106)
    # Sends the request (from the bulk lane) and returns the live ib_async object; None for
    # keepUpToDate history, which the registry loads through the paced history scheduler.
    request: Callable[[Wire, Line], Any] | None
    cancel: Callable[[IB, Line, Any], object]  # cancels the request of the line's live object
    req_id: Callable[[IB, Line, Any], int]  # the request id on the wire of a live object
    # Whether an update of the live object is news for this line (kinds that share a Ticker).
    fresh: Callable[[Line, Any], bool] = lambda _line, _value: True
    # IB answers the request at once (a first quote, the book), so silence after an error 100
    # means the request was dropped.
    answers_at_once: bool = False


def _contract(line: Line) -> Any:
    assert line.contract is not None, f"{line.kind.value} lines need a contract"
    return line.contract


def _account(wire: Wire, line: Line) -> str:
    account: str = line.params["account"] or wire.default_account()
    line.params["resolved"] = account
    return account


def _request_pnl(wire: Wire, line: Line) -> Any:
    account, model = _account(wire, line), line.params["model"]
    if ib_internals.pnl_req_id(wire.ib, account, model):
        wire.ib.cancelPnL(account, model)  # after 1101: ib_async still has it
    return wire.ib.reqPnL(account, model)


def _request_pnl_single(wire: Wire, line: Line) -> Any:
    key = (_account(wire, line), line.params["model"], line.params["con_id"])
    if ib_internals.pnl_single_req_id(wire.ib, *key):
        wire.ib.cancelPnLSingle(*key)
    return wire.ib.reqPnLSingle(*key)


def _cancel_bars(ib: IB, _line: Line, bars: Any) -> None:
    if isinstance(bars, BarDataList):
        ib.cancelHistoricalData(bars)


def _cancel_realtime_bars(ib: IB, _line: Line, bars: Any) -> None:
    if isinstance(bars, RealTimeBarList):
        ib.cancelRealTimeBars(bars)


def _quote_fresh(_line: Line, ticker: Ticker) -> bool:
    # The Ticker is shared with depth and tick-by-tick lines: a read that only moved those is
    # no quote update.
    return bool(ticker.ticks) or not (ticker.domTicks or ticker.tickByTicks)


def _ticks_fresh(line: Line, ticker: Ticker) -> bool:
    wanted = TICK_CLASS[line.params["tick_type"]]
    return any(isinstance(tick, wanted) for tick in ticker.tickByTicks)


LINE_KINDS: dict[Kind, LineKind] = {
    Kind.MARKET: LineKind(
        farm="market",
        request=lambda w, line: w.ib.reqMktData(
            _contract(line), ",".join(sorted(line.params.get("generic", ())))
        ),
        cancel=lambda ib, line, _value: ib.cancelMktData(_contract(line)),
        req_id=lambda ib, _line, t: ib_internals.ticker_req_id(ib, t, ib_internals.MKT_DATA),
        fresh=_quote_fresh,
        answers_at_once=True,
    ),
    Kind.DEPTH: LineKind(
        farm="market",
        request=lambda w, line: w.ib.reqMktDepth(
            _contract(line), line.params["rows"], line.params["smart"]
        ),
        cancel=lambda ib, line, _value: ib.cancelMktDepth(_contract(line), line.params["smart"]),
        req_id=lambda ib, _line, t: ib_internals.ticker_req_id(ib, t, ib_internals.MKT_DEPTH),
        fresh=lambda _line, ticker: bool(ticker.domTicks),
        answers_at_once=True,
    ),
    Kind.TICKS: LineKind(
        farm="market",
        request=lambda w, line: w.ib.reqTickByTickData(_contract(line), line.params["tick_type"]),
        cancel=lambda ib, line, _value: ib.cancelTickByTickData(
            _contract(line), line.params["tick_type"]
        ),
        req_id=lambda ib, line, t: ib_internals.ticker_req_id(ib, t, line.params["tick_type"]),
        fresh=_ticks_fresh,
    ),
    Kind.BARS: LineKind(
        farm="hmds",
        request=None,
        cancel=_cancel_bars,
        req_id=lambda _ib, _line, bars: int(bars.reqId),
    ),
    Kind.REALTIME_BARS: LineKind(
        farm="hmds",
        request=lambda w, line: w.ib.reqRealTimeBars(
            _contract(line), 5, line.params["what_to_show"], line.params["use_rth"]
        ),
        cancel=_cancel_realtime_bars,
        req_id=lambda _ib, _line, bars: int(bars.reqId),
    ),
    Kind.PNL: LineKind(
        farm=None,
        request=_request_pnl,
        cancel=lambda ib, line, _value: ib.cancelPnL(line.params["resolved"], line.params["model"]),
        req_id=lambda ib, line, _pnl: ib_internals.pnl_req_id(
            ib, line.params["resolved"], line.params["model"]
        ),
    ),
    Kind.PNL_SINGLE: LineKind(
        farm=None,
        request=_request_pnl_single,
        cancel=lambda ib, line, _value: ib.cancelPnLSingle(
            line.params["resolved"], line.params["model"], line.params["con_id"]
        ),
        req_id=lambda ib, line, _pnl: ib_internals.pnl_single_req_id(
            ib, line.params["resolved"], line.params["model"], line.params["con_id"]
        ),
    ),
}
