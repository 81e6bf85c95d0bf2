"""The only place that reads ib_async's private state.

ib_async has no public way to learn the request id behind a Ticker or PnL it hands out (needed
to route IB's per-request errors to the right line), to tell "mid-handshake" from
"disconnected", or to count received messages. These helpers read its internals;
`tests/session/test_ib_internals.py` pins what they rely on against the simulator, so an
ib_async upgrade that changes them breaks that one test instead of the session.
"""

import asyncio
import struct
from collections.abc import Callable

from ib_async import IB, PriceIncrement, Ticker

# ib_async keys its ticker -> request id maps by the tick type string it was requested with.
MKT_DATA = "mktData"
MKT_DEPTH = "mktDepth"


def ticker_req_id(ib: IB, ticker: Ticker, tick_type: str) -> int:
    """The request id of `ticker`'s live `tick_type` stream (MKT_DATA, MKT_DEPTH, or a
    tick-by-tick type such as "AllLast"); 0 when there is none."""
    return ib.wrapper.ticker2ReqId[tick_type].get(ticker, 0)


def request_market_rule(ib: IB, rule_id: int) -> "asyncio.Future[list[PriceIncrement]]":
    """reqMarketRule, answered through the returned future: ib_async's reqMarketRuleAsync gives
    up after a fixed second (and logs an error), too short while a workspace starts up."""
    future: asyncio.Future[list[PriceIncrement]] = ib.wrapper.startReq(f"marketRule-{rule_id}")
    ib.client.reqMarketRule(rule_id)
    return future


def pnl_req_id(ib: IB, account: str, model_code: str) -> int:
    """The request id of the live reqPnL for (account, model); 0 when ib_async has none."""
    return ib.wrapper.pnlKey2ReqId.get((account, model_code), 0)


def pnl_single_req_id(ib: IB, account: str, model_code: str, con_id: int) -> int:
    """The request id of the live reqPnLSingle for (account, model, conId); 0 when none."""
    return ib.wrapper.pnlSingleKey2ReqId.get((account, model_code, con_id), 0)


def socket_open(ib: IB) -> bool:
    """True from the moment the client starts connecting, also before the API is ready
    (`ib.isConnected()` is False then, and `ib.disconnect()` would raise)."""
    return bool(ib.client.connState != ib.client.DISCONNECTED)


def connecting(ib: IB) -> bool:
    """The socket is being opened or the API handshake is under way."""
    return bool(ib.client.connState == ib.client.CONNECTING)


def messages_received(ib: IB) -> int:
    """Messages the client decoded since it connected (benchmarks' message rate)."""
    return int(ib.client._numMsgRecv)


# The longest message TWS sends (ibapi's MAX_MSG_LEN, 16 MB - 1): a longer length prefix can only
# be a corrupt frame, after which ib_async would buffer the rest of the stream for ever.
MAX_MESSAGE_BYTES = 0xFFFFFF


def watch_socket(
    ib: IB,
    read: Callable[[bytes], None],
    unreadable: Callable[[Exception], None],
    closed: Callable[[str], None],
) -> None:
    """Socket events ib_async does not pass on: `read(data)` after each read, once ib_async has
    decoded what it could; `unreadable(error)` when its own reading of the bytes raised (eventkit
    catches and logs that, and the connection stays open: garbage during the handshake then
    hangs the connect until its timeout); `closed(reason)` on every socket close, also during
    the handshake, where ib_async says nothing of a clean close. ib_async's events hold bound
    methods weakly: keep their object alive."""
    conn = ib.client.conn
    conn.hasData += read
    conn.hasData.error_event += lambda _event, error: unreadable(error)
    conn.disconnected += closed


def message_being_read(ib: IB) -> int:
    """The length the server announced for the message ib_async is waiting to complete (0 when
    it waits for none)."""
    data = ib.client._data
    return int(struct.unpack(">I", data[:4])[0]) if len(data) >= 4 else 0


def unread_bytes(ib: IB) -> int:
    """Bytes received from the socket and not yet decoded (bounded by one read and one
    message: a measure of how far behind the client is)."""
    return len(ib.client._data)


# Bytes one socket read may hand ib_async. `Client._onSocketHasData` re-slices its whole buffer
# after every message it decodes, so one read costs the square of its size: a loop that falls
# behind reads the event loop's default 256 KB at once, which takes hundreds of ms to decode and
# puts it further behind. 16 KB reads decode in about a millisecond each, and the loop runs its
# timers and paints between them.
READ_BYTES = 16 * 1024


def cap_socket_reads(ib: IB, max_bytes: int = READ_BYTES) -> bool:
    """Cap each socket read of the connected client at `max_bytes` (asyncio's selector transports
    read `transport.max_size` bytes per `recv`); False when there is no transport to cap."""
    transport = ib.client.conn.transport
    if transport is None or not hasattr(transport, "max_size"):
        return False
    transport.max_size = max_bytes
    return True
