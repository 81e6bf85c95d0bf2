"""BrokerSession: the one owner of `ib_async.IB` — connection supervisor, shared subscriptions,
order gate, history queue and message log. See the package docstring for the public API."""

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine, Hashable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar

from ib_async import (
    IB,
    AccountValue,
    BarData,
    BarDataList,
    Contract,
    ContractDetails,
    Fill,
    Order,
    PnL,
    PnLSingle,
    PortfolioItem,
    Position,
    Ticker,
    Trade,
)
from PySide6.QtCore import QObject, Signal

from terminal_app import ib_errors as codes
from terminal_app.ib_errors import Severity, farm_name
from terminal_app.session import contracts
from terminal_app.session.history import HistoryRequest, HistoryScheduler
from terminal_app.session.lane import BulkLane
from terminal_app.session.messages import MessageLog
from terminal_app.session.pacing import HistoryKey, HistoryPacer, PacingRules
from terminal_app.session.profiles import LOOPBACK, ConnectionProfile
from terminal_app.session.simulated import EmbeddedSimulator
from terminal_app.session.state import (
    DISCONNECTED,
    STARTING_SIMULATOR,
    Backoff,
    ConnectionState,
    Phase,
    SessionError,
)
from terminal_app.session.subscriptions import (
    FARM_OF,
    BarsHandle,
    BarsSpec,
    DepthHandle,
    Kind,
    Line,
    LiveHandle,
    PnLHandle,
    TickerHandle,
)
from terminal_app.tasks import TaskOwner

log = logging.getLogger(__name__)


class _IbLogRelay(logging.Handler):
    """ib_async reports some failures only in its log (a start-up fetch that timed out leaves
    the blotter without open orders); relay them to the message log so nothing is swallowed."""

    def __init__(self, messages: MessageLog) -> None:
        super().__init__(logging.WARNING)
        self._messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._messages.add_app(f"ib_async: {record.getMessage()}", Severity.WARNING)
        except Exception:  # a session being torn down must not break ib_async's own logging
            self.handleError(record)


H = TypeVar("H", bound=LiveHandle)
T = TypeVar("T")


class OrderRefused(RuntimeError):
    """The session would not send an order action; `str(exc)` is the reason for the user."""


@dataclass(frozen=True)
class SessionSettings:
    """Tunables; tests shrink the delays so nothing waits seconds."""

    backoff: Backoff = field(default_factory=Backoff)
    bulk_rate: int = 35  # bulk messages per `bulk_interval`; ib_async allows 45/s in total
    bulk_interval: float = 1.0
    request_timeout: float = 10.0  # contract lookups, re-sync requests
    history_timeout: float = 60.0
    pacing: PacingRules = field(default_factory=PacingRules)
    violation_cooldown: float = 60.0
    farm_grace: float = 3.0  # after 2104: quotes without an update this long are re-requested


class BrokerSession(QObject):
    stateChanged = Signal(object)  # ConnectionState
    tradingChanged = Signal(bool, str)  # allowed, reason when not
    messageAdded = Signal(object)  # Message
    synced = Signal()  # after each (re)connect or 1101 re-sync: re-read trades/positions
    tradeChanged = Signal(object)  # Trade: new, status change, modification
    fillAdded = Signal(object, object)  # Trade, Fill (also again when its commission arrives)
    positionChanged = Signal(object)  # Position
    portfolioChanged = Signal(object)  # PortfolioItem
    accountValueChanged = Signal(object)  # AccountValue
    historyQueueChanged = Signal()

    def __init__(
        self, settings: SessionSettings | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings or SessionSettings()
        self.ib = IB()  # the only one; nothing outside this package may use it
        self.ib.RaiseRequestErrors = True  # request errors raise RequestError (with the code)
        self.messages = MessageLog()
        self.messages.subscribe(self.messageAdded.emit)
        self.lane = BulkLane(self.settings.bulk_rate, self.settings.bulk_interval)
        self.lane.on_error = lambda exc: self.report_error(f"request not sent: {exc!r}")
        self.history_scheduler = HistoryScheduler(
            self._send_history,
            HistoryPacer(self.settings.pacing),
            self.settings.violation_cooldown,
            on_change=self.historyQueueChanged.emit,
        )
        self.history_scheduler.pause()  # until connected
        self._profile: ConnectionProfile | None = None
        self._state = DISCONNECTED
        self._trading: tuple[bool, str] = (False, DISCONNECTED.text)
        self._want_connected = False
        self._connecting = False
        self._ib_link_down = False  # TWS <-> IB servers (1100 until 1101/1102)
        self._duplicate_id = asyncio.Event()
        self._handshake_lost = asyncio.Event()  # socket closed before the API was ready
        self._broken_farms: dict[str, set[str]] = {"market": set(), "hmds": set()}
        self._lines: dict[Hashable, Line] = {}
        self._details: dict[int, ContractDetails] = {}  # by conId, from qualify()
        self._by_value: dict[int, list[Line]] = {}  # id(live ib_async object) -> lines
        self._by_req_id: dict[int, Line] = {}
        self._attempt: asyncio.Task[bool] | None = None  # open_connection's connect
        self._reconnect_task: asyncio.Task[None] | None = None
        self._tasks = TaskOwner("session", on_error=self.report_error)
        self._simulator: EmbeddedSimulator | None = None
        self._wire_ib_events()
        self._log_relay = relay = _IbLogRelay(self.messages)
        ib_log = logging.getLogger("ib_async.ib")
        ib_log.addHandler(relay)
        # Also when the session goes with its parent window without close(): no relay to a
        # deleted session may stay on ib_async's (process-wide) logger.
        self.destroyed.connect(lambda *_: ib_log.removeHandler(relay))

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def profile(self) -> ConnectionProfile | None:
        return self._profile

    @property
    def is_connected(self) -> bool:
        return self._state.phase is Phase.CONNECTED and self.ib.isConnected()

    @property
    def trading_allowed(self) -> bool:
        return self._trading[0]

    @property
    def trading_reason(self) -> str:
        """Why order entry is disabled ("" when allowed)."""
        return self._trading[1]

    @property
    def simulator(self) -> EmbeddedSimulator | None:
        """The embedded gateway's child process while the simulated profile is in use."""
        return self._simulator

    def accounts(self) -> list[str]:
        return list(self.ib.managedAccounts()) if self.ib.isConnected() else []

    async def server_time(self) -> datetime:
        """The gateway's clock (reqCurrentTime; the simulator's clock need not be wall time).
        Raises ConnectionError when not connected, TimeoutError when it does not answer."""
        if not self.ib.isConnected():
            raise ConnectionError(f"Not connected ({self._state.text})")
        return await asyncio.wait_for(self.ib.reqCurrentTimeAsync(), self.settings.request_timeout)

    def report_error(self, text: str) -> None:
        """Sink for app-side errors: `install_exception_handler(loop, session.report_error)`."""
        self.messages.add_app(text)

    # ------------------------------------------------------------------ connect / supervise
    async def open_connection(
        self, profile: ConnectionProfile, *, acknowledged_remote: bool = False
    ) -> bool:
        """Connect with `profile`; False (state FAILED with the reason) if it did not work.

        Once connected, any drop is retried with backoff until `close_connection()` or
        `cancel_reconnect()`. A non-loopback host is refused unless the user acknowledged it.
        """
        if profile.needs_host_warning and not acknowledged_remote:
            reason = (
                f"{profile.host} is not this computer; confirm the remote-host warning before "
                "connecting"
            )
            self.messages.add_app(reason, Severity.WARNING)
            if self._state.phase in (Phase.DISCONNECTED, Phase.FAILED):
                self._set_state(ConnectionState(Phase.FAILED, reason))
            return False  # a connection in use stays as it is
        if self._state.phase is Phase.CONNECTING:
            self.messages.add_app("A connection attempt is already in progress", Severity.WARNING)
            return False
        await self.close_connection()
        self._profile = profile
        self._want_connected = True
        self._set_state(ConnectionState(Phase.CONNECTING, profile.endpoint))
        # Its own task, so that close_connection() can stop it (a caller's cancel reaches it too).
        attempt = self._attempt = asyncio.get_running_loop().create_task(
            self._first_connect(profile), name=f"connect {profile.name}"
        )
        try:
            return await attempt
        except asyncio.CancelledError:
            caller = asyncio.current_task()
            if attempt.cancelled() and caller is not None and not caller.cancelling():
                return False  # close_connection() stopped it; the state says DISCONNECTED
            raise
        finally:
            if self._attempt is attempt:
                self._attempt = None

    async def _first_connect(self, profile: ConnectionProfile) -> bool:
        try:
            if profile.is_simulated:  # the gateway is a child process (simulated.py)
                self._simulator = EmbeddedSimulator(on_exit=self._on_simulator_exit)
                self._set_state(ConnectionState(Phase.CONNECTING, STARTING_SIMULATOR))
                await self._simulator.start(profile.port)
                self._set_state(ConnectionState(Phase.CONNECTING, profile.endpoint))
            await self._connect_once()
        except SessionError as exc:
            await self._give_up(exc.reason)
            return False
        except asyncio.CancelledError:
            await self._stop_simulator()
            raise
        except Exception as exc:
            await self._give_up(f"{type(exc).__name__}: {exc}")
            raise
        self._on_connected()
        return True

    async def close_connection(self) -> None:
        """Disconnect on purpose (no reconnect), also in the middle of a connect attempt;
        subscriptions stay registered for next time."""
        self._want_connected = False
        await self._stop_reconnecting()
        attempt, self._attempt = self._attempt, None
        if attempt is not None and not attempt.done():
            attempt.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await attempt
        self._drop_socket()
        self._mark_offline()
        await self._stop_simulator()
        self._set_state(DISCONNECTED)

    def _drop_socket(self) -> None:
        if self.ib.client.isReady():
            self.ib.disconnect()
        elif self.ib.client.connState != self.ib.client.DISCONNECTED:
            self.ib.client.disconnect()  # mid-handshake: ib.disconnect() would raise

    async def _stop_simulator(self) -> None:
        simulator, self._simulator = self._simulator, None
        if simulator is not None:
            await simulator.stop()

    def _on_simulator_exit(self, reason: str) -> None:
        """The child gateway died: say so; the reconnect supervisor starts a new one."""
        self.messages.add_app(f"{reason}; restarting it" if self._want_connected else reason)

    def cancel_reconnect(self) -> None:
        """The user gave up waiting: stop retrying, or (during 1100, while TWS itself is
        reconnecting to IB) disconnect. State DISCONNECTED at once."""
        if self._state.phase is not Phase.RECONNECTING:
            return
        self._want_connected = False
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
            self._reconnect_task = None
        self._drop_socket()
        self._mark_offline()
        simulator, self._simulator = self._simulator, None
        if simulator is not None:
            self._spawn(simulator.stop(), "stop embedded simulator")
        self._ib_link_down = False
        self._set_state(ConnectionState(Phase.DISCONNECTED, "reconnect cancelled"))

    async def close(self) -> None:
        """Shut down: detach every handle (no more signals into closing panels), disconnect,
        drop every queued request."""
        for line in self._lines.values():
            for handle in line.handles:
                handle.detach()
            line.handles.clear()
        await self.close_connection()
        await self.history_scheduler.close()
        self.lane.clear()
        await self._tasks.cancel_all()
        self._lines.clear()
        logging.getLogger("ib_async.ib").removeHandler(self._log_relay)

    async def _give_up(self, reason: str) -> None:
        self._want_connected = False
        await self._stop_simulator()
        self.messages.add_app(f"Connection failed: {reason}")
        self._set_state(ConnectionState(Phase.FAILED, reason))

    def _endpoint(self) -> tuple[str, int]:
        profile = self._profile
        assert profile is not None
        if self._simulator is not None:
            return LOOPBACK, self._simulator.port
        return profile.host, profile.port

    async def _connect_once(self) -> None:
        """One connect attempt, bounded by the profile's timeout; SessionError says why not."""
        profile = self._profile
        assert profile is not None
        simulator = self._simulator
        if simulator is not None and not simulator.running:  # it died: restart it
            await simulator.start(profile.port)
        host, port = self._endpoint()
        self._duplicate_id.clear()
        self._handshake_lost.clear()
        # A new TWS session reports its own farm and IB-link state during the handshake.
        self._broken_farms = {"market": set(), "hmds": set()}
        self._ib_link_down = False
        self._connecting = True
        # ib_async's start-up fetch only tolerates timeouts: an error on one of its requests
        # must not fail the whole connect, so request errors raise only once we are connected.
        self.ib.RaiseRequestErrors = False
        connect = asyncio.ensure_future(
            self.ib.connectAsync(
                host,
                port,
                clientId=profile.client_id,
                timeout=profile.timeout,
                readonly=profile.read_only,
                account=profile.account,
            )
        )
        duplicate = asyncio.ensure_future(self._duplicate_id.wait())
        lost = asyncio.ensure_future(self._handshake_lost.wait())
        try:
            await asyncio.wait({connect, duplicate, lost}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            duplicate.cancel()
            lost.cancel()
            if not connect.done():
                connect.cancel()
                with contextlib.suppress(BaseException):
                    await connect
            self._connecting = False  # only now: the abort above may emit disconnectedEvent
            self.ib.RaiseRequestErrors = True
        if self._duplicate_id.is_set():
            raise SessionError(
                f"client id {profile.client_id} is already in use at {host}:{port} (IB 326); "
                "choose another client id",
                fatal=True,
            )
        if connect.cancelled():  # aborted: the socket closed (ib_async would wait its timeout)
            raise SessionError(f"{host}:{port} closed the connection during the API handshake")
        exc = connect.exception()
        if exc is None:
            return
        if isinstance(exc, ConnectionRefusedError):
            raise SessionError(
                f"nothing accepts connections at {host}:{port}: is TWS / IB Gateway running "
                "with the API enabled on this port?"
            )
        if isinstance(exc, TimeoutError):
            raise SessionError(
                f"{host}:{port} did not complete the API handshake within {profile.timeout:g}s "
                "(API enabled? this computer in 'Trusted IPs'?)"
            )
        raise SessionError(f"{host}:{port}: {type(exc).__name__}: {exc}")

    def _on_connected(self) -> None:
        self._by_value.clear()
        self._by_req_id.clear()
        self.lane.resume()
        self.history_scheduler.resume()
        self._set_state(ConnectionState(Phase.CONNECTED, self._endpoint_text()))
        # ib_async's connectAsync already re-synced positions, open and completed orders,
        # executions and account values; only the market data side is ours to restore.
        for line in list(self._lines.values()):
            self._subscribe(line)
        self.synced.emit()

    def _endpoint_text(self) -> str:
        assert self._profile is not None
        return f"{self._profile.name} ({self._profile.endpoint})"

    def _on_ib_disconnected(self) -> None:
        if self._connecting:
            return  # a failing attempt; _connect_once reports it
        self._mark_offline()
        if not self._want_connected:
            return
        self.messages.add_app("Connection to the gateway lost; reconnecting")
        if self._reconnect_task is None or self._reconnect_task.done():
            self._reconnect_task = self._spawn(self._reconnect("connection lost"), "reconnect")

    def _mark_offline(self) -> None:
        self.lane.clear()
        self.history_scheduler.pause()
        self._by_value.clear()
        self._by_req_id.clear()
        for line in self._lines.values():
            line.active = False
            line.set_stale(True)

    async def _reconnect(self, reason: str) -> None:
        attempt = 0
        while self._want_connected:
            attempt += 1
            delay = self.settings.backoff.delay(attempt)
            self._set_state(ConnectionState(Phase.RECONNECTING, reason, attempt, delay))
            await asyncio.sleep(delay)
            self._set_state(ConnectionState(Phase.RECONNECTING, reason, attempt, None))
            try:
                await self._connect_once()
            except SessionError as exc:
                if exc.fatal:
                    await self._give_up(exc.reason)
                    return
                reason = exc.reason
                continue
            self._reconnect_task = None
            self.messages.add_app(f"Reconnected after {attempt} attempt(s)", Severity.INFO)
            self._on_connected()
            return

    async def _stop_reconnecting(self) -> None:
        task, self._reconnect_task = self._reconnect_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _set_state(self, state: ConnectionState) -> None:
        if self._ib_link_down and state.phase is Phase.CONNECTED:
            state = ConnectionState(
                Phase.RECONNECTING, "TWS lost its connection to IB's servers (1100)"
            )
        changed = state != self._state
        self._state = state
        if changed:
            self.stateChanged.emit(state)
        self._update_trading()

    def _update_trading(self) -> None:
        profile = self._profile
        if self._state.phase is not Phase.CONNECTED:
            verdict = (False, f"Order entry is disabled: {self._state.text}")
        elif profile is not None and profile.read_only:
            verdict = (False, "Read-only connection: orders are disabled")
        else:
            verdict = (True, "")
        if verdict != self._trading:
            self._trading = verdict
            self.tradingChanged.emit(*verdict)

    # ------------------------------------------------------------------ orders
    def place_order(self, contract: Contract, order: Order) -> Trade:
        """Send a new order, or a modification when `order.orderId` is one of ours."""
        self._check_trading()
        if order.orderId:
            done = next(
                (t for t in self.ib.trades() if t.order.orderId == order.orderId and t.isDone()),
                None,
            )
            if done is not None:
                raise OrderRefused(
                    f"order {order.orderId} is already {done.orderStatus.status}; it cannot be "
                    "modified"
                )
        return self.ib.placeOrder(contract, order)

    def cancel_order(self, trade: Trade) -> Trade | None:
        self._check_trading()
        return self.ib.cancelOrder(trade.order)

    def global_cancel(self) -> None:
        """Cancel every open order of the account, from any client (reqGlobalCancel)."""
        self._check_trading()
        self.ib.reqGlobalCancel()

    def _check_trading(self) -> None:
        if not self.trading_allowed:
            raise OrderRefused(self.trading_reason)

    def trades(self) -> list[Trade]:
        return self.ib.trades()

    def open_trades(self) -> list[Trade]:
        return self.ib.openTrades()

    def fills(self) -> list[Fill]:
        return self.ib.fills()

    def positions(self) -> list[Position]:
        return self.ib.positions()

    def portfolio(self) -> list[PortfolioItem]:
        return self.ib.portfolio()

    def account_values(self) -> list[AccountValue]:
        return self.ib.accountValues()

    # ------------------------------------------------------------------ contracts
    async def qualify(self, contract: Contract) -> contracts.Contract:
        """A completed copy of `contract`; `contracts.ContractError` says why when not unique.
        Its details are kept: `details(conId)` answers from them without asking IB again."""
        self._require_connection()
        qualified, details = await contracts.qualify(
            self.ib, contract, self.settings.request_timeout, self.lane.slot
        )
        self._details[qualified.conId] = details
        return qualified

    def details(self, con_id: int) -> ContractDetails | None:
        """Contract details (minTick, longName, trading hours) of a contract qualified before."""
        return self._details.get(con_id)

    async def search_symbols(self, pattern: str) -> list[contracts.SymbolMatch]:
        self._require_connection()
        return await contracts.search_symbols(
            self.ib, pattern, self.settings.request_timeout, self.lane.slot
        )

    def _require_connection(self) -> None:
        if not self.ib.isConnected():
            raise contracts.ContractError(f"Not connected ({self._state.text})")

    # ------------------------------------------------------------------ history
    async def history(
        self,
        contract: Contract,
        duration: str,
        bar_size: str,
        what_to_show: str = "TRADES",
        use_rth: bool = False,
        end: str = "",
    ) -> list[BarData]:
        """One-off historical bars through the paced queue (HistoryError on IB refusal).

        While reconnecting the request waits in the queue; with no connection at all it fails.
        """
        if self._state.phase in (Phase.DISCONNECTED, Phase.FAILED):
            raise ConnectionError(f"Not connected ({self._state.text})")
        spec = BarsSpec(duration, bar_size, what_to_show, use_rth)
        key = replace(self._history_key(contract, spec), end=end)
        return await self.history_scheduler.request(key, contract)

    def _history_key(self, contract: Contract, spec: BarsSpec, live: bool = False) -> HistoryKey:
        return HistoryKey(
            con_id=_con_id(contract),
            exchange=contract.exchange or contract.primaryExchange,
            what_to_show=spec.what_to_show,
            end="",
            duration=spec.duration,
            bar_size=spec.bar_size,
            use_rth=spec.use_rth,
            keep_up_to_date=live,
        )

    async def _send_history(self, req: HistoryRequest) -> list[BarData]:
        """Called by the scheduler when pacing allows; the message still waits in the bulk lane."""
        await self.lane.slot()
        k = req.key
        return await self.ib.reqHistoricalDataAsync(
            req.contract,
            k.end,
            k.duration,
            k.bar_size,
            k.what_to_show,
            k.use_rth,
            keepUpToDate=k.keep_up_to_date,
            timeout=self.settings.history_timeout,
        )

    # ------------------------------------------------------------------ subscriptions
    def ticker(self, contract: Contract, generic_ticks: str = "") -> TickerHandle:
        """Live quotes for a qualified contract; one IB market data line per contract."""
        handle = self._acquire(
            (Kind.MARKET, _con_id(contract)), Kind.MARKET, contract, {}, TickerHandle
        )
        line = self._lines[(Kind.MARKET, _con_id(contract))]
        wanted = {t for t in generic_ticks.split(",") if t}
        have: set[str] = line.params.setdefault("generic", set())
        if not wanted <= have:
            have |= wanted
            if line.active:  # widen the existing line: cancel, then request with the union
                self._unsubscribe(line)
                self._subscribe(line)
        return handle

    def depth(self, contract: Contract, rows: int = 10, smart: bool = False) -> DepthHandle:
        params = {"rows": rows, "smart": smart}
        return self._acquire(
            (Kind.DEPTH, _con_id(contract)), Kind.DEPTH, contract, params, DepthHandle
        )

    def bars(self, contract: Contract, spec: BarsSpec | None = None) -> BarsHandle:
        """History plus live updates (keepUpToDate); shared per contract and spec."""
        spec = spec or BarsSpec()
        key = (Kind.BARS, _con_id(contract), spec)
        return self._acquire(key, Kind.BARS, contract, {"spec": spec}, BarsHandle)

    def pnl(self, account: str = "", model_code: str = "") -> PnLHandle:
        """Daily/unrealized/realized PnL of an account ("" = the default account)."""
        account = self._account_key(account)
        key = (Kind.PNL, account, model_code)
        params = {"account": account, "model": model_code}
        return self._acquire(key, Kind.PNL, None, params, PnLHandle)

    def pnl_single(self, con_id: int, account: str = "", model_code: str = "") -> PnLHandle:
        account = self._account_key(account)
        key = (Kind.PNL_SINGLE, account, model_code, con_id)
        params = {"account": account, "model": model_code, "con_id": con_id}
        return self._acquire(key, Kind.PNL_SINGLE, None, params, PnLHandle)

    def _account_key(self, account: str) -> str:
        """ "" and the default account name are one subscription."""
        return "" if account and account == self._default_account() else account

    def line_count(self, kind: Kind | None = None) -> int:
        """Subscriptions currently registered (each is one line at IB when connected)."""
        return sum(1 for line in self._lines.values() if kind is None or line.kind is kind)

    def _acquire(
        self,
        key: Hashable,
        kind: Kind,
        contract: Contract | None,
        params: dict[str, Any],
        handle_type: type[H],
    ) -> H:
        line = self._lines.get(key)
        created = line is None
        if line is None:
            line = self._lines[key] = Line(key, kind, contract, params)
        handle = handle_type(line, self._release)
        line.handles.append(handle)
        if created and self.is_connected:
            self._subscribe(line)
        return handle

    def _release(self, handle: LiveHandle, line: Line) -> None:
        with contextlib.suppress(ValueError):
            line.handles.remove(handle)
        if line.handles or self._lines.get(line.key) is not line:
            return
        del self._lines[line.key]
        if line.active:
            self._unsubscribe(line)

    def _subscribe(self, line: Line) -> None:
        line.active = True
        line.error = ""
        if line.kind is Kind.BARS:
            self._spawn(self._load_bars(line), f"bars {line.key}")
        else:
            self.lane.submit(lambda: self._send_subscribe(line), key=("sub", line.key))

    def _unsubscribe(self, line: Line) -> None:
        line.active = False
        if line.kind is Kind.BARS:
            if isinstance(line.value, BarDataList) and self.ib.isConnected():
                self.ib.cancelHistoricalData(line.value)
            return
        if self.lane.withdraw(("sub", line.key)) or not self.ib.isConnected():
            return  # never reached IB
        self.lane.submit(lambda: self._send_unsubscribe(line))

    def _send_subscribe(self, line: Line) -> None:
        if not self.ib.isConnected() or not line.active:
            return
        contract = line.contract
        p = line.params
        value: Any
        if line.kind is Kind.MARKET:
            assert contract is not None
            value = self.ib.reqMktData(contract, ",".join(sorted(p.get("generic", ()))))
            req_id = self.ib.wrapper.ticker2ReqId["mktData"].get(value, 0)
        elif line.kind is Kind.DEPTH:
            assert contract is not None
            value = self.ib.reqMktDepth(contract, p["rows"], p["smart"])
            req_id = self.ib.wrapper.ticker2ReqId["mktDepth"].get(value, 0)
        elif line.kind is Kind.PNL:
            account = p["resolved"] = p["account"] or self._default_account()
            if (account, p["model"]) in self.ib.wrapper.pnlKey2ReqId:
                self.ib.cancelPnL(account, p["model"])  # after 1101: ib_async still has it
            value = self.ib.reqPnL(account, p["model"])
            req_id = self.ib.wrapper.pnlKey2ReqId.get((account, p["model"]), 0)
        else:
            account = p["resolved"] = p["account"] or self._default_account()
            key = (account, p["model"], p["con_id"])
            if key in self.ib.wrapper.pnlSingleKey2ReqId:
                self.ib.cancelPnLSingle(*key)
            value = self.ib.reqPnLSingle(*key)
            req_id = self.ib.wrapper.pnlSingleKey2ReqId.get(key, 0)
        self._bind(line, value, req_id)

    def _send_unsubscribe(self, line: Line) -> None:
        if not self.ib.isConnected():
            return
        p = line.params
        if line.kind is Kind.MARKET:
            assert line.contract is not None
            self.ib.cancelMktData(line.contract)
        elif line.kind is Kind.DEPTH:
            assert line.contract is not None
            self.ib.cancelMktDepth(line.contract, p["smart"])
        elif line.kind is Kind.PNL:
            self.ib.cancelPnL(p["resolved"], p["model"])
        elif line.kind is Kind.PNL_SINGLE:
            self.ib.cancelPnLSingle(p["resolved"], p["model"], p["con_id"])
        self._by_req_id.pop(line.req_id, None)

    def _bind(self, line: Line, value: Any, req_id: int) -> None:
        lines = self._by_value.setdefault(id(value), [])
        if line not in lines:
            lines.append(line)
        line.req_id = req_id
        self._by_req_id[req_id] = line
        if value is not line.value:
            line.set_value(value)

    async def _load_bars(self, line: Line) -> None:
        assert line.contract is not None
        spec: BarsSpec = line.params["spec"]
        key = self._history_key(line.contract, spec, live=True)
        try:
            bars = await self.history_scheduler.request(key, line.contract)
        except Exception as exc:
            text = getattr(exc, "text", "") or str(exc) or type(exc).__name__
            line.set_error(text)
            return
        if not isinstance(bars, BarDataList):
            return
        if not line.active or self._lines.get(line.key) is not line:
            if self.ib.isConnected():
                self.ib.cancelHistoricalData(bars)  # released while loading
            return
        self._bind(line, bars, bars.reqId)
        line.notify()

    def _resubscribe_all(self) -> None:
        """After 1101 (data lost): request every line again; STALE until data flows."""
        self._by_value.clear()
        self._by_req_id.clear()
        for line in self._lines.values():
            line.set_stale(True)
            self._subscribe(line)

    def _default_account(self) -> str:
        profile = self._profile
        if profile is not None and profile.account:
            return profile.account
        accounts = self.ib.managedAccounts()
        return accounts[0] if accounts else ""

    # ------------------------------------------------------------------ ib_async events
    def _wire_ib_events(self) -> None:
        ib = self.ib
        ib.errorEvent += self._on_error
        ib.disconnectedEvent += self._on_ib_disconnected
        ib.client.apiError += self._on_api_error
        ib.pendingTickersEvent += self._on_tickers
        ib.barUpdateEvent += self._on_bars
        ib.pnlEvent += self._on_pnl
        ib.pnlSingleEvent += self._on_pnl
        ib.newOrderEvent += self.tradeChanged.emit
        ib.orderModifyEvent += self.tradeChanged.emit
        ib.orderStatusEvent += self.tradeChanged.emit
        ib.openOrderEvent += self.tradeChanged.emit
        ib.execDetailsEvent += self.fillAdded.emit
        ib.commissionReportEvent += self._on_commission
        ib.positionEvent += self.positionChanged.emit
        ib.updatePortfolioEvent += self.portfolioChanged.emit
        ib.accountValueEvent += self.accountValueChanged.emit
        ib.client.throttleStart += self.lane.pause
        ib.client.throttleEnd += self.lane.resume

    def _on_commission(self, trade: Trade, fill: Fill, _report: object) -> None:
        self.fillAdded.emit(trade, fill)

    def _on_tickers(self, tickers: set[Ticker]) -> None:
        for ticker in tickers:
            for line in self._by_value.get(id(ticker), ()):
                if line.value is not ticker:
                    continue
                if line.kind is Kind.DEPTH:
                    fresh = bool(ticker.domTicks)
                else:  # a read that only moved the book is no quote update
                    fresh = bool(ticker.ticks) or not ticker.domTicks
                if fresh:
                    line.notify()

    def _on_bars(self, bars: BarDataList, _has_new_bar: bool) -> None:
        for line in self._by_value.get(id(bars), ()):
            if line.value is bars:
                line.notify()

    def _on_pnl(self, pnl: PnL | PnLSingle) -> None:
        for line in self._by_value.get(id(pnl), ()):
            line.notify()

    def _on_api_error(self, text: str) -> None:
        if "CancelledError" in text:
            return  # ib_async telling of a connect we aborted; the reason is reported already
        self.messages.add_app(f"Gateway connection: {text}")
        if self._connecting and "API connection failed" not in text:
            self._handshake_lost.set()  # the peer closed or reset the socket mid-handshake

    def _on_error(self, req_id: int, code: int, text: str, contract: Contract | None) -> None:
        message = self.messages.add_ib(req_id, code, text, contract)
        if code == codes.DUPLICATE_CLIENT_ID:
            self._duplicate_id.set()
        elif code == codes.CONNECTIVITY_LOST:
            self._ib_link_down = True
            for line in self._lines.values():
                line.set_stale(True)
            self._set_state(self._state)
        elif code in (codes.RESTORED_DATA_LOST, codes.RESTORED_DATA_KEPT):
            self._ib_link_down = False
            if self._state.phase is Phase.RECONNECTING and self.ib.isConnected():
                self._set_state(ConnectionState(Phase.CONNECTED, self._endpoint_text()))
            if code == codes.RESTORED_DATA_LOST:
                self._resubscribe_all()
                self._spawn(self._resync(), "resync after 1101")
            else:
                self._unmark_stale()
        elif code in (codes.MARKET_FARM_BROKEN, codes.HMDS_FARM_BROKEN):
            farm = "market" if code == codes.MARKET_FARM_BROKEN else "hmds"
            self._broken_farms[farm].add(farm_name(text))
            for line in self._lines.values():
                if FARM_OF[line.kind] == farm:
                    line.set_stale(True)
        elif code in (codes.MARKET_FARM_OK, codes.HMDS_FARM_OK):
            farm = "market" if code == codes.MARKET_FARM_OK else "hmds"
            was_broken = bool(self._broken_farms[farm])
            self._broken_farms[farm].discard(farm_name(text))
            if was_broken and not self._broken_farms[farm]:
                self._unmark_stale(farm)
                if farm == "market":
                    self._spawn(self._recheck_quotes(time.monotonic()), "market farm recheck")
        elif req_id in self._by_req_id and message.severity is Severity.ERROR:
            self._by_req_id[req_id].set_error(f"{code}: {text}")

    def _unmark_stale(self, farm: str | None = None) -> None:
        """Farm OK (2104/2106) or 1102 (data kept): lines that had data are current again,
        unless their farm is still down. `farm` None: every farm."""
        for line in self._lines.values():
            line_farm = FARM_OF[line.kind]
            if farm is not None and line_farm != farm:
                continue
            if line_farm is not None and self._broken_farms.get(line_farm):
                continue
            if line.active and line.value is not None and not line.error:
                line.set_stale(False)

    async def _recheck_quotes(self, ok_at: float) -> None:
        """IB does not promise to resume every quote after a market farm outage: lines with no
        update within the grace period after 2104 go STALE and are requested again."""
        await asyncio.sleep(self.settings.farm_grace)
        if self._broken_farms["market"] or not self.is_connected:
            return
        for line in list(self._lines.values()):
            quiet = line.updated_at < ok_at
            if FARM_OF[line.kind] == "market" and line.active and quiet and not line.error:
                line.set_stale(True)
                self._unsubscribe(line)
                self._subscribe(line)

    async def _resync(self) -> None:
        """Account data is lost with 1101 too: fetch orders, positions, fills, account again."""
        timeout = self.settings.request_timeout
        requests = [self.ib.reqPositionsAsync(), self.ib.reqExecutionsAsync()]
        profile = self._profile
        if profile is not None and not profile.read_only:
            requests.append(self.ib.reqOpenOrdersAsync())
        account = self._default_account()
        if account:
            requests.append(self.ib.reqAccountUpdatesAsync(account))
        results = await asyncio.gather(
            *(asyncio.wait_for(r, timeout) for r in requests), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                self.report_error(f"re-sync after 1101 incomplete: {result!r}")
        self.synced.emit()

    def _spawn(self, coro: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
        return self._tasks.spawn(coro, name)


def _con_id(contract: Contract) -> int:
    if not contract.conId:
        raise ValueError(f"qualify {contracts.contract_text(contract)} first (no conId)")
    return contract.conId
