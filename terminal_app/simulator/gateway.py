"""The simulated gateway: one clock, market, ledger and order engine behind a TWS API server.

`SimulatedGateway(config)` is what `ib-terminal-sim`, the terminal's embedded profile and the
tests start: `port = await gw.start()`, ..., `await gw.stop()`. Requests are decoded by the
connection and dispatched here to the handler registered for their name (`handlers/`).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from datetime import datetime

from terminal_app.simulator.account import Ledger
from terminal_app.simulator.account.expiry import OptionExpiry
from terminal_app.simulator.clock import SimClock, resume_start
from terminal_app.simulator.config import SimConfig
from terminal_app.simulator.connection import ERR_NOT_SUPPORTED, Connection
from terminal_app.simulator.faults import GatewayControl
from terminal_app.simulator.handlers import HANDLERS
from terminal_app.simulator.handlers.orders import route_event
from terminal_app.simulator.market import Market
from terminal_app.simulator.market.calendar import zone
from terminal_app.simulator.market.instruments import Universe
from terminal_app.simulator.protocol.codec import Request
from terminal_app.simulator.server import Server
from terminal_app.simulator.store import open_engine, saved_clock
from terminal_app.simulator.timers import Repeater

log = logging.getLogger(__name__)

TWS_ZONE = "America/New_York"
CLOCK_SAVE_S = 1.0  # how often (host seconds) the simulated time is saved for a restart
# Farm-status notices TWS sends after start-up: market data, HMDS, sec-def farms OK.
FARM_STATUS = (
    (2104, "Market data farm connection is OK:usfarm"),
    (2106, "HMDS data farm connection is OK:ushmds"),
    (2158, "Sec-def data farm connection is OK:secdefnj"),
)


class SimulatedGateway:
    def __init__(self, config: SimConfig | None = None) -> None:
        self.config = config or SimConfig()
        saved = saved_clock(self.config.state_dir, self.config.start)
        self.clock = SimClock(resume_start(self.config.start, saved), self.config.speed)
        self.universe = Universe.load(as_of=self.clock.now())
        self.market = Market(self.universe, self.clock, self.config.seed)
        self.ledger = Ledger(
            self.config.account, self.universe, self.market, self.config.starting_cash
        )
        self.engine, self.store = open_engine(self.market, self.ledger, self.config.state_dir)
        self.expiry = OptionExpiry(self.ledger, self.market)
        self.engine.add_listener(lambda event: route_event(self, event))
        self.server = Server(self)
        self.control = GatewayControl(self)
        self._driver: Repeater | None = None
        self._clock_saved_at = -math.inf
        self.host = "127.0.0.1"
        self._port = 0

    # ------------------------------------------------------------ life cycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self.host = host
        self._port = await self.server.start(host, port)
        self._driver = Repeater(asyncio.get_running_loop(), self._advance, name="market clock")
        log.info(
            "simulated gateway listening on %s:%d (seed %d, speed %g, clock %s)",
            host,
            self._port,
            self.config.seed,
            self.config.speed,
            self.clock_text(),
        )
        return self._port

    @property
    def port(self) -> int:
        return self._port

    async def stop(self) -> None:
        if self._driver is not None:
            self._driver.cancel()
            self._driver = None
        await self.server.stop()
        self.engine.close()
        if self.store is not None:
            self._save_clock()
            self.store.close()
        log.info("simulated gateway stopped")

    def _advance(self) -> float:
        """Move the market to the clock; returns host seconds until its next event is due.

        A failure is logged and the clock keeps driving: one bad step must not freeze the venue.
        """
        for step in (self.market.step, self.engine.poll, self.expiry.settle):
            try:
                step()
            except Exception:
                log.exception("simulated market step failed (%s)", step.__qualname__)
        if time.monotonic() - self._clock_saved_at >= CLOCK_SAVE_S:
            self._save_clock()
        return self.market.wake_after()

    def _save_clock(self) -> None:
        self._clock_saved_at = time.monotonic()
        if self.store is None:
            return
        try:
            self.store.save_clock(self.config.start, self.clock.epoch())
        except Exception:
            log.exception("saving the simulated clock failed")

    # ------------------------------------------------------------ sessions

    def clock_text(self, at: datetime | None = None) -> str:
        """`YYYYMMDD HH:MM:SS America/New_York`: TWS's connection-time shape with an IANA zone."""
        local = (at or self.clock.now()).astimezone(zone(TWS_ZONE))
        return f"{local:%Y%m%d %H:%M:%S} {TWS_ZONE}"

    def next_valid_id(self, client_id: int) -> int:
        """Above every order id this clientId has used (kept across restarts with --state)."""
        return self.engine.next_order_id(client_id)

    def on_client_started(self, conn: Connection) -> None:
        """startApi accepted: accounts, next order id and the farm notices, as TWS sends them."""
        assert conn.client_id is not None
        conn.send("managedAccounts", accounts=self.config.account)
        conn.send("nextValidId", orderId=self.next_valid_id(conn.client_id))
        for code, text in FARM_STATUS:
            conn.error(-1, code, text)
        log.info("%r: API session started", conn)

    def dispatch(self, conn: Connection, request: Request) -> None:
        if request.name == "startApi":
            log.warning("%r: startApi sent twice; ignored", conn)
            return
        handler = HANDLERS.get(request.name)
        req_id = int(request.get("reqId", request.get("orderId", -1)))
        if handler is None:
            log.warning("%r: %s is not implemented (reqId %d)", conn, request.name, req_id)
            conn.error(
                req_id,
                ERR_NOT_SUPPORTED,
                f"{request.name} is not supported by the simulated gateway",
            )
            return
        try:
            handler(self, conn, request)
        except Exception as exc:
            log.exception("%r: %s failed", conn, request.name)
            conn.error(
                req_id, ERR_NOT_SUPPORTED, f"{request.name} failed in the simulated gateway: {exc}"
            )
