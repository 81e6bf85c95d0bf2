"""The broker session: the one place that talks to `ib_async.IB` (QtCore only, no widgets).

Panels and the workspace use this API and never touch `session.ib`. Everything runs on the shared
qasync loop; every `async` method must be awaited from a task or `qasync.asyncSlot`.

Connection (`BrokerSession`)
    session = BrokerSession(SessionSettings())        # one per app
    ok = await session.open_connection(profile, acknowledged_remote=False)
        False -> `session.state` is FAILED with the reason (refused port, handshake timeout,
        duplicate client id 326, non-loopback host without acknowledgement). After a successful
        connect the supervisor reconnects by itself with capped backoff on any drop.
    await session.close_connection()   # on purpose: no reconnect; subscriptions stay registered
    session.cancel_reconnect()         # user gives up while RECONNECTING -> DISCONNECTED
    await session.close()              # app shutdown
    session.state: ConnectionState(phase: Phase, reason, attempt, next_in); `.text` for display
        Phase: DISCONNECTED, CONNECTING, CONNECTED, RECONNECTING (attempt 0 = TWS lost IB,
        code 1100), FAILED.
    session.profile, session.accounts(), session.is_connected
    await session.server_time() -> datetime  (ConnectionError / TimeoutError)
    session.trading_allowed / session.trading_reason   (False while not CONNECTED, during 1100,
        or on a read-only profile; the reason is the text to show on disabled order controls)
    session.simulator: the embedded gateway's child process while the simulated profile is in
        use (EmbeddedSimulator: pid, port, state_dir, running, ready_s); it is restarted by the
        reconnect supervisor when it dies

Signals (Qt, on the GUI thread)
    stateChanged(ConnectionState)        tradingChanged(bool allowed, str reason)
    messageAdded(Message)                synced()   # after (re)connect / 1101 re-sync: ib_async
                                                    # rebuilt its Trade/Position objects, re-read
    tradeChanged(Trade)                  fillAdded(Trade, Fill)
    positionChanged(Position)            portfolioChanged(PortfolioItem)
    accountValueChanged(AccountValue)    historyQueueChanged()

Live data (shared lines, ref-counted by contract and kind; contracts must be qualified)
    h = session.ticker(contract, generic_ticks="")    -> TickerHandle   (h.ticker: Ticker | None)
    h = session.depth(contract, rows=10, smart=False) -> DepthHandle    (h.ticker.domBids/Asks)
    h = session.tick_by_tick(contract, "AllLast" | "Last" | "BidAsk" | "MidPoint")
                            -> TicksHandle  (h.ticks: this read's ticks of that type; IB allows
                               only a few tick-by-tick lines, error 10190 beyond)
    h = session.bars(contract, BarsSpec(duration, bar_size, what_to_show, use_rth))
                                                      -> BarsHandle     (h.bars: BarDataList)
    h = session.realtime_bars(contract, what_to_show="TRADES", use_rth=False)
                            -> RealtimeBarsHandle  (h.bars: RealTimeBarList, a bar every 5 s)
    h = session.pnl(account="") / session.pnl_single(con_id, account="") -> PnLHandle (h.pnl)
        ("" = the profile's or the first managed account; by name it is the same line)
    Every handle: signals updated(value), staleChanged(bool), replaced() (new live object after a
    reconnect: re-read h.value), failed(str); properties value, stale, error, users, released;
    h.release() when the panel closes (idempotent). The IB line is cancelled on the last release.
    A new kind of line: a `Kind`, one entry in `line_kinds.LINE_KINDS`, a handle, a method here.
    `stale` is True until data flows, while the data farm (2103/2105) or the connection is down;
    never price an order from a stale handle. After 2104 quotes that stay silent for
    `settings.farm_grace` are requested again.
    Request priority: subscriptions, history and contract lookups wait in `session.lane` (a
    BulkLane, ≤35 msg/s, under ib_async's 45 msg/s FIFO throttle); orders, modifications and
    cancels go straight to ib_async and so never queue behind them. `h.value` is None until the
    request was sent; `session.lane.pending` counts what waits.
    `await session.close()` detaches every handle first (they read as released).

Contracts and history
    await session.qualify(contract) -> Contract         (raises contracts.ContractError(text))
    session.details(con_id) -> ContractDetails | None    (kept from qualify: minTick, longName)
    await session.search_symbols(pattern) -> list[SymbolMatch]   (contract, description,
        sec_type, exchange, currency, derivative_sec_types, expiries; ContractError if none)
    await session.history(contract, duration, bar_size, what_to_show, use_rth, end="")
        -> list[BarData]   paced by IB's rules (raises history.HistoryError with code/text)
    session.history_scheduler.waiting() / .in_flight() -> list[HistoryRequest] (`.describe`)

Orders (refused with OrderRefused(reason) unless trading_allowed; never re-sent on reconnect).
Panels do not call these: they go through `terminal_app.orders.order_service(session)`, which
validates and applies the precautions first.
    session.place_order(contract, order) -> Trade   (same orderId again = modification)
    session.cancel_order(trade) -> Trade | None
    session.global_cancel()
    session.next_order_id() -> int     (a bracket's children need their parent's id up front)
    await session.what_if(contract, order) -> OrderState   (commission, margin change)
    A read-only profile still lists the working orders of every client (reqAllOpenOrders after
    connecting; ib_async's read-only connect skips them).
    session.trades(), open_trades(), fills(), positions(), portfolio(), account_values()

Messages
    session.messages: MessageLog (Qt-free, iterable, len, [i]; `.subscribe(fn)`) of Message(time,
    code, req_id, severity: ib_errors.Severity, text, explanation, contract, source). Every IB
    error/warning/notice lands here, and so do failures ib_async only logs (e.g. a start-up
    fetch that timed out); app errors via `session.report_error(text)`, which is also the sink
    for `terminal_app.tasks.install_exception_handler(loop, session.report_error)`.

Profiles (`profiles`): builtin_profiles(), default_profile(), make_profile(kind, **changes),
    ConnectionProfile(kind, name, host, port, client_id, read_only, account, timeout, live) with
    is_live (red LIVE badge), needs_host_warning (ask before connecting), to_dict/from_dict.

Loop lag: `terminal_app.loop_lag.LoopLagProbe().start()`, `.stats()` -> last/max/p99 seconds.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Loaded on first use (PEP 562): the entry point reads a profile and starts the embedded gateway's
# process before ib_async and Qt are imported (`terminal_app.session.profiles` must stay light).
_HOMES = {
    "Severity": "terminal_app.ib_errors",
    "BrokerSession": "terminal_app.session.broker",
    "OrderRefused": "terminal_app.session.broker",
    "SessionSettings": "terminal_app.session.broker",
    "ContractError": "terminal_app.session.contracts",
    "SymbolMatch": "terminal_app.session.contracts",
    "HistoryError": "terminal_app.session.history",
    "HistoryRequest": "terminal_app.session.history",
    "Message": "terminal_app.session.messages",
    "MessageLog": "terminal_app.session.messages",
    "PacingRules": "terminal_app.session.pacing",
    "ConnectionProfile": "terminal_app.session.profiles",
    "ProfileKind": "terminal_app.session.profiles",
    "builtin_profiles": "terminal_app.session.profiles",
    "default_profile": "terminal_app.session.profiles",
    "make_profile": "terminal_app.session.profiles",
    "Backoff": "terminal_app.session.state",
    "ConnectionState": "terminal_app.session.state",
    "Phase": "terminal_app.session.state",
    **dict.fromkeys(
        (
            "BarsHandle",
            "BarsSpec",
            "DepthHandle",
            "Kind",
            "LiveHandle",
            "PnLHandle",
            "RealtimeBarsHandle",
            "TickerHandle",
            "TicksHandle",
        ),
        "terminal_app.session.subscriptions",
    ),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


if TYPE_CHECKING:
    from terminal_app.ib_errors import Severity
    from terminal_app.session.broker import BrokerSession, OrderRefused, SessionSettings
    from terminal_app.session.contracts import ContractError, SymbolMatch
    from terminal_app.session.history import HistoryError, HistoryRequest
    from terminal_app.session.messages import Message, MessageLog
    from terminal_app.session.pacing import PacingRules
    from terminal_app.session.profiles import (
        ConnectionProfile,
        ProfileKind,
        builtin_profiles,
        default_profile,
        make_profile,
    )
    from terminal_app.session.state import Backoff, ConnectionState, Phase
    from terminal_app.session.subscriptions import (
        BarsHandle,
        BarsSpec,
        DepthHandle,
        Kind,
        LiveHandle,
        PnLHandle,
        RealtimeBarsHandle,
        TickerHandle,
        TicksHandle,
    )

__all__ = [
    "Backoff",
    "BarsHandle",
    "BarsSpec",
    "BrokerSession",
    "ConnectionProfile",
    "ConnectionState",
    "ContractError",
    "DepthHandle",
    "HistoryError",
    "HistoryRequest",
    "Kind",
    "LiveHandle",
    "Message",
    "MessageLog",
    "OrderRefused",
    "PacingRules",
    "Phase",
    "PnLHandle",
    "ProfileKind",
    "RealtimeBarsHandle",
    "SessionSettings",
    "Severity",
    "SymbolMatch",
    "TickerHandle",
    "TicksHandle",
    "builtin_profiles",
    "default_profile",
    "make_profile",
]
