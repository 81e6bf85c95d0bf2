"""The accept loop and the registry of connected clients (one session per clientId)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from terminal_app.simulator.connection import Connection
from terminal_app.simulator.slicer import Slicer

if TYPE_CHECKING:
    from terminal_app.simulator.gateway import SimulatedGateway

log = logging.getLogger(__name__)

# TWS serves at most 32 API clients; a socket beyond that is closed at once, which also bounds
# what clients that never finish the handshake can hold.
MAX_CLIENTS = 32


class Server:
    def __init__(self, gateway: SimulatedGateway) -> None:
        self.gateway = gateway
        self.connections: set[Connection] = set()
        self.by_client_id: dict[int, Connection] = {}
        self._slicer: Slicer | None = None
        self._server: asyncio.Server | None = None
        self._serving: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The loop the server was started on (connections schedule their output on it)."""
        assert self._loop is not None, "server not started"
        return self._loop

    @property
    def slicer(self) -> Slicer:
        """Where connections do their slow work in turn (on the server's loop)."""
        if self._slicer is None:
            self._slicer = Slicer(self.loop)
        return self._slicer

    async def start(self, host: str, port: int) -> int:
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._accept, host, port, reuse_address=True)
        return int(self._server.sockets[0].getsockname()[1])

    async def stop_listening(self) -> None:
        """Close the listening socket; connected clients stay."""
        if self._server is not None:
            self._server.close()
            self._server = None

    async def stop(self) -> None:
        """Stop accepting, drop every client and wait (bounded) until each is torn down."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        self.drop_all()
        if self._serving:
            await asyncio.wait(list(self._serving), timeout=3.0)
        if server is not None:
            try:
                await asyncio.wait_for(server.wait_closed(), 2.0)
            except TimeoutError:
                log.warning("listening socket still closing after 2 s")

    def drop_all(self) -> None:
        for conn in list(self.connections):
            conn.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self.connections) >= MAX_CLIENTS:
            log.warning(
                "%s: refused, %d clients are connected already",
                writer.get_extra_info("peername"),
                MAX_CLIENTS,
            )
            writer.close()
            return
        conn = Connection(self, reader, writer)
        self.connections.add(conn)
        task = asyncio.current_task()
        if task is not None:
            self._serving.add(task)
        log.info("%r: accepted", conn)
        try:
            await conn.serve()
        except Exception:
            log.exception("%r: unexpected error, client dropped", conn)
        finally:
            self.release(conn)
            if task is not None:
                self._serving.discard(task)

    def claim(self, client_id: int, conn: Connection) -> bool:
        """Register `conn` as `client_id`; False when another live session already has it."""
        holder = self.by_client_id.get(client_id)
        if holder is not None and holder is not conn and not holder.closed:
            return False
        self.by_client_id[client_id] = conn
        return True

    def release(self, conn: Connection) -> None:
        self.connections.discard(conn)
        if conn.client_id is not None and self.by_client_id.get(conn.client_id) is conn:
            del self.by_client_id[conn.client_id]

    def connection_time(self) -> str:
        return self.gateway.clock_text()

    def clients(self) -> list[Connection]:
        return [c for c in self.connections if c.client_id is not None and not c.closed]
