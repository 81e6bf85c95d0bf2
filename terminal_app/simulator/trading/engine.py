"""The simulated gateway's order engine: accepts, validates, works and fills orders like TWS.

Pure Python, no sockets: the protocol layer calls `place`/`cancel`/... and forwards the events the
engine emits (openOrder, orderStatus, execDetails, commissionReport, error) to the clients.
Time never passes inside the engine: it reacts to market changes (`Venue.watch`) and to `poll()`.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from ib_async import CommissionReport, Contract, Execution, ExecutionFilter, Order, OrderState
from ib_async.order import OrderStatus
from ib_async.util import UNSET_DOUBLE

from . import algos, errors
from .commissions import CommissionQuote, commission, order_commission
from .errors import Rejection
from .events import (
    CommissionEvent,
    EngineEvent,
    ErrorEvent,
    ExecutionEvent,
    OpenOrderEvent,
    OrderStatusEvent,
)
from .order_fields import NEEDS_AUX, clone, quantity_of, uses_limit
from .ports import (
    Account,
    Book,
    FillPosting,
    InstrumentSpec,
    Level,
    MarginImpact,
    Print,
    SessionWindow,
    Venue,
)
from .pricing import (
    DOUBLE_LAST,
    effective_method,
    is_set,
    midpoint_price,
    needs_two,
    observed_prices,
    ratchet,
    relative_price,
    round_to_tick,
    stop_hit,
    touch_hit,
    trail_amount,
)
from .times import format_ib_time, parse_ib_time
from .validation import validate
from .working import TRIGGERED_TYPES, SavedOrder, WorkingOrder

log = logging.getLogger(__name__)

Key = tuple[int, int]
Listener = Callable[[EngineEvent], None]
_COMPLETED_KEPT = 1000
_MARKET_KINDS = frozenset({"MKT", "STP", "MIT", "TRAIL"})
_MODIFIABLE_TYPES = frozenset({"MKT", "LMT", "STP", "STP LMT", "MIT", "LIT", "REL", "PEG MID"})


@dataclass(frozen=True)
class ExecutionRecord:
    """One fill as reqExecutions returns it."""

    client_id: int
    contract: Contract
    execution: Execution
    report: CommissionReport


@dataclass(frozen=True)
class CompletedOrder:
    contract: Contract
    order: Order
    state: OrderState


@dataclass
class _Pass:
    """One evaluation of an instrument's orders: the market as the orders see it now."""

    book: Book
    trade: Print | None  # a new print (each print of a second is "last" in turn)
    quote: bool  # the quote just changed (else: a timer poll, a new or modified order)
    now: datetime
    taken: dict[tuple[str, float], Decimal]  # liquidity our own orders took from this book


@dataclass
class _Injection:
    count: int
    code: int
    text: str


class Journal:
    """Where the engine records what must survive a restart; `store.StateStore` implements it.
    The base class records nothing (no state dir)."""

    def save_order(self, order: WorkingOrder) -> None:
        """Called after any change of an order that should outlive the process."""

    def drop_order(self, key: Key) -> None:
        """Called when an order is done or stops being persistent."""

    def add_execution(self, record: ExecutionRecord) -> None: ...

    def add_completed(self, order: CompletedOrder) -> None: ...

    def save_counters(self, next_ids: dict[int, int], perm_id: int, exec_seq: int) -> None: ...

    def save_account(self) -> None: ...

    def commit(self) -> None:
        """End of one engine operation: everything recorded since the last commit is atomic."""


class OrderEngine:
    """TWS's order handling over a `Venue` (market + clock + sessions) and an `Account` (ledger)."""

    def __init__(self, venue: Venue, account: Account, *, journal: Journal | None = None) -> None:
        self._venue = venue
        self._account = account
        self._journal = journal or Journal()
        self._listeners: list[Listener] = []
        self._orders: dict[Key, WorkingOrder] = {}
        self._by_con: dict[int, list[Key]] = {}
        self._unwatch: dict[int, Callable[[], None]] = {}
        self._completed: list[tuple[Key | None, CompletedOrder]] = []
        self._executions: list[ExecutionRecord] = []
        self._max_ids: dict[int, int] = {}
        self._perm_id = 1_000_000
        self._exec_seq = 0
        self._injection: _Injection | None = None
        self._deferred_reductions: list[tuple[WorkingOrder, Decimal]] = []
        self._evaluating: set[int] = set()
        self._taken: dict[
            int, tuple[tuple[Level, ...], tuple[Level, ...], dict[tuple[str, float], Decimal]]
        ] = {}

    # ----------------------------------------------------------------- listeners & restore

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def restore(
        self,
        orders: Iterable[SavedOrder],
        executions: Iterable[ExecutionRecord],
        next_ids: dict[int, int],
        perm_id: int,
        exec_seq: int,
        completed: Iterable[CompletedOrder] = (),
    ) -> None:
        """Take back what a `Journal` saved before a restart (no events are emitted)."""
        self._executions.extend(executions)
        self._completed.extend((None, done) for done in completed)
        del self._completed[:-_COMPLETED_KEPT]
        self._max_ids.update({client: nid - 1 for client, nid in next_ids.items()})
        self._perm_id = max(self._perm_id, perm_id)
        self._exec_seq = max(self._exec_seq, exec_seq)
        now = self._venue.now()
        for saved in orders:
            spec = self._venue.spec(saved.contract.conId)
            if spec is None:
                log.warning("dropping saved order %s: unknown conId", saved.order_id)
                continue
            wo = WorkingOrder(
                client_id=saved.client_id,
                order_id=saved.order_id,
                perm_id=saved.perm_id,
                contract=saved.contract,
                order=saved.order,
                spec=spec,
                placed_at=saved.placed_at,
                session=self._venue.session(spec.con_id, now),
                status=saved.status,
                filled=saved.filled,
                notional=saved.notional,
                last_fill_price=saved.last_fill_price,
                triggered=saved.triggered,
                trail_stop=saved.trail_stop,
                commission=saved.commission,
                children=[(saved.client_id, child) for child in saved.children],
            )
            try:  # a DAY order keeps the session it was placed in (and expires with it)
                self._schedule(wo, saved.placed_at if wo.tif == "DAY" else now)
            except (Rejection, ValueError) as exc:
                log.warning("dropping saved order %s: %s", saved.order_id, exc)
                continue
            self._note_id(wo.client_id, wo.order_id)
            self._orders[wo.key] = wo
            self._track(wo)

    # ----------------------------------------------------------------- public requests

    def next_order_id(self, client_id: int) -> int:
        """The nextValidId for this client: above every id it has ever used."""
        return self._max_ids.get(client_id, 0) + 1

    def inject_rejections(
        self, count: int, code: int = errors.ORDER_REJECTED, text: str = ""
    ) -> None:
        """Fault injection: the next `count` placeOrder requests are refused with `code`."""
        text = text or errors.rejected("Simulated rejection (fault injection)").text
        self._injection = _Injection(count, code, text) if count > 0 else None

    def place(self, client_id: int, order_id: int, contract: Contract, order: Order) -> None:
        """placeOrder: a new order, a modification (same id), or a whatIf request."""
        self._note_id(client_id, order_id)
        try:
            existing = self._orders.get((client_id, order_id))
            if self._injection is not None and existing is None and not order.whatIf:
                self._consume_injection()
            if order.whatIf:
                self._emit(self._what_if_event(client_id, order_id, contract, order))
            elif existing is not None:
                self._modify(existing, contract, order)
            else:
                self._accept(client_id, order_id, contract, order)
        except Rejection as exc:
            self._emit(ErrorEvent(client_id, order_id, exc.code, exc.text))
        self._commit()

    def cancel(self, client_id: int, order_id: int) -> None:
        """cancelOrder: 202 on success, 10147 unknown id, 10148 already done."""
        wo = self._orders.get((client_id, order_id))
        if wo is None:
            rejection = errors.cancel_unknown(order_id)
            self._emit(ErrorEvent(client_id, order_id, rejection.code, rejection.text))
        elif wo.done:
            rejection = errors.cancel_not_possible(order_id, wo.status)
            self._emit(ErrorEvent(client_id, order_id, rejection.code, rejection.text))
        else:
            self._cancel(wo, reason="")
        self._commit()

    def global_cancel(self) -> None:
        """reqGlobalCancel: every working order of the account, whoever placed it."""
        for wo in list(self._orders.values()):
            if not wo.done:
                self._cancel(wo, reason="Global Cancel")
        self._commit()

    def open_orders(
        self, client_id: int | None = None
    ) -> list[tuple[OpenOrderEvent, OrderStatusEvent]]:
        """reqOpenOrders (one client) / reqAllOpenOrders (None): openOrder + orderStatus each."""
        return [
            (self._open_event(wo), self._status_event(wo))
            for wo in self._orders.values()
            if not wo.done and not wo.staged and (client_id is None or wo.client_id == client_id)
        ]

    def completed_orders(self) -> list[CompletedOrder]:
        """reqCompletedOrders: filled, cancelled and inactive orders, oldest first."""
        return [done for _, done in self._completed]

    def executions(self, flt: ExecutionFilter | None = None) -> list[ExecutionRecord]:
        """reqExecutions with IB's ExecutionFilter semantics (empty/0 fields match everything)."""
        flt = flt or ExecutionFilter()
        since = self._filter_time(flt.time)
        side = {"BUY": "BOT", "SELL": "SLD"}.get(flt.side.upper(), flt.side.upper())
        return [
            r
            for r in self._executions
            if (not flt.clientId or r.client_id == flt.clientId)
            and (not flt.acctCode or r.execution.acctNumber == flt.acctCode)
            and (since is None or r.execution.time >= since)
            and (not flt.symbol or r.contract.symbol.upper() == flt.symbol.upper())
            and (not flt.secType or r.contract.secType.upper() == flt.secType.upper())
            and (not flt.exchange or r.execution.exchange.upper() == flt.exchange.upper())
            and (not side or r.execution.side == side)
        ]

    def what_if(self, contract: Contract, order: Order) -> OrderState:
        """The OrderState a whatIf placeOrder answers with; raises `Rejection` for a bad order."""
        spec = self._spec(contract)
        validate(order, spec, self._venue.now())
        self._check_account(order)
        impact, quote = self._impact(spec, order)
        return OrderState(
            status="PreSubmitted",
            initMarginBefore=_num(impact.init_before),
            maintMarginBefore=_num(impact.maint_before),
            equityWithLoanBefore=_num(impact.equity_with_loan_before),
            initMarginChange=_num(impact.init_after - impact.init_before),
            maintMarginChange=_num(impact.maint_after - impact.maint_before),
            equityWithLoanChange=_num(
                impact.equity_with_loan_after - impact.equity_with_loan_before
            ),
            initMarginAfter=_num(impact.init_after),
            maintMarginAfter=_num(impact.maint_after),
            equityWithLoanAfter=_num(impact.equity_with_loan_after),
            commission=float(quote.commission),
            minCommission=float(quote.minimum),
            maxCommission=float(quote.maximum),
            commissionCurrency="USD",
            warningText=(
                ""
                if impact.sufficient or impact.init_after <= impact.init_before
                else "Insufficient equity: this order would be rejected for margin"
            ),
        )

    def poll(self) -> None:
        """Re-evaluate every working order against the current time and market: expiries, session
        opens/closes, algo slices, closing auctions. The gateway calls this on a timer."""
        for con_id in list(self._by_con):
            self._evaluate(con_id, None)
        self._commit()

    def close(self) -> None:
        for unwatch in self._unwatch.values():
            unwatch()
        self._unwatch.clear()

    # ----------------------------------------------------------------- accept / modify

    def _consume_injection(self) -> None:
        injection = self._injection
        assert injection is not None
        injection.count -= 1
        if injection.count <= 0:
            self._injection = None
        raise Rejection(injection.code, injection.text)

    def _spec(self, contract: Contract) -> InstrumentSpec:
        spec = self._venue.spec(contract.conId) if contract.conId else None
        if spec is None:
            raise Rejection(200, "No security definition has been found for the request")
        return spec

    def _accept(self, client_id: int, order_id: int, contract: Contract, order: Order) -> None:
        spec = self._spec(contract)
        now = self._venue.now()
        validate(order, spec, now)
        self._check_account(order)
        parent = self._parent_of(client_id, order)
        wo = WorkingOrder(
            client_id=client_id,
            order_id=order_id,
            perm_id=self._next_perm_id(),
            contract=contract,
            order=clone(order),
            spec=spec,
            placed_at=now,
            session=self._venue.session(spec.con_id, now),
        )
        ignored_rth = self._ignore_outside_rth(wo)
        self._schedule(wo, now)
        if parent is None:
            self._check_buying_power(wo)
        if ignored_rth:
            self._emit(ErrorEvent(client_id, order_id, *errors.OUTSIDE_RTH_IGNORED))
        self._orders[wo.key] = wo
        if parent is not None:
            parent.children.append(wo.key)
        if not order.transmit:
            wo.staged = True
            return
        self._transmit(parent if parent is not None and parent.staged else wo)

    def _ignore_outside_rth(self, wo: WorkingOrder) -> bool:
        """US stocks execute market orders only in regular hours: TWS drops outsideRth there
        (with warning 2109) and works the order in RTH."""
        if wo.spec.sec_type == "STK" and wo.order.outsideRth and wo.kind in _MARKET_KINDS:
            wo.order.outsideRth = False
            return True
        return False

    def _check_account(self, order: Order) -> None:
        if order.account and order.account != self._account.name:
            raise errors.rejected(f"The account {order.account!r} is not managed by this login")

    def _parent_of(self, client_id: int, order: Order) -> WorkingOrder | None:
        if not order.parentId:
            return None
        parent = self._orders.get((client_id, order.parentId))
        if parent is None or parent.status in (OrderStatus.Cancelled, OrderStatus.Inactive):
            raise errors.rejected(f"Parent order {order.parentId} is not found or not working")
        return parent

    def _schedule(self, wo: WorkingOrder, now: datetime) -> None:
        """Session, expiry time, activation time and algo for a new or modified order."""
        order = wo.order
        tif = (order.tif or "DAY").upper()
        session = self._session_for(wo, now)
        wo.session = session
        wo.expires_at = None
        wo.activates_at = None
        wo.not_before = parse_ib_time(order.goodAfterTime, now) if order.goodAfterTime else None
        if tif == "DAY":
            wo.expires_at = session.outer_close if order.outsideRth else session.close
        elif tif == "GTD":
            wo.expires_at = parse_ib_time(order.goodTillDate, now)
        elif tif == "OPG":
            wo.activates_at = (
                session.open
                if now < session.open
                else self._venue.session(wo.spec.con_id, session.outer_close).open
            )
        if not order.algoStrategy:
            wo.algo = None
        elif wo.algo is None or wo.algo.params != algos.param_map(order.algoParams):
            # A modification that keeps the algo's parameters keeps its schedule.
            wo.algo = algos.build(
                order.algoStrategy, list(order.algoParams), wo.kind, now, session.close
            )

    def _session_for(self, wo: WorkingOrder, now: datetime) -> SessionWindow:
        session = self._venue.session(wo.spec.con_id, now)
        if not wo.order.outsideRth and now >= session.close:
            session = self._venue.session(wo.spec.con_id, session.outer_close)
        return session

    def _check_buying_power(self, wo: WorkingOrder) -> None:
        impact, _ = self._impact(wo.spec, wo.order)
        if impact.init_after > impact.init_before and not impact.sufficient:
            raise errors.rejected(
                "YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR EQUITY "
                f"WITH LOAN VALUE [{impact.equity_with_loan_after:.2f} USD] MUST EXCEED THE "
                f"INITIAL MARGIN [{impact.init_after:.2f} USD]"
            )

    def _impact(self, spec: InstrumentSpec, order: Order) -> tuple[MarginImpact, CommissionQuote]:
        quantity = quantity_of(order)
        price = Decimal(repr(self._reference_price(spec.con_id, order)))
        quote = order_commission(spec, quantity, price)
        signed = quantity if order.action.upper() == "BUY" else -quantity
        impact = self._account.margin_impact(spec.con_id, signed, price, quote.commission)
        return impact, quote

    def _reference_price(self, con_id: int, order: Order) -> float:
        """The price margin is checked at: the limit, else the stop, else the market."""
        if uses_limit(order):
            return float(order.lmtPrice)  # type: ignore[arg-type]
        if order.orderType.upper() in NEEDS_AUX:
            return float(order.auxPrice)  # type: ignore[arg-type]
        book = self._venue.book(con_id)
        side = book.ask if order.action.upper() == "BUY" else book.bid
        for price in (side, book.last, book.mid):
            if price is not None and price > 0:
                return price
        raise errors.rejected("No market price available to check this order")

    def _modify(self, wo: WorkingOrder, contract: Contract, order: Order) -> None:
        if wo.done or (contract.conId and contract.conId != wo.spec.con_id):
            raise errors.duplicate_id()
        if order.action.upper() != wo.order.action.upper():
            raise errors.modify_mismatch("the action cannot change")
        if (order.algoStrategy or "") != (wo.order.algoStrategy or ""):
            raise errors.modify_mismatch("the algo strategy cannot change")
        new_type = order.orderType.upper()
        if new_type != wo.kind and not (
            new_type in _MODIFIABLE_TYPES and wo.kind in _MODIFIABLE_TYPES
        ):
            raise errors.modify_mismatch(f"cannot change a {wo.kind} into {new_type}")
        now = self._venue.now()
        validate(order, wo.spec, now)
        if quantity_of(order) < wo.filled:
            raise errors.modify_mismatch(
                f"the quantity {quantity_of(order)} is below the filled {wo.filled}"
            )
        previous = wo.order
        trigger_state = wo.triggered, wo.trigger_hits, wo.trail_stop
        wo.order = clone(order, parentId=previous.parentId or order.parentId)
        wo.refresh()
        if new_type != previous.orderType.upper() or order.auxPrice != previous.auxPrice:
            wo.triggered = False
            wo.trigger_hits = 0
            wo.trail_stop = None
        try:
            self._schedule(wo, now)
            self._check_buying_power(wo)
        except Rejection:  # a refused modification leaves the order exactly as it was
            wo.order = previous
            wo.refresh()
            wo.triggered, wo.trigger_hits, wo.trail_stop = trigger_state
            self._schedule(wo, now)
            raise
        if wo.staged:
            if order.transmit:
                parent = self._orders.get(wo.parent_key) if wo.parent_key else None
                self._transmit(parent if parent is not None and parent.staged else wo)
            return
        self._emit(self._open_event(wo))
        self._emit(self._status_event(wo))
        self._evaluate(wo.spec.con_id, None)
        self._persist(wo)

    def _transmit(self, root: WorkingOrder) -> None:
        """Send a staged group (a parent and its children) live, parent first."""
        group = [root] + [self._orders[k] for k in root.children if k in self._orders]
        for wo in group:
            if wo.done:
                continue
            wo.staged = False
            wo.status = OrderStatus.PreSubmitted
            self._track(wo)
            self._emit(self._open_event(wo))
            self._emit(self._status_event(wo))
            self._persist(wo)
        self._evaluate(root.spec.con_id, None)
        for con_id in {wo.spec.con_id for wo in group} - {root.spec.con_id}:
            self._evaluate(con_id, None)

    # ----------------------------------------------------------------- evaluation

    def _track(self, wo: WorkingOrder) -> None:
        con_id = wo.spec.con_id
        keys = self._by_con.setdefault(con_id, [])
        if wo.key not in keys:
            keys.append(wo.key)
        if con_id not in self._unwatch:
            self._unwatch[con_id] = self._venue.watch(
                con_id, functools.partial(self._on_market, con_id)
            )

    def _untrack(self, wo: WorkingOrder) -> None:
        con_id = wo.spec.con_id
        keys = self._by_con.get(con_id, [])
        if wo.key in keys:
            keys.remove(wo.key)
        if not keys:
            self._by_con.pop(con_id, None)
            unwatch = self._unwatch.pop(con_id, None)
            if unwatch is not None:
                unwatch()

    def _on_market(self, con_id: int, trade: Print | None) -> None:
        self._evaluate(con_id, trade, quote=trade is None)
        self._commit()

    def _evaluate(self, con_id: int, trade: Print | None, quote: bool = False) -> None:
        """Work this instrument's orders; `trade` is a new print, `quote` says the quote just
        changed (otherwise the market is as last seen: a timer poll, a new or modified order)."""
        keys = list(self._by_con.get(con_id, ()))
        if not keys:
            return
        now = self._venue.now()
        book = self._venue.book(con_id)
        if trade is not None:  # several prints in one market step: each is "last" in turn
            book = dataclasses.replace(book, last=trade.price)
        market = _Pass(book, trade, quote, now, self._taken_from(con_id, book, trade))
        self._evaluating.add(con_id)
        try:
            for key in keys:
                wo = self._orders.get(key)
                if wo is None or wo.done or wo.staged:
                    continue
                try:
                    self._step(wo, market)
                except Exception:  # one broken order must not stop the venue for the others
                    log.exception("evaluating order %s failed", key)
        finally:
            self._evaluating.discard(con_id)
        self._apply_deferred_reductions()

    def _taken_from(
        self, con_id: int, book: Book, trade: Print | None
    ) -> dict[tuple[str, float], Decimal]:
        """Liquidity our orders already took from this very book (the market's book is stateless:
        until it changes, what was taken stays taken). Each print is a fresh print."""
        cached = self._taken.get(con_id)
        if cached is not None and cached[0] == book.bids and cached[1] == book.asks:
            taken = cached[2]
            for key in [k for k in taken if k[0] == "print"]:
                del taken[key]
        else:
            taken = {}
            self._taken[con_id] = (book.bids, book.asks, taken)
        return taken

    def _step(self, wo: WorkingOrder, market: _Pass) -> None:
        now, trade = market.now, market.trade
        parent = self._orders.get(wo.parent_key) if wo.parent_key else None
        # Attached orders work as soon as (and as far as) their parent has filled.
        held_by_parent = parent is not None and parent.filled == 0
        if wo.spec.expires_at is not None and now >= wo.spec.expires_at:
            self._cancel(wo, reason="The contract has expired")
            return
        if wo.kind in ("MOC", "LOC") and not held_by_parent:
            self._auction_close(wo, market)
            return
        if wo.expires_at is not None and now >= wo.expires_at:
            self._cancel(wo, reason="Order expired")
            return
        if held_by_parent or (wo.not_before is not None and now < wo.not_before):
            self._set_status(wo, OrderStatus.PreSubmitted)
            return
        if wo.activates_at is not None:
            if now < wo.activates_at:
                self._set_status(wo, OrderStatus.PreSubmitted)
                return
            self._auction_open(wo, market)
            return
        if now >= (wo.session.outer_close if wo.order.outsideRth else wo.session.close):
            wo.session = self._session_for(wo, now)  # a GTC order rolls into the next session
        if not wo.session.contains(now, wo.order.outsideRth):
            self._set_status(wo, OrderStatus.PreSubmitted)
            return
        if wo.kind in TRIGGERED_TYPES and not wo.triggered:
            stop_before = wo.trail_stop
            fired = self._trigger(wo, market)
            if wo.trail_stop != stop_before:
                self._persist(wo)
            if not fired:
                self._set_status(wo, OrderStatus.PreSubmitted)
                return
            trade = None  # the print that fired the order happened before it was live
        if wo.algo is not None and now < wo.algo.start:
            self._set_status(wo, OrderStatus.PreSubmitted)
            return
        if wo.status != OrderStatus.Submitted and (wo.triggered or parent is not None):
            try:  # IB checks margin again when a held order is released to the market
                self._check_buying_power(wo)
            except Rejection as exc:
                self._deactivate(wo, exc)
                return
        self._set_status(wo, OrderStatus.Submitted)
        self._work(wo, market, trade)

    def _trigger(self, wo: WorkingOrder, market: _Pass) -> bool:
        """Watch the trigger (and ratchet a trailing stop); True once the order has fired.
        The double methods count fresh observations only (a new print for double-last, a quote
        change for double bid/ask), not the same price seen again by a timer poll."""
        method = effective_method(wo.order.triggerMethod, wo.spec.sec_type)
        prices = observed_prices(method, wo.is_buy, market.book)
        if not prices:
            return False
        if wo.kind in ("TRAIL", "TRAIL LIMIT"):
            reference = min(prices) if wo.is_buy else max(prices)
            if wo.trail_stop is None and is_set(wo.order.trailStopPrice):
                wo.trail_stop = float(wo.order.trailStopPrice)
            amount = trail_amount(reference, wo.aux, wo.order.trailingPercent)
            wo.trail_stop = ratchet(wo.trail_stop, reference, amount, wo.is_buy, wo.spec.min_tick)
            if wo.initial_stop is None:
                wo.initial_stop = wo.trail_stop
            level = wo.trail_stop
            hit = any(stop_hit(p, level, wo.is_buy) for p in prices)
        elif wo.kind in ("MIT", "LIT"):
            level = wo.aux or 0.0
            hit = any(touch_hit(p, level, wo.is_buy) for p in prices)
        else:
            level = wo.aux or 0.0
            hit = any(stop_hit(p, level, wo.is_buy) for p in prices)
        if not hit:
            wo.trigger_hits = 0
            return False
        if needs_two(method):
            if market.trade is not None if method == DOUBLE_LAST else market.quote:
                wo.trigger_hits += 1
            if wo.trigger_hits < 2:
                return False
        wo.triggered = True
        log.info("order %s triggered at %s", wo.key, level)
        return True

    def _limit_now(self, wo: WorkingOrder, market: _Pass) -> tuple[bool, float | None]:
        """(can price, limit): None = market; False when a peg has no quote to peg to."""
        book = market.book
        tick = wo.spec.min_tick
        order_type = wo.kind
        if order_type in ("MKT", "STP", "MIT", "TRAIL"):
            limit = None
        elif order_type == "TRAIL LIMIT":
            assert wo.trail_stop is not None
            if is_set(wo.order.lmtPriceOffset):
                offset = float(wo.order.lmtPriceOffset)
            else:  # an initial limit: the limit trails the stop at that first distance
                offset = abs((wo.limit or 0.0) - (wo.initial_stop or wo.trail_stop))
            raw = wo.trail_stop + offset if wo.is_buy else wo.trail_stop - offset
            limit = round_to_tick(raw, tick, up=not wo.is_buy)
        elif order_type == "REL":
            limit = relative_price(book, wo.is_buy, wo.aux or 0.0, wo.limit, tick)
            if limit is None:
                return False, None
        elif order_type == "PEG MID":
            limit = midpoint_price(book, wo.is_buy, wo.aux or 0.0, wo.limit, tick)
            if limit is None:
                return False, None
        else:
            limit = wo.limit
        if wo.algo is not None:
            priced, child = wo.algo.child_price(book, wo.is_buy, market.now)
            if not priced:
                return False, None
            if child is not None:  # the algo's own (more passive) price, within the limit
                child = round_to_tick(child, tick, up=not wo.is_buy)
                limit = child if limit is None else _passive(limit, child, wo.is_buy)
        return True, limit

    def _work(self, wo: WorkingOrder, market: _Pass, trade: Print | None) -> None:
        """Fill what the book (and `trade`, a print the order was live for) allows."""
        priced, limit = self._limit_now(wo, market)
        tif = wo.tif
        wanted = self._algo_quantity(wo, market) if wo.algo is not None else wo.remaining
        room = self._room(wo)
        if room is not None:
            wanted = min(wanted, room)
        all_or_none = wo.order.allOrNone or tif == "FOK"
        if priced and wanted > 0:
            if all_or_none and self._available(wo, market, limit) < wo.remaining:
                if tif == "FOK":
                    self._cancel(wo, reason="Fill-or-kill not fillable")
                    return
                wanted = Decimal(0)  # all-or-none waits for enough liquidity
            for quantity, price in self._take(wo, market, limit, wanted):
                self._fill(wo, quantity, price, liquidity=2)
                wanted -= quantity
                if wo.done:
                    return
            if trade is not None and limit is not None and not wo.done and wanted > 0:
                self._fill_from_print(wo, market, trade, limit, wanted)
        if wo.done:
            return
        if tif in ("IOC", "FOK"):
            self._cancel(wo, reason="Immediate-or-cancel remainder")
        elif (
            wo.algo is not None
            and wo.algo.schedules
            and market.now >= wo.algo.end
            and not wo.algo.allow_past_end
        ):
            self._cancel(wo, reason="Algo end time reached")

    def _algo_quantity(self, wo: WorkingOrder, market: _Pass) -> Decimal:
        book, now = market.book, market.now
        run = wo.algo
        assert run is not None
        if run.start_volume is None:
            run.start_volume = book.volume
        target = run.target(
            wo.total, now, lambda s, e, t: self._venue.volume_fraction(wo.spec.con_id, s, e, t)
        )
        cap = run.volume_cap(book.volume) if wo.spec.sec_type != "CASH" else None
        if cap is not None:
            target = min(target, cap)
        return _to_increment(max(target - wo.filled, Decimal(0)), wo.spec.size_increment)

    def _levels(self, wo: WorkingOrder, book: Book) -> tuple[str, tuple[Level, ...]]:
        return ("ask", book.asks) if wo.is_buy else ("bid", book.bids)

    def _available(self, wo: WorkingOrder, market: _Pass, limit: float | None) -> Decimal:
        side, levels = self._levels(wo, market.book)
        return sum(
            (
                max(level.size - market.taken.get((side, level.price), Decimal(0)), Decimal(0))
                for level in levels
                if _within(level.price, limit, wo.is_buy)
            ),
            Decimal(0),
        )

    def _take(
        self, wo: WorkingOrder, market: _Pass, limit: float | None, wanted: Decimal
    ) -> list[tuple[Decimal, float]]:
        """Walk the opposite side of the book up to the limit, consuming what this pass left."""
        side, levels = self._levels(wo, market.book)
        taken = market.taken
        fills: list[tuple[Decimal, float]] = []
        need = min(wanted, wo.remaining)
        for level in levels:
            if need <= 0 or not _within(level.price, limit, wo.is_buy):
                break
            used = taken.get((side, level.price), Decimal(0))
            quantity = _to_increment(min(level.size - used, need), wo.spec.size_increment)
            if quantity <= 0:
                continue
            taken[(side, level.price)] = used + quantity
            fills.append((quantity, level.price))
            need -= quantity
        return fills

    def _fill_from_print(
        self, wo: WorkingOrder, market: _Pass, trade: Print, limit: float, wanted: Decimal
    ) -> None:
        """A resting limit fills when the market trades through it (at its price: all of it;
        at the limit: what the print leaves after the orders queued before it)."""
        taken = market.taken
        if wo.is_buy:
            through, at = trade.price < limit, trade.price == limit
        else:
            through, at = trade.price > limit, trade.price == limit
        quantity = min(wanted, wo.remaining)
        if at:
            used = taken.get(("print", limit), Decimal(0))
            quantity = min(quantity, max(trade.size - used, Decimal(0)))
        quantity = _to_increment(quantity, wo.spec.size_increment)
        if wo.order.allOrNone and quantity < wo.remaining:
            return
        if at:
            taken[("print", limit)] = taken.get(("print", limit), Decimal(0)) + quantity
        if (through or at) and quantity > 0:
            self._fill(wo, quantity, limit, liquidity=1)

    def _auction_close(self, wo: WorkingOrder, market: _Pass) -> None:
        """MOC/LOC: held until the session's close, then all-or-nothing at the closing price."""
        if market.now < wo.session.close:
            self._set_status(wo, OrderStatus.PreSubmitted)
            return
        price = market.book.last
        limit = wo.limit if wo.kind == "LOC" else None
        if price is not None and _within(price, limit, wo.is_buy):
            self._fill(wo, wo.remaining, price, liquidity=3)
        else:
            self._cancel(wo, reason="Not filled in the closing auction")

    def _auction_open(self, wo: WorkingOrder, market: _Pass) -> None:
        """OPG: works once at the open; what the opening market cannot fill is cancelled."""
        self._set_status(wo, OrderStatus.Submitted)
        for quantity, price in self._take(wo, market, wo.limit, wo.remaining):
            self._fill(wo, quantity, price, liquidity=3)
        if not wo.done:
            self._cancel(wo, reason="Not filled at the open")

    # ----------------------------------------------------------------- fills

    def _fill(self, wo: WorkingOrder, quantity: Decimal, price: float, liquidity: int) -> None:
        # The market's time (a second it is catching up on) never predates the order.
        now = max(self._venue.now(), wo.placed_at)
        wo.record_fill(quantity, price)
        self._exec_seq += 1
        exec_id = f"{wo.perm_id:08x}.{self._exec_seq:08x}.01.01"
        side = "BOT" if wo.is_buy else "SLD"
        fee = max(commission(wo.spec, wo.filled, wo.notional) - wo.commission, Decimal(0))
        realized = self._account.post(
            FillPosting(
                con_id=wo.spec.con_id,
                side=side,
                quantity=quantity,
                price=Decimal(repr(price)),
                commission=fee,
                time=now,
                exec_id=exec_id,
            )
        )
        wo.commission += fee
        execution = Execution(
            execId=exec_id,
            time=now,
            acctNumber=self._account.name,
            exchange=wo.spec.exchange,
            side=side,
            shares=float(quantity),
            price=price,
            permId=wo.perm_id,
            clientId=wo.client_id,
            orderId=wo.order_id,
            cumQty=float(wo.filled),
            avgPrice=wo.avg_price,
            orderRef=wo.order.orderRef,
            modelCode=wo.order.modelCode,
            lastLiquidity=liquidity,
        )
        report = CommissionReport(
            execId=exec_id,
            commission=float(fee),
            currency="USD",
            realizedPNL=float(realized) if realized is not None else UNSET_DOUBLE,
            yield_=UNSET_DOUBLE,
        )
        record = ExecutionRecord(wo.client_id, wo.contract, execution, report)
        self._executions.append(record)
        self._journal.add_execution(record)
        self._journal.save_account()
        self._emit(ExecutionEvent(wo.client_id, wo.contract, execution))
        if wo.remaining <= 0:
            self._complete(wo, OrderStatus.Filled)
            self._emit(self._status_event(wo))
            self._emit(self._open_event(wo))
        else:
            self._emit(self._status_event(wo))
            self._persist(wo)
        self._emit(CommissionEvent(wo.client_id, report))
        self._after_fill(wo, quantity)

    def _after_fill(self, wo: WorkingOrder, quantity: Decimal) -> None:
        peers, oca_type = self._oca_peers(wo)
        if peers:
            if oca_type == 1:
                for peer in peers:
                    self._cancel(peer, reason="OCA group")
            else:
                # Proportional to what each still had to do before this fill.
                before = wo.remaining + quantity
                for peer in peers:
                    cut = _to_increment(
                        quantity * peer.remaining / before, peer.spec.size_increment
                    )
                    if oca_type == 3:
                        self._deferred_reductions.append((peer, cut))
                    else:
                        self._reduce(peer, cut)
        if wo.children:
            # Children on this contract are next in the running pass; others need their own.
            for con_id in {
                self._orders[k].spec.con_id for k in wo.children if k in self._orders
            } - self._evaluating:
                self._evaluate(con_id, None)

    def _room(self, wo: WorkingOrder) -> Decimal | None:
        """How much an attached order may still fill while its parent is partly filled: the
        parent's filled quantity less what the exits under it have done (its own share of the
        parent for a child in its own OCA group); None when the parent is not in the way."""
        parent = self._orders.get(wo.parent_key) if wo.parent_key else None
        if parent is None or parent.done:
            return None
        if wo.order.ocaGroup:
            share = _to_increment(parent.filled * wo.total / parent.total, wo.spec.size_increment)
            return max(min(share - wo.filled, wo.remaining), Decimal(0))
        exits = sum(
            (self._orders[k].filled for k in parent.children if k in self._orders),
            Decimal(0),
        )
        return max(min(parent.filled - exits, wo.remaining), Decimal(0))

    def _oca_peers(self, wo: WorkingOrder) -> tuple[list[WorkingOrder], int]:
        """Orders that share `wo`'s OCA group: an explicit ocaGroup (type from ocaType, 0 = 1), or
        the siblings under one bracket parent (reduce with block, as TWS treats bracket exits)."""
        if wo.order.ocaGroup:
            peers = [
                o
                for o in self._orders.values()
                if o is not wo and not o.done and o.order.ocaGroup == wo.order.ocaGroup
            ]
            return peers, wo.order.ocaType or 1
        parent = self._orders.get(wo.parent_key) if wo.parent_key else None
        if parent is None:
            return [], 0
        siblings = [self._orders[k] for k in parent.children if k != wo.key and k in self._orders]
        return [s for s in siblings if not s.done and not s.order.ocaGroup], 2

    def _apply_deferred_reductions(self) -> None:
        pending, self._deferred_reductions = self._deferred_reductions, []
        for peer, cut in pending:
            if not peer.done:
                self._reduce(peer, cut)

    def _reduce(self, wo: WorkingOrder, cut: Decimal) -> None:
        new_total = wo.total - cut
        if new_total <= wo.filled:
            self._cancel(wo, reason="OCA group")
        else:
            self._resize(wo, new_total)

    def _resize(self, wo: WorkingOrder, total: Decimal) -> None:
        """A size TWS changed on its own (OCA reduction, exits of a partly filled parent)."""
        wo.order.totalQuantity = float(total)
        wo.refresh()
        self._emit(self._open_event(wo))
        self._emit(self._status_event(wo))
        self._persist(wo)

    # ----------------------------------------------------------------- state changes

    def _set_status(self, wo: WorkingOrder, status: str, why_held: str = "") -> None:
        if wo.status == status and wo.why_held == why_held:
            return
        wo.status = status
        wo.why_held = why_held
        self._emit(self._status_event(wo))
        self._persist(wo)

    def _cancel(self, wo: WorkingOrder, reason: str) -> None:
        """Cancel an order (202 tells the client why); its children go with it."""
        self._finish(
            wo, OrderStatus.Cancelled, errors.ORDER_CANCELLED, errors.cancelled_text(reason)
        )

    def _deactivate(self, wo: WorkingOrder, rejection: Rejection) -> None:
        """TWS rejected an order that was already working: Inactive, with the reason."""
        self._finish(wo, OrderStatus.Inactive, rejection.code, rejection.text)

    def _finish(self, wo: WorkingOrder, status: str, code: int, text: str) -> None:
        was_staged = wo.staged
        wo.staged = False
        self._complete(wo, status)
        if not was_staged:
            self._emit(self._status_event(wo))
        self._emit(ErrorEvent(wo.client_id, wo.order_id, code, text))
        for child_key in wo.children:
            child = self._orders.get(child_key)
            if child is None or child.done:
                continue
            if wo.filled == 0:
                self._cancel(child, reason="Parent order is no longer working")
            else:  # the exits stay, sized to what the parent did fill
                self._resize_child(child, wo)

    def _resize_child(self, child: WorkingOrder, parent: WorkingOrder) -> None:
        if child.order.ocaGroup:
            size = parent.filled * child.total / parent.total
        else:
            exits = sum(
                (self._orders[k].filled for k in parent.children if k in self._orders),
                Decimal(0),
            )
            size = child.filled + parent.filled - exits
        new_total = _to_increment(size, child.spec.size_increment)
        if new_total <= child.filled:
            if child.filled > 0:
                child.order.totalQuantity = float(child.filled)
                child.refresh()
                self._complete(child, OrderStatus.Filled)
                self._emit(self._status_event(child))
            else:
                self._cancel(child, reason="Parent order is no longer working")
            return
        self._resize(child, new_total)

    def _complete(self, wo: WorkingOrder, status: str) -> None:
        wo.status = status
        wo.completed_at = self._venue.now()
        wo.completed_status = status if status != OrderStatus.Cancelled else "Cancelled by Trader"
        self._untrack(wo)
        done = CompletedOrder(
            wo.contract,
            self._order_copy(wo),
            OrderState(
                status=status,
                completedTime=format_ib_time(wo.completed_at),
                completedStatus=wo.completed_status,
            ),
        )
        self._completed.append((wo.key, done))
        if len(self._completed) > _COMPLETED_KEPT:
            for key, _ in self._completed[:-_COMPLETED_KEPT]:
                if key is not None:
                    self._orders.pop(key, None)
            del self._completed[:-_COMPLETED_KEPT]
        self._journal.drop_order(wo.key)
        self._journal.add_completed(done)

    def _persist(self, wo: WorkingOrder) -> None:
        if not wo.done:
            self._journal.save_order(wo)

    def _commit(self) -> None:
        self._journal.save_counters(
            {client: top + 1 for client, top in self._max_ids.items()},
            self._perm_id,
            self._exec_seq,
        )
        self._journal.commit()

    def _note_id(self, client_id: int, order_id: int) -> None:
        if order_id > self._max_ids.get(client_id, 0):
            self._max_ids[client_id] = order_id

    def _next_perm_id(self) -> int:
        self._perm_id += 1
        return self._perm_id

    # ----------------------------------------------------------------- events

    def _emit(self, event: EngineEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("order event listener failed for %s", event)

    def _order_copy(self, wo: WorkingOrder) -> Order:
        order = clone(
            wo.order,
            orderId=wo.order_id,
            clientId=wo.client_id,
            permId=wo.perm_id,
            account=wo.order.account or self._account.name,
            tif=wo.tif,
            filledQuantity=float(wo.filled),
        )
        if wo.trail_stop is not None:
            order.trailStopPrice = wo.trail_stop
        return order

    def _open_event(self, wo: WorkingOrder) -> OpenOrderEvent:
        state = OrderState(status=wo.status, commissionCurrency="USD")
        if wo.filled:
            state.commission = float(wo.commission)
        return OpenOrderEvent(wo.client_id, wo.order_id, wo.contract, self._order_copy(wo), state)

    def _status_event(self, wo: WorkingOrder) -> OrderStatusEvent:
        return OrderStatusEvent(
            client_id=wo.client_id,
            order_id=wo.order_id,
            status=wo.status,
            filled=float(wo.filled),
            remaining=float(wo.remaining),
            avg_fill_price=wo.avg_price,
            perm_id=wo.perm_id,
            parent_id=wo.order.parentId,
            last_fill_price=wo.last_fill_price,
            why_held=wo.why_held,
        )

    def _what_if_event(
        self, client_id: int, order_id: int, contract: Contract, order: Order
    ) -> OpenOrderEvent:
        state = self.what_if(contract, order)
        copy = clone(
            order, orderId=order_id, clientId=client_id, account=order.account or self._account.name
        )
        return OpenOrderEvent(client_id, order_id, contract, copy, state)

    def _filter_time(self, text: str) -> datetime | None:
        if not text:
            return None
        try:
            return parse_ib_time(text, self._venue.now())
        except ValueError:
            log.warning("ignoring unreadable execution filter time %r", text)
            return None


def _within(price: float, limit: float | None, is_buy: bool) -> bool:
    if limit is None:
        return True
    return price <= limit if is_buy else price >= limit


def _passive(a: float, b: float, is_buy: bool) -> float:
    return min(a, b) if is_buy else max(a, b)


def _to_increment(quantity: Decimal, increment: Decimal) -> Decimal:
    return (quantity / increment).to_integral_value(rounding=ROUND_FLOOR) * increment


def _num(value: Decimal) -> str:
    return f"{value:.2f}"


__all__ = ["CompletedOrder", "ExecutionRecord", "Journal", "OrderEngine"]
