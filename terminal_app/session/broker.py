"""BrokerSession: the one owner of `ib_async.IB` and the one facade panels use. See the package
docstring for the public API.

It puts the parts together and delegates: `supervisor` (connect, reconnect with backoff, state,
order gate verdict), `error_routing` (IB's codes to the part that acts on them), `lines` with
`line_kinds` (shared market data lines), `orders`, `contracts`, and `history` (paced queue).
"""

import asyncio
import logging
from dataclasses import replace
from datetime import datetime

from ib_async import (
    IB,
    AccountValue,
    BarData,
    BarDataList,
    Contract,
    ContractDetails,
    Fill,
    Order,
    OrderState,
    PortfolioItem,
    Position,
    PriceIncrement,
    Trade,
)
from PySide6.QtCore import QObject, Signal

from terminal_app.ib_errors import Severity
from terminal_app.session import contracts
from terminal_app.session.contract_directory import ContractDirectory
from terminal_app.session.error_routing import ErrorRouter
from terminal_app.session.history import HistoryRequest, HistoryScheduler
from terminal_app.session.lane import BulkLane
from terminal_app.session.lines import LineRegistry
from terminal_app.session.messages import IbLogRelay, MessageLog
from terminal_app.session.orders import OrderGate, OrderRefused
from terminal_app.session.pacing import HistoryKey, HistoryPacer
from terminal_app.session.profiles import ConnectionProfile
from terminal_app.session.settings import SessionSettings
from terminal_app.session.simulated import EmbeddedSimulator
from terminal_app.session.state import ConnectionState, Phase
from terminal_app.session.subscriptions import (
    TICK_CLASS,
    BarsHandle,
    BarsSpec,
    DepthHandle,
    Kind,
    Line,
    PnLHandle,
    RealtimeBarsHandle,
    TickerHandle,
    TicksHandle,
)
from terminal_app.session.supervisor import ConnectionSupervisor
from terminal_app.tasks import TaskOwner

__all__ = ["BrokerSession", "OrderRefused", "SessionSettings"]


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
        self.settings = settings = settings or SessionSettings()
        self.ib = ib = IB()  # the only one; nothing outside this package may use it
        ib.RaiseRequestErrors = True  # request errors raise RequestError (with the code)
        self.messages = MessageLog()
        self.messages.subscribe(self.messageAdded.emit)
        self.lane = BulkLane(settings.bulk_rate, settings.bulk_interval)
        self.lane.on_error = lambda exc: self.report_error(f"request not sent: {exc!r}")
        self.history_scheduler = HistoryScheduler(
            self._send_history,
            HistoryPacer(settings.pacing),
            settings.violation_cooldown,
            on_change=self.historyQueueChanged.emit,
        )
        self.history_scheduler.pause()  # until connected
        self._contracts = ContractDirectory(
            ib, lambda: self.settings.request_timeout, self.lane.slot, self._require_connection
        )
        self._tasks = TaskOwner("session", on_error=self.report_error)
        self._supervisor = ConnectionSupervisor(
            ib,
            self.messages,
            settings,
            self._tasks,
            on_state=self.stateChanged.emit,
            on_trading=self.tradingChanged.emit,
            on_attempt=lambda: self._lines.reset_farms(),
            on_online=self._went_online,
            on_offline=self._went_offline,
        )
        self._lines = LineRegistry(
            ib,
            self.lane,
            self._tasks,
            load_history=self._load_live_bars,
            online=lambda: self.is_connected,
            default_account=self._supervisor.default_account,
            farm_grace=settings.farm_grace,
        )
        self._orders = OrderGate(ib, lambda: self._supervisor.trading)
        # Kept on self: ib_async's events hold bound-method handlers through weak references.
        self._errors = ErrorRouter(
            ib,
            self.messages,
            self._supervisor,
            self._lines,
            self._tasks,
            request_timeout=settings.request_timeout,
            synced=self.synced.emit,
            report_error=self.report_error,
        )
        self._wire_account_events()
        self._log_relay = relay = IbLogRelay(self.messages)
        ib_log = logging.getLogger("ib_async.ib")
        ib_log.addHandler(relay)
        # Also when the session goes with its parent window without close(): no relay to a
        # deleted session may stay on ib_async's (process-wide) logger.
        self.destroyed.connect(lambda *_: ib_log.removeHandler(relay))

    def _wire_account_events(self) -> None:
        ib = self.ib
        ib.newOrderEvent += self.tradeChanged.emit
        ib.orderModifyEvent += self.tradeChanged.emit
        ib.orderStatusEvent += self.tradeChanged.emit
        ib.openOrderEvent += self.tradeChanged.emit
        ib.execDetailsEvent += self.fillAdded.emit
        ib.commissionReportEvent += lambda trade, fill, _report: self.fillAdded.emit(trade, fill)
        ib.positionEvent += self.positionChanged.emit
        ib.updatePortfolioEvent += self.portfolioChanged.emit
        ib.accountValueEvent += self.accountValueChanged.emit
        ib.client.throttleStart += self.lane.pause
        ib.client.throttleEnd += self.lane.resume

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> ConnectionState:
        return self._supervisor.state

    @property
    def profile(self) -> ConnectionProfile | None:
        return self._supervisor.profile

    @property
    def is_connected(self) -> bool:
        return self._supervisor.is_connected

    @property
    def trading_allowed(self) -> bool:
        return self._supervisor.trading[0]

    @property
    def trading_reason(self) -> str:
        """Why order entry is disabled ("" when allowed)."""
        return self._supervisor.trading[1]

    @property
    def simulator(self) -> EmbeddedSimulator | None:
        """The embedded gateway's child process while the simulated profile is in use."""
        return self._supervisor.simulator

    def accounts(self) -> list[str]:
        return list(self.ib.managedAccounts()) if self.ib.isConnected() else []

    async def server_time(self) -> datetime:
        """The gateway's clock (reqCurrentTime; the simulator's clock need not be wall time).
        Raises ConnectionError when not connected, TimeoutError when it does not answer."""
        if not self.ib.isConnected():
            raise ConnectionError(f"Not connected ({self.state.text})")
        return await asyncio.wait_for(self.ib.reqCurrentTimeAsync(), self.settings.request_timeout)

    def report_error(self, text: str) -> None:
        """Sink for app-side errors: `install_exception_handler(loop, session.report_error)`."""
        self.messages.add_app(text)

    # ------------------------------------------------------------------ connection
    async def open_connection(
        self, profile: ConnectionProfile, *, acknowledged_remote: bool = False
    ) -> bool:
        """Connect with `profile`; False (state FAILED with the reason) if it did not work.

        Once connected, any drop is retried with backoff until `close_connection()` or
        `cancel_reconnect()`. A non-loopback host is refused unless the user acknowledged it.
        """
        return await self._supervisor.open_connection(profile, acknowledged_remote)

    async def close_connection(self) -> None:
        """Disconnect on purpose (no reconnect), also in the middle of a connect attempt;
        subscriptions stay registered for next time."""
        await self._supervisor.close_connection()

    def cancel_reconnect(self) -> None:
        """The user gave up waiting: stop retrying, or (during 1100, while TWS itself is
        reconnecting to IB) disconnect. State DISCONNECTED at once."""
        self._supervisor.cancel_reconnect()

    async def close(self) -> None:
        """Shut down: detach every handle (no more signals into closing panels), disconnect,
        drop every queued request."""
        self._lines.detach_all()
        await self.close_connection()
        await self.history_scheduler.close()
        self.lane.clear()
        await self._tasks.cancel_all()
        self._lines.clear()
        logging.getLogger("ib_async.ib").removeHandler(self._log_relay)

    def _went_online(self) -> None:
        self._lines.forget_requests()
        self.lane.resume()
        self.history_scheduler.resume()
        self._supervisor.set_connected()
        # ib_async's connectAsync already re-synced positions, open and completed orders,
        # executions and account values; only the market data side is ours to restore. Except
        # on a read-only connection, where it skips the open orders: ask for them explicitly.
        self._lines.subscribe_all()
        self.synced.emit()
        profile = self._supervisor.profile
        if profile is not None and profile.read_only:
            self._tasks.spawn(self._list_open_orders(), "list open orders (read-only)")

    async def _list_open_orders(self) -> None:
        try:
            await self._orders.list_open_orders(self.settings.request_timeout)
        except TimeoutError:
            self.messages.add_app(
                "TWS did not list the open orders to this read-only connection; turn on "
                "'Download open orders on connection' in TWS's API settings to see them",
                Severity.WARNING,
            )
            return
        self.synced.emit()

    def _went_offline(self) -> None:
        self.lane.clear()
        self.history_scheduler.pause()
        self._lines.mark_offline()

    # ------------------------------------------------------------------ orders
    def place_order(self, contract: Contract, order: Order) -> Trade:
        """Send a new order, or a modification when `order.orderId` is one of ours."""
        return self._orders.place(contract, order)

    def cancel_order(self, trade: Trade) -> Trade | None:
        return self._orders.cancel(trade)

    def global_cancel(self) -> None:
        """Cancel every open order of the account, from any client (reqGlobalCancel)."""
        self._orders.global_cancel()

    def next_order_id(self) -> int:
        """A fresh order id (a bracket's children need their parent's before it is sent)."""
        return self._orders.next_order_id()

    async def what_if(self, contract: Contract, order: Order) -> OrderState:
        """Commission and margin change of `order` without placing it (OrderRefused when order
        entry is disabled, TimeoutError when IB does not answer)."""
        return await self._orders.what_if(contract, order, self.settings.request_timeout)

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
        """A completed copy of `contract`; `contracts.ContractError` says why when not unique."""
        return await self._contracts.qualify(contract)

    def details(self, con_id: int) -> ContractDetails | None:
        """Contract details (minTick, longName, trading hours) of a contract qualified before."""
        return self._contracts.details(con_id)

    async def market_rule(self, rule_id: int) -> list[PriceIncrement]:
        """A market rule's price increments by price level; empty when IB does not answer."""
        return await self._contracts.market_rule(rule_id)

    async def search_symbols(self, pattern: str) -> list[contracts.SymbolMatch]:
        return await self._contracts.search_symbols(pattern)

    def _require_connection(self) -> None:
        if not self.ib.isConnected():
            raise contracts.ContractError(f"Not connected ({self.state.text})")

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
        if self.state.phase in (Phase.DISCONNECTED, Phase.FAILED):
            raise ConnectionError(f"Not connected ({self.state.text})")
        spec = BarsSpec(duration, bar_size, what_to_show, use_rth)
        key = replace(self._history_key(contract, spec), end=end)
        return await self.history_scheduler.request(key, contract)

    async def _load_live_bars(self, line: Line) -> BarDataList | None:
        """A BARS line's keepUpToDate history, through the same paced queue."""
        assert line.contract is not None
        key = self._history_key(line.contract, line.params["spec"], live=True)
        bars = await self.history_scheduler.request(key, line.contract)
        return bars if isinstance(bars, BarDataList) else None

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

    # ------------------------------------------------------------------ live lines
    def ticker(self, contract: Contract, generic_ticks: str = "") -> TickerHandle:
        """Live quotes for a qualified contract; one IB market data line per contract."""
        key = (Kind.MARKET, _con_id(contract))
        handle = self._lines.acquire(key, Kind.MARKET, contract, {}, TickerHandle)
        line = self._lines.get(key)
        assert line is not None
        wanted = {t for t in generic_ticks.split(",") if t}
        have: set[str] = line.params.setdefault("generic", set())
        if not wanted <= have:
            have |= wanted
            self._lines.renew(line)  # widen the line: cancel, then request with the union
        return handle

    def depth(self, contract: Contract, rows: int = 10, smart: bool = False) -> DepthHandle:
        params = {"rows": rows, "smart": smart}
        key = (Kind.DEPTH, _con_id(contract))
        return self._lines.acquire(key, Kind.DEPTH, contract, params, DepthHandle)

    def tick_by_tick(self, contract: Contract, tick_type: str = "AllLast") -> TicksHandle:
        """Every trade ("AllLast", "Last") or quote change ("BidAsk", "MidPoint"), for a DOM or
        time & sales. IB allows only a few of these lines at a time (error 10190 beyond)."""
        if tick_type not in TICK_CLASS:
            raise ValueError(f"tick type {tick_type!r} is not one of {', '.join(TICK_CLASS)}")
        key = (Kind.TICKS, _con_id(contract), tick_type)
        params = {"tick_type": tick_type}
        return self._lines.acquire(key, Kind.TICKS, contract, params, TicksHandle)

    def bars(self, contract: Contract, spec: BarsSpec | None = None) -> BarsHandle:
        """History plus live updates (keepUpToDate); shared per contract and spec."""
        spec = spec or BarsSpec()
        key = (Kind.BARS, _con_id(contract), spec)
        return self._lines.acquire(key, Kind.BARS, contract, {"spec": spec}, BarsHandle)

    def realtime_bars(
        self, contract: Contract, what_to_show: str = "TRADES", use_rth: bool = False
    ) -> RealtimeBarsHandle:
        """IB's 5-second bars (reqRealTimeBars), one appended every 5 seconds; no history."""
        key = (Kind.REALTIME_BARS, _con_id(contract), what_to_show, use_rth)
        params = {"what_to_show": what_to_show, "use_rth": use_rth}
        return self._lines.acquire(key, Kind.REALTIME_BARS, contract, params, RealtimeBarsHandle)

    def pnl(self, account: str = "", model_code: str = "") -> PnLHandle:
        """Daily/unrealized/realized PnL of an account ("" = the default account)."""
        account = self._account_key(account)
        key = (Kind.PNL, account, model_code)
        params = {"account": account, "model": model_code}
        return self._lines.acquire(key, Kind.PNL, None, params, PnLHandle)

    def pnl_single(self, con_id: int, account: str = "", model_code: str = "") -> PnLHandle:
        account = self._account_key(account)
        key = (Kind.PNL_SINGLE, account, model_code, con_id)
        params = {"account": account, "model": model_code, "con_id": con_id}
        return self._lines.acquire(key, Kind.PNL_SINGLE, None, params, PnLHandle)

    def line_count(self, kind: Kind | None = None) -> int:
        """Subscriptions currently registered (each is one line at IB when connected)."""
        return self._lines.count(kind)

    def lines(self) -> list[Line]:
        """The subscriptions registered now (the benchmarks replay them on a bare client)."""
        return self._lines.lines()

    def _account_key(self, account: str) -> str:
        """ "" and the default account name are one subscription."""
        return "" if account and account == self._supervisor.default_account() else account


def _con_id(contract: Contract) -> int:
    if not contract.conId:
        raise ValueError(f"qualify {contracts.contract_text(contract)} first (no conId)")
    return contract.conId
