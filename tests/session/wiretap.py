"""A loopback TCP proxy that records which TWS API requests a client sent, and when.

Sits between the session and the simulated gateway so tests can assert on what actually went over
the wire (one reqMktData for two panels, a cancel overtaking a burst, no order re-sent after a
reconnect) without reaching into either side.
"""

import asyncio
import contextlib
import struct
import time

# Client -> server message ids (TWS API).
REQ_MKT_DATA = "1"
CANCEL_MKT_DATA = "2"
PLACE_ORDER = "3"
CANCEL_ORDER = "4"
REQ_OPEN_ORDERS = "5"
REQ_EXECUTIONS = "7"
REQ_CONTRACT_DATA = "9"
REQ_MKT_DEPTH = "10"
CANCEL_MKT_DEPTH = "11"
REQ_HISTORICAL_DATA = "20"
CANCEL_HISTORICAL_DATA = "25"
REQ_REAL_TIME_BARS = "50"
CANCEL_REAL_TIME_BARS = "51"
REQ_POSITIONS = "61"
REQ_PNL = "92"
REQ_PNL_SINGLE = "94"
REQ_TICK_BY_TICK = "97"
CANCEL_TICK_BY_TICK = "98"


class WireTap:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.frames: list[tuple[float, str, list[str]]] = []  # (monotonic time, msg id, fields)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def __aenter__(self) -> "WireTap":
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for w in list(self._writers):
            w.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task

    def ids(self) -> list[str]:
        return [f[1] for f in self.frames]

    def count(self, msg_id: str) -> int:
        return sum(1 for f in self.frames if f[1] == msg_id)

    def times(self, msg_id: str) -> list[float]:
        return [f[0] for f in self.frames if f[1] == msg_id]

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:  # the gateway is down: close on the client, as a dead TWS port would
            writer.close()
            return
        self._writers |= {writer, up_writer}
        loop = asyncio.get_running_loop()
        for coro in (self._client_to_server(reader, up_writer), self._pipe(up_reader, writer)):
            task = loop.create_task(coro)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _client_to_server(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        buffer = b""
        try:
            while data := await reader.read(65536):
                writer.write(data)
                buffer += data
                if buffer.startswith(b"API\0"):
                    buffer = buffer[4:]
                    if len(buffer) >= 4:  # the version string frame is not a request
                        (n,) = struct.unpack(">I", buffer[:4])
                        buffer = buffer[4 + n :]
                buffer = self._frames(buffer)
        finally:
            writer.close()

    def _frames(self, buffer: bytes) -> bytes:
        now = time.monotonic()
        while len(buffer) >= 4:
            (n,) = struct.unpack(">I", buffer[:4])
            if len(buffer) < 4 + n:
                break
            fields = buffer[4 : 4 + n].decode(errors="replace").split("\0")
            self.frames.append((now, fields[0], fields))
            buffer = buffer[4 + n :]
        return buffer

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
        finally:
            writer.close()
