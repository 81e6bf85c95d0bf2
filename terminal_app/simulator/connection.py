"""One API client connection: handshake, session state, request dispatch, batched output.

Output is batched: every message produced during one pass of the event loop goes out in a single
`write` (ib_async then fires one ticker event per read). A client that reads slower than the feed
gets conflated L1 ticks, as TWS samples them: while more than `CONFLATE_ABOVE` bytes wait in the
socket, each (reqId, tick type) keeps only its latest value, sent once the backlog drains. A client
that stops reading altogether is dropped once its backlog passes `MAX_BACKLOG`.

Memory per connection is bounded on the way in too: until the handshake is done a message may be
`framing.HANDSHAKE_MESSAGE_SIZE` bytes at most (TWS's 16 MB only afterwards).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from terminal_app.simulator.protocol import framing
from terminal_app.simulator.protocol.codec import (
    DecodeError,
    UnknownRequest,
    decode,
    encode,
    encode_slices,
)
from terminal_app.simulator.protocol.requests import REQUESTS, UNSUPPORTED
from terminal_app.simulator.protocol.spec import F
from terminal_app.simulator.rate_limit import MAX_MESSAGES_PER_S, MessageRate
from terminal_app.simulator.timers import Repeater

if TYPE_CHECKING:
    from terminal_app.simulator.server import Server

log = logging.getLogger(__name__)

HANDSHAKE_TIMEOUT_S = 20.0
# Unsent bytes a client may leave unread before it is dropped (one large reply may come on top).
MAX_BACKLOG = 4 * 1024 * 1024
CONFLATE_ABOVE = 256 * 1024
DRAIN_CHECK_S = 0.005
# Large replies (history) are encoded this many rows per slice (see `Slicer`).
SLICE_ROWS = 200

# Codes used by the connection itself.
ERR_READ_REQUEST = 320
ERR_NOT_SUPPORTED = 322
ERR_RATE = 100
ERR_DUPLICATE_CLIENT = 326


@dataclass
class Subscription:
    """A streaming request of this client, cancelled by its reqId or when the client leaves."""

    kind: str
    stop: Callable[[], None]


class Connection:
    def __init__(
        self, server: Server, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self._transport = writer.transport
        self.peer = str(writer.get_extra_info("peername"))
        self.version = 0
        self.client_id: int | None = None
        self.market_data_type = 1
        self.auto_open_orders = False
        self.subscriptions: dict[int, Subscription] = {}
        self.history_times: deque[float] = deque()
        self.loop = server.loop
        self.closed = False
        self._frames = framing.FrameReader(framing.HANDSHAKE_MESSAGE_SIZE)
        self._later: deque[Callable[[], None]] = deque()
        self._out = bytearray()
        self._flush_pending = False
        self._conflated: dict[tuple[int, int], tuple[str, dict[str, Any]]] | None = None
        self.rate = MessageRate()
        self._read_at = time.monotonic()  # when the read being handled returned
        self._rate_warned_at = -1.0  # when error 100 was last sent
        sock = writer.get_extra_info("socket")
        if sock is not None:
            # Dead peers (half-open sockets) are eventually noticed by the kernel.
            with contextlib.suppress(OSError, AttributeError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
                # Linux names: probe after 60 s idle, every 10 s, give up after 3 misses.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 60)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 10)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)

    def __repr__(self) -> str:
        return f"<Connection {self.peer} clientId={self.client_id} v{self.version}>"

    # ------------------------------------------------------------ output

    def send(self, name: str, **values: Any) -> None:
        """Queue one message; it is written with the rest of this loop pass's output."""
        if not self.closed:
            self._queue(framing.encode_fields(encode(name, self.version, **values)))

    def send_sliced(
        self, req_id: int, name: str, then: Callable[[bool], None], **values: Any
    ) -> Callable[[], None]:
        """Queue one large message (a history reply) encoded `SLICE_ROWS` rows per slice of the
        server's `Slicer`, so the loop (the terminal's UI, when embedded) and other clients keep
        running. `then(True)` runs once it is queued, `then(False)` when encoding failed (the
        client got error 322 for `req_id`). Returns a function that abandons it.

        Still one TWS message: the pieces are joined and framed at the end. Other messages sent
        meanwhile go out first, as replies from IB's farms interleave too.
        """
        pieces = encode_slices(name, self.version, SLICE_ROWS, **values)
        body: list[bytes] = []

        def step() -> bool:
            if self.closed:
                return False
            try:
                fields = next(pieces, None)
                if fields is not None:
                    body.append(framing.encode_body(fields))
                    return True
                self._queue(framing.frame(b"".join(body)))
            except Exception as exc:
                log.exception("%r: encoding %s for reqId %d failed", self, name, req_id)
                self.error(
                    req_id, ERR_NOT_SUPPORTED, f"{name} failed in the simulated gateway: {exc}"
                )
                then(False)
            else:
                then(True)
            return False

        return self.in_slices(step)

    def in_slices(self, step: Callable[[], bool]) -> Callable[[], None]:
        """Run `step()` in the server's fair slices until it returns False (see `Slicer`)."""
        return self.server.slicer.add(self, step)

    def error(self, req_id: int, code: int, text: str, reject_json: str = "") -> None:
        self.send("error", reqId=req_id, code=code, text=text, advancedOrderRejectJson=reject_json)

    def send_tick(self, key: tuple[int, int], name: str, **values: Any) -> None:
        """An L1 tick (`key` = reqId, tick type): conflated while the client is behind."""
        if self._conflated is None:
            if self.closed:
                return
            if self._transport.get_write_buffer_size() <= CONFLATE_ABOVE:
                self.send(name, **values)
                return
            self._conflated = {}
            self.loop.call_later(DRAIN_CHECK_S, self._drain_conflated)
        self._conflated[key] = (name, values)

    def _drain_conflated(self) -> None:
        if self.closed or self._conflated is None:
            self._conflated = None
            return
        if self._transport.get_write_buffer_size() > CONFLATE_ABOVE // 2:
            self.loop.call_later(DRAIN_CHECK_S, self._drain_conflated)
            return
        pending, self._conflated = self._conflated, None
        for name, values in pending.values():
            self.send(name, **values)

    def send_raw(self, data: bytes) -> None:
        """Queue bytes as they are (fault injection: malformed frames)."""
        if not self.closed:
            self._queue(data)

    def _queue(self, data: bytes) -> None:
        self._out += data
        if not self._flush_pending:
            self._flush_pending = True
            self.loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_pending = False
        if self.closed or not self._out:
            return
        data = bytes(self._out)
        self._out.clear()
        latency = self.server.gateway.control.latency_s
        if latency > 0:
            self.loop.call_later(latency, self._write, data)
        else:
            self._write(data)

    def _write(self, data: bytes) -> None:
        if self.closed:
            return
        if self._transport.get_write_buffer_size() > MAX_BACKLOG:
            log.warning(
                "%r: client is not reading (backlog over %d bytes), dropping it", self, MAX_BACKLOG
            )
            self.close()
            return
        try:
            self.writer.write(data)
        except (ConnectionError, RuntimeError) as exc:
            log.info("%r: write failed: %s", self, exc)
            self.close()

    def flush_now(self) -> None:
        self._flush()

    # ------------------------------------------------------------ subscriptions and tasks

    def subscribe(self, req_id: int, kind: str, stop: Callable[[], None]) -> None:
        old = self.subscriptions.pop(req_id, None)
        if old is not None:
            old.stop()
        self.subscriptions[req_id] = Subscription(kind, stop)

    def unsubscribe(self, req_id: int, *kinds: str) -> bool:
        sub = self.subscriptions.get(req_id)
        if sub is None or (kinds and sub.kind not in kinds):
            return False
        del self.subscriptions[req_id]
        sub.stop()
        return True

    def drop_streams(self, *kinds: str) -> int:
        """End every subscription of these kinds without a word to the client (IB's 1101)."""
        doomed = [req_id for req_id, sub in self.subscriptions.items() if sub.kind in kinds]
        for req_id in doomed:
            self.subscriptions.pop(req_id).stop()
        return len(doomed)

    def count(self, *kinds: str) -> int:
        return sum(1 for sub in self.subscriptions.values() if sub.kind in kinds)

    def soon(self, work: Callable[[], None]) -> None:
        """Run `work` in a later loop pass, one queued piece per pass: slow work that is not
        urgent (I/O and the terminal's UI get their turn between pieces)."""
        self._later.append(work)
        if len(self._later) == 1:
            self.loop.call_soon(self._run_later)

    def _run_later(self) -> None:
        if self.closed:
            self._later.clear()
            return
        work = self._later.popleft()
        try:
            work()
        except Exception:
            log.exception("%r: deferred work failed", self)
        if self._later:
            self.loop.call_soon(self._run_later)

    def repeat(self, step: Callable[[], float | None], first_delay: float, name: str) -> Repeater:
        return Repeater(self.loop, step, first_delay, name=f"{name} [{self.peer}]")

    # ------------------------------------------------------------ life cycle

    async def serve(self) -> None:
        """Run the client to the end: handshake, then requests until it leaves or misbehaves."""
        # A client that never completes the handshake (half-open socket, port scanner) is dropped.
        deadline = self.loop.call_later(HANDSHAKE_TIMEOUT_S, self._handshake_expired)
        try:
            if not await self._handshake():
                return
            deadline.cancel()
            self._frames.max_size = framing.MAX_MESSAGE_SIZE
            self.rate.start()
            self.repeat(lambda: None if self.closed else self.rate.note_awake(), 0.0, "awake")
            while not self.closed:
                data = await self.reader.read(65536)
                if not data:
                    break
                self._read_at = time.monotonic()
                for payload in self._frames.feed(data):
                    self._handle(payload)
                    if self.closed:
                        break
        except framing.FramingError as exc:
            log.warning("%r: protocol violation (%s), closing this client", self, exc)
        except (ConnectionError, OSError) as exc:
            log.info("%r: connection lost: %s", self, exc)
        finally:
            deadline.cancel()
            self._teardown()

    def _handshake_expired(self) -> None:
        if self.client_id is None and not self.closed:
            log.warning("%r: no handshake within %.0fs, closing", self, HANDSHAKE_TIMEOUT_S)
            self.close()

    async def _handshake(self) -> bool:
        """API prefix and version range, then startApi; False when the client was refused."""
        offer: bytes | None = None
        pending: list[bytes] = []
        while offer is None:
            data = await self.reader.read(4096)
            if not data:
                return False
            messages = self._frames.feed(data)
            if messages:
                offer, pending = messages[0], messages[1:]
        client_range = framing.parse_version_range(offer)
        version = framing.negotiate_version(client_range)
        if version is None:
            log.warning(
                "%r: no common version with %s..%s, closing",
                self,
                client_range.low,
                client_range.high,
            )
            return False
        self.version = version
        self.writer.write(framing.handshake_reply(version, self.server.connection_time()))
        log.info(
            "%r: negotiated version %d (client offered %d..%d)",
            self,
            version,
            client_range.low,
            client_range.high,
        )
        while self.client_id is None:
            for payload in pending:
                if self.client_id is None:
                    if not self._start_api(payload):
                        return False
                else:
                    self._handle(payload)
            pending = []
            if self.client_id is None:
                data = await self.reader.read(4096)
                if not data:
                    return False
                pending = self._frames.feed(data)
        return not self.closed

    def _start_api(self, payload: bytes) -> bool:
        fields = framing.split_fields(payload)
        if not fields or fields[0] != "71":
            log.warning("%r: request %s before startApi ignored", self, fields[:1])
            return True
        try:
            request = decode(fields, self.version)
        except DecodeError as exc:
            log.warning("%r: bad startApi (%s), closing", self, exc)
            self.error(-1, ERR_READ_REQUEST, f"Error reading request: startApi: {exc}")
            self.flush_now()
            return False
        client_id = int(request["clientId"])
        if not self.server.claim(client_id, self):
            log.warning("%r: clientId %d already in use, refusing", self, client_id)
            self.error(
                -1,
                ERR_DUPLICATE_CLIENT,
                "Unable to connect as the client id is already "
                "in use. Retry with a unique client id.",
            )
            self.flush_now()
            return False
        self.client_id = client_id
        self.server.gateway.on_client_started(self)
        return True

    def _handle(self, payload: bytes) -> None:
        fields = framing.split_fields(payload)
        if self._over_rate():
            return
        try:
            request = decode(fields, self.version)
        except UnknownRequest as exc:
            self._unsupported(exc.msg_id, fields)
            return
        except DecodeError as exc:
            log.warning("%r: undecodable request %s: %s", self, fields[:3], exc)
            self.error(_guess_req_id(fields), ERR_READ_REQUEST, f"Error reading request: {exc}")
            return
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%r: %s %s", self, request.name, fields[1:])
        if request.consumed != request.total:
            log.warning(
                "%r: %s had %d unread trailing fields",
                self,
                request.name,
                request.total - request.consumed,
            )
        self.server.gateway.dispatch(self, request)

    def _unsupported(self, msg_id: int, fields: list[str]) -> None:
        name, index = UNSUPPORTED.get(msg_id, (f"message {msg_id}", None))
        req_id = -1
        if index is not None and index < len(fields):
            with contextlib.suppress(ValueError):
                req_id = int(fields[index])
        log.warning(
            "%r: %s is not supported by the simulated gateway (reqId %d)", self, name, req_id
        )
        self.error(req_id, ERR_NOT_SUPPORTED, f"{name} is not supported by the simulated gateway")

    def _over_rate(self) -> bool:
        """TWS's 50 messages/s limit (see `rate_limit`): the excess gets error 100, at most one
        a second, and is dropped."""
        now = self._read_at
        if self.rate.admit(now):
            return False
        if now - self._rate_warned_at >= 1.0:
            self._rate_warned_at = now
            log.warning("%r: over %d messages/s", self, MAX_MESSAGES_PER_S)
            self.error(
                -1,
                ERR_RATE,
                "Max rate of messages per second has been exceeded:"
                f"max={MAX_MESSAGES_PER_S} rec={MAX_MESSAGES_PER_S + 1}",
            )
        return True

    def close(self) -> None:
        """Stop serving this client (idempotent); `serve()` finishes the teardown."""
        if self.closed:
            return
        self.closed = True
        self._flush_pending = False
        try:
            if self._out:
                self.writer.write(bytes(self._out))
            self.writer.close()
        except (ConnectionError, RuntimeError) as exc:  # the peer or the loop went first
            log.debug("%r: closing: %s", self, exc)
        self._out.clear()

    def _teardown(self) -> None:
        self.close()
        for sub in list(self.subscriptions.values()):
            try:
                sub.stop()
            except Exception:
                log.exception("%r: stopping a %s subscription failed", self, sub.kind)
        self.subscriptions.clear()
        self.server.release(self)
        log.info("%r: disconnected", self)


def _guess_req_id(fields: list[str]) -> int:
    """The reqId (or orderId) of a request that failed to decode, from its layout; else -1."""
    with contextlib.suppress(ValueError, IndexError):
        spec = REQUESTS[int(fields[0])]
        for index, item in enumerate(spec.items[:2], start=1):
            if isinstance(item, F) and item.path in ("reqId", "orderId"):
                return int(fields[index])
    return -1
