"""The connection supervisor: connects, keeps the connection up with backoff, and says what state
it is in and whether orders may be sent.

It owns the socket side only. What the rest of the session does when the connection comes and
goes (replay market data, mark lines STALE, clear queues) it asks of the session through the
hooks it is given. The embedded simulated gateway is started and stopped here, in the connect
and close path (`_start_simulator` / `_stop_simulator`).
"""

import asyncio
import contextlib
from collections.abc import Callable

from ib_async import IB

from terminal_app.ib_errors import Severity
from terminal_app.session import ib_internals
from terminal_app.session.messages import MessageLog
from terminal_app.session.profiles import LOOPBACK, ConnectionProfile
from terminal_app.session.settings import SessionSettings
from terminal_app.session.simulated import EmbeddedSimulator
from terminal_app.session.state import (
    DISCONNECTED,
    STARTING_SIMULATOR,
    ConnectionState,
    Phase,
    SessionError,
)
from terminal_app.tasks import TaskOwner

Hook = Callable[[], None]


class ConnectionSupervisor:
    def __init__(
        self,
        ib: IB,
        messages: MessageLog,
        settings: SessionSettings,
        tasks: TaskOwner,
        *,
        on_state: Callable[[ConnectionState], None],
        on_trading: Callable[[bool, str], None],
        on_attempt: Hook,
        on_online: Hook,
        on_offline: Hook,
    ) -> None:
        """Hooks: `on_attempt` before each connect attempt (a new TWS session is starting),
        `on_online` once connected (first time or again; it calls `set_connected()`),
        `on_offline` when the socket is gone."""
        self._ib = ib
        self._messages = messages
        self._settings = settings
        self._tasks = tasks
        self._on_state = on_state
        self._on_trading = on_trading
        self._on_attempt = on_attempt
        self._on_online = on_online
        self._on_offline = on_offline
        self._profile: ConnectionProfile | None = None
        self._state = DISCONNECTED
        self._trading: tuple[bool, str] = (False, DISCONNECTED.text)
        self._want_connected = False
        self._connecting = False
        self._ib_link_down = False  # TWS <-> IB servers (1100 until 1101/1102)
        self._duplicate_id = asyncio.Event()
        self._handshake_lost = asyncio.Event()  # socket closed before the API was ready
        self._attempt: asyncio.Task[bool] | None = None  # open_connection's connect
        self._reconnect_task: asyncio.Task[None] | None = None
        self._simulator: EmbeddedSimulator | None = None
        ib.disconnectedEvent += self._on_ib_disconnected
        ib.client.apiError += self._on_api_error
        self._lost_reason = ""  # why the socket went during the handshake, when known
        ib_internals.watch_socket(ib, self._check_frame, self._on_unreadable, self._on_closed)

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def profile(self) -> ConnectionProfile | None:
        return self._profile

    @property
    def is_connected(self) -> bool:
        return self._state.phase is Phase.CONNECTED and self._ib.isConnected()

    @property
    def trading(self) -> tuple[bool, str]:
        """(allowed, why not)."""
        return self._trading

    @property
    def simulator(self) -> EmbeddedSimulator | None:
        """The embedded gateway's child process while the simulated profile is in use."""
        return self._simulator

    def default_account(self) -> str:
        profile = self._profile
        if profile is not None and profile.account:
            return profile.account
        accounts = self._ib.managedAccounts()
        return accounts[0] if accounts else ""

    def set_connected(self) -> None:
        self._set_state(ConnectionState(Phase.CONNECTED, self._endpoint_text()))

    # ------------------------------------------------------------------ connect / close
    async def open_connection(self, profile: ConnectionProfile, acknowledged_remote: bool) -> bool:
        if profile.needs_host_warning and not acknowledged_remote:
            reason = (
                f"{profile.host} is not this computer; confirm the remote-host warning before "
                "connecting"
            )
            self._messages.add_app(reason, Severity.WARNING)
            if self._state.phase in (Phase.DISCONNECTED, Phase.FAILED):
                self._set_state(ConnectionState(Phase.FAILED, reason))
            return False  # a connection in use stays as it is
        if self._state.phase is Phase.CONNECTING:
            self._messages.add_app("A connection attempt is already in progress", Severity.WARNING)
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
            await self._start_simulator(profile)
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
        self._on_online()
        return True

    async def close_connection(self) -> None:
        self._want_connected = False
        await self._stop_reconnecting()
        attempt, self._attempt = self._attempt, None
        if attempt is not None and not attempt.done():
            attempt.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await attempt
        self._drop_socket()
        self._on_offline()
        await self._stop_simulator()
        self._set_state(DISCONNECTED)

    def cancel_reconnect(self) -> None:
        if self._state.phase is not Phase.RECONNECTING:
            return
        self._want_connected = False
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
            self._reconnect_task = None
        self._drop_socket()
        self._on_offline()
        simulator, self._simulator = self._simulator, None
        if simulator is not None:
            self._tasks.spawn(simulator.stop(), "stop embedded simulator")
        self._ib_link_down = False
        self._set_state(ConnectionState(Phase.DISCONNECTED, "reconnect cancelled"))

    def _drop_socket(self) -> None:
        if self._ib.client.isReady():
            self._ib.disconnect()
        elif ib_internals.socket_open(self._ib):
            self._ib.client.disconnect()  # mid-handshake: ib.disconnect() would raise

    async def _give_up(self, reason: str) -> None:
        self._want_connected = False
        await self._stop_simulator()
        self._messages.add_app(f"Connection failed: {reason}")
        self._set_state(ConnectionState(Phase.FAILED, reason))

    # ------------------------------------------------------------------ embedded simulator
    async def _start_simulator(self, profile: ConnectionProfile) -> None:
        if profile.is_simulated:  # the gateway is a child process (simulated.py)
            self._simulator = EmbeddedSimulator(on_exit=self._on_simulator_exit)
            self._set_state(ConnectionState(Phase.CONNECTING, STARTING_SIMULATOR))
            await self._simulator.start(profile.port)
            self._set_state(ConnectionState(Phase.CONNECTING, profile.endpoint))

    async def _stop_simulator(self) -> None:
        simulator, self._simulator = self._simulator, None
        if simulator is not None:
            await simulator.stop()

    def _on_simulator_exit(self, reason: str) -> None:
        """The child gateway died: say so; the reconnect loop starts a new one."""
        self._messages.add_app(f"{reason}; restarting it" if self._want_connected else reason)

    def _endpoint(self) -> tuple[str, int]:
        profile = self._profile
        assert profile is not None
        if self._simulator is not None:
            return LOOPBACK, self._simulator.port
        return profile.host, profile.port

    # ------------------------------------------------------------------ one attempt
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
        self._lost_reason = ""
        # A new TWS session reports its own farm and IB-link state during the handshake.
        self._on_attempt()
        self._ib_link_down = False
        self._connecting = True
        # ib_async's start-up fetch only tolerates timeouts: an error on one of its requests
        # must not fail the whole connect, so request errors raise only once we are connected.
        self._ib.RaiseRequestErrors = False
        connect = asyncio.ensure_future(
            self._ib.connectAsync(
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
            self._ib.RaiseRequestErrors = True
        if self._duplicate_id.is_set():
            raise SessionError(
                f"client id {profile.client_id} is already in use at {host}:{port} (IB 326); "
                "choose another client id",
                fatal=True,
            )
        if connect.cancelled():  # aborted: the socket closed (ib_async would wait its timeout)
            raise SessionError(
                f"{host}:{port} {self._lost_reason or 'closed the connection'} during the API "
                "handshake"
            )
        exc = connect.exception()
        if exc is None:
            ib_internals.cap_socket_reads(self._ib)
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

    def _endpoint_text(self) -> str:
        assert self._profile is not None
        return f"{self._profile.name} ({self._profile.endpoint})"

    # ------------------------------------------------------------------ drops and reconnects
    def _on_ib_disconnected(self) -> None:
        if self._connecting:
            return  # a failing attempt; _connect_once reports it
        self._on_offline()
        if not self._want_connected:
            return
        self._messages.add_app("Connection to the gateway lost; reconnecting")
        if self._reconnect_task is None or self._reconnect_task.done():
            self._reconnect_task = self._tasks.spawn(
                self._reconnect("connection lost"), "reconnect"
            )

    async def _reconnect(self, reason: str) -> None:
        attempt = 0
        while self._want_connected:
            attempt += 1
            delay = self._settings.backoff.delay(attempt)
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
            self._messages.add_app(f"Reconnected after {attempt} attempt(s)", Severity.INFO)
            self._on_online()
            return

    async def _stop_reconnecting(self) -> None:
        task, self._reconnect_task = self._reconnect_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # ------------------------------------------------------------------ what TWS tells us
    def duplicate_client_id(self) -> None:
        """326: TWS will close this socket; the attempt fails for good (no retry loop)."""
        self._duplicate_id.set()

    def ib_link_lost(self) -> None:
        """1100: TWS lost IB's servers and reconnects by itself; orders wait until it has."""
        self._ib_link_down = True
        self._set_state(self._state)

    def ib_link_restored(self) -> None:
        """1101 / 1102."""
        self._ib_link_down = False
        if self._state.phase is Phase.RECONNECTING and self._ib.isConnected():
            self.set_connected()

    def _check_frame(self, _data: bytes) -> None:
        """A length prefix beyond any TWS message: ib_async would wait for it for ever, silent
        and buffering everything after it. Drop the connection (the reconnect starts clean)."""
        size = ib_internals.message_being_read(self._ib)
        if size > ib_internals.MAX_MESSAGE_BYTES:
            limit = ib_internals.MAX_MESSAGE_BYTES
            self._unreadable(f"a message of {size:,} bytes (TWS sends at most {limit:,})")

    def _on_unreadable(self, error: Exception) -> None:
        self._unreadable(f"data ib_async cannot read ({type(error).__name__}: {error})")

    def _unreadable(self, what: str) -> None:
        """The byte stream is broken: nothing after this can be trusted to decode."""
        if self._connecting:
            self._lost_reason = f"sent {what}"
            self._handshake_lost.set()
        elif self._ib.client.isReady():
            self._messages.add_app(f"The gateway sent {what}; dropping the connection")
            self._ib.disconnect()

    def _on_closed(self, _reason: str) -> None:
        if self._connecting:  # ib_async reports no clean close before the API is ready
            self._handshake_lost.set()

    def _on_api_error(self, text: str) -> None:
        if "CancelledError" in text:
            return  # ib_async telling of a connect we aborted; the reason is reported already
        self._messages.add_app(f"Gateway connection: {text}")
        if self._connecting and "API connection failed" not in text:
            self._handshake_lost.set()  # the peer closed or reset the socket mid-handshake

    # ------------------------------------------------------------------ state and order gate
    def _set_state(self, state: ConnectionState) -> None:
        if self._ib_link_down and state.phase is Phase.CONNECTED:
            state = ConnectionState(
                Phase.RECONNECTING, "TWS lost its connection to IB's servers (1100)"
            )
        changed = state != self._state
        self._state = state
        if changed:
            self._on_state(state)
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
            self._on_trading(*verdict)
