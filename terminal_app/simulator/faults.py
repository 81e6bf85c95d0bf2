"""Fault injection for reliability tests: `gateway.control`.

Everything a real TWS connection can do to a client, on demand: drop clients, stop and restart
listening, pause the feed, add latency, inject IB errors (1100/1101/1102, farm blips), reject
orders, flood ticks, send malformed frames.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from terminal_app.simulator.protocol import framing
from terminal_app.simulator.streams import (
    DEPTH,
    HISTORY,
    MKT_DATA,
    REALTIME_BARS,
    SCANNER,
    TICK_BY_TICK,
)

if TYPE_CHECKING:
    from terminal_app.simulator.connection import Connection
    from terminal_app.simulator.gateway import SimulatedGateway

log = logging.getLogger(__name__)

CONNECTIVITY_LOST = (1100, "Connectivity between IB and Trader Workstation has been lost.")
RESTORED_DATA_LOST = (
    1101,
    "Connectivity between IB and Trader Workstation has been restored - data lost.",
)
RESTORED_DATA_KEPT = (
    1102,
    "Connectivity between IB and Trader Workstation has been restored - data maintained.",
)
FARM_BROKEN = (2103, "Market data farm connection is broken:usfarm")
FARM_OK = (2104, "Market data farm connection is OK:usfarm")
DATA_STREAMS = (MKT_DATA, DEPTH, TICK_BY_TICK, REALTIME_BARS, HISTORY, SCANNER)


class GatewayControl:
    def __init__(self, gateway: SimulatedGateway) -> None:
        self._gateway = gateway
        self.latency_s = 0.0
        self.flood_rate = 0.0

    def _clients(self, client_id: int | None) -> list[Connection]:
        clients = self._gateway.server.clients()
        return [c for c in clients if client_id is None or c.client_id == client_id]

    def drop_clients(self, client_id: int | None = None) -> int:
        """Close client sockets (all, or one clientId) as a TWS restart would; returns how many."""
        clients = self._clients(client_id)
        for conn in clients:
            conn.close()
        log.warning("fault: dropped %d client connection(s)", len(clients))
        return len(clients)

    async def stop_listening(self) -> None:
        """Refuse new connections (existing ones stay) until `resume_listening`."""
        await self._gateway.server.stop_listening()
        log.warning("fault: stopped listening")

    async def resume_listening(self) -> int:
        port = await self._gateway.server.start(self._gateway.host, self._gateway.port)
        log.warning("fault: listening again on port %d", port)
        return port

    def set_latency(self, seconds: float) -> None:
        """Delay every message the gateway sends by `seconds` (order is kept)."""
        self.latency_s = max(0.0, seconds)
        log.warning("fault: latency %.3fs", self.latency_s)

    def inject_error(
        self, code: int, text: str, req_id: int = -1, client_id: int | None = None
    ) -> None:
        """Send an IB error (e.g. 1100, 2103, or one for a reqId) to all clients or one."""
        for conn in self._clients(client_id):
            conn.error(req_id, code, text)
        log.warning("fault: injected error %d for reqId %d: %s", code, req_id, text)

    def end_stream(self, client_id: int, req_id: int, code: int, text: str) -> bool:
        """End one client's live subscription with an IB error, as TWS does mid-stream when a
        competing live session takes the market data (10197) or a data subscription lapses
        (354); False when the client has no such subscription."""
        ended = False
        for conn in self._clients(client_id):
            if conn.unsubscribe(req_id):
                conn.error(req_id, code, text)
                ended = True
        log.warning("fault: ended reqId %d of client %d with %d", req_id, client_id, code)
        return ended

    def connectivity_lost(self) -> None:
        self.inject_error(*CONNECTIVITY_LOST)

    def connectivity_restored(self, data_lost: bool = False) -> None:
        """1102 keeps every subscription; 1101 ("data lost") ends every market data, depth,
        tick-by-tick, 5-s bar, keepUpToDate and scanner stream, as IB does: clients must ask
        again."""
        if data_lost:
            for conn in self._clients(None):
                conn.drop_streams(*DATA_STREAMS)
        self.inject_error(*(RESTORED_DATA_LOST if data_lost else RESTORED_DATA_KEPT))

    def farm_blip(self) -> None:
        """2103 broken, then 2104 OK (IB does not resume market data by itself after this)."""
        self.inject_error(*FARM_BROKEN)
        self.inject_error(*FARM_OK)

    def send_malformed(self, client_id: int | None = None) -> None:
        """A frame that is not a valid message (a tick with too few fields) to clients."""
        for conn in self._clients(client_id):
            conn.send_raw(framing.encode_fields(["1", "6"]))

    def pause_feed(self) -> None:
        self._gateway.market.pause()
        log.warning("fault: market feed paused")

    def resume_feed(self) -> None:
        self._gateway.market.resume()
        log.warning("fault: market feed resumed")

    def flood(self, rate_per_s: float) -> None:
        """Extra ticks at `rate_per_s` on every subscribed instrument (0 stops the flood)."""
        self.flood_rate = max(0.0, rate_per_s)
        self._gateway.market.flood(self.flood_rate)
        log.warning("fault: flood at %g ticks/s", rate_per_s)

    def reject_next_orders(self, count: int, code: int = 201, text: str = "") -> None:
        self._gateway.engine.inject_rejections(count, code, text)
        log.warning("fault: the next %d order(s) are rejected with %d", count, code)
