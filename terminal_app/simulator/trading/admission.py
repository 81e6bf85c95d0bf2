"""Taking an order in: validation, margin and parent checks for a new order, the rules for a
modification, whatIf answers, transmitting staged groups, and re-admitting saved orders."""

from __future__ import annotations

import logging
from datetime import datetime

from ib_async import Contract, Order, OrderState
from ib_async.order import OrderStatus

from . import errors
from .errors import Rejection
from .evaluation import Evaluator
from .events import ErrorEvent, OpenOrderEvent
from .margin import MarginCheck
from .order_fields import clone, quantity_of
from .ports import InstrumentSpec, Venue
from .scheduling import schedule
from .table import OrderTable
from .validation import validate
from .watch import MarketWatch
from .working import SavedOrder, WorkingOrder

log = logging.getLogger(__name__)

_MARKET_KINDS = frozenset({"MKT", "STP", "MIT", "TRAIL"})
_MODIFIABLE_TYPES = frozenset({"MKT", "LMT", "STP", "STP LMT", "MIT", "LIT", "REL", "PEG MID"})


class Admission:
    def __init__(
        self,
        table: OrderTable,
        watch: MarketWatch,
        margin: MarginCheck,
        evaluator: Evaluator,
        venue: Venue,
    ) -> None:
        self._table = table
        self._watch = watch
        self._margin = margin
        self._evaluator = evaluator
        self._venue = venue

    def what_if(self, contract: Contract, order: Order) -> OrderState:
        """The OrderState a whatIf placeOrder answers with; raises `Rejection` for a bad order."""
        spec = self._spec(contract)
        validate(order, spec, self._venue.now())
        return self._margin.what_if(spec, order)

    def what_if_event(
        self, client_id: int, order_id: int, contract: Contract, order: Order, account: str
    ) -> OpenOrderEvent:
        state = self.what_if(contract, order)
        copy = clone(order, orderId=order_id, clientId=client_id, account=order.account or account)
        return OpenOrderEvent(client_id, order_id, contract, copy, state)

    def accept(self, client_id: int, order_id: int, contract: Contract, order: Order) -> None:
        spec = self._spec(contract)
        now = self._venue.now()
        validate(order, spec, now)
        self._margin.check_account(order)
        parent = self._parent_of(client_id, order)
        wo = WorkingOrder(
            client_id=client_id,
            order_id=order_id,
            perm_id=self._table.next_perm_id(),
            contract=contract,
            order=clone(order),
            spec=spec,
            placed_at=now,
            session=self._venue.session(spec.con_id, now),
        )
        ignored_rth = self._ignore_outside_rth(wo)
        schedule(wo, now, self._venue)
        if parent is None:
            self._margin.check_buying_power(wo)
        if ignored_rth:
            self._table.emit(ErrorEvent(client_id, order_id, *errors.OUTSIDE_RTH_IGNORED))
        self._table.orders[wo.key] = wo
        if parent is not None:
            parent.children.append(wo.key)
        if not order.transmit:
            wo.staged = True
            return
        self._transmit(parent if parent is not None and parent.staged else wo)

    def modify(self, wo: WorkingOrder, contract: Contract, order: Order) -> None:
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
            schedule(wo, now, self._venue)
            self._margin.check_buying_power(wo)
        except Rejection:  # a refused modification leaves the order exactly as it was
            wo.order = previous
            wo.refresh()
            wo.triggered, wo.trigger_hits, wo.trail_stop = trigger_state
            schedule(wo, now, self._venue)
            raise
        if wo.staged:
            if order.transmit:
                parent = self._table.parent(wo)
                self._transmit(parent if parent is not None and parent.staged else wo)
            return
        self._table.emit(self._table.open_event(wo))
        self._table.emit(self._table.status_event(wo))
        self._evaluator.evaluate(wo.spec.con_id, None)
        self._table.persist(wo)

    def readmit(self, saved: SavedOrder, now: datetime) -> None:
        """Take back a working order a `Journal` saved before a restart (no events)."""
        spec = self._venue.spec(saved.contract.conId)
        if spec is None:
            log.warning("dropping saved order %s: unknown conId", saved.order_id)
            return
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
            schedule(wo, saved.placed_at if wo.tif == "DAY" else now, self._venue)
        except (Rejection, ValueError) as exc:
            log.warning("dropping saved order %s: %s", saved.order_id, exc)
            return
        self._table.note_id(wo.client_id, wo.order_id)
        self._table.orders[wo.key] = wo
        self._watch.track(wo)

    def _spec(self, contract: Contract) -> InstrumentSpec:
        spec = self._venue.spec(contract.conId) if contract.conId else None
        if spec is None:
            raise Rejection(200, "No security definition has been found for the request")
        return spec

    def _ignore_outside_rth(self, wo: WorkingOrder) -> bool:
        """US stocks execute market orders only in regular hours: TWS drops outsideRth there
        (with warning 2109) and works the order in RTH."""
        if wo.spec.sec_type == "STK" and wo.order.outsideRth and wo.kind in _MARKET_KINDS:
            wo.order.outsideRth = False
            return True
        return False

    def _parent_of(self, client_id: int, order: Order) -> WorkingOrder | None:
        if not order.parentId:
            return None
        parent = self._table.orders.get((client_id, order.parentId))
        if parent is None or parent.status in (OrderStatus.Cancelled, OrderStatus.Inactive):
            raise errors.rejected(f"Parent order {order.parentId} is not found or not working")
        return parent

    def _transmit(self, root: WorkingOrder) -> None:
        """Send a staged group (a parent and its children) live, parent first."""
        group = [root, *self._table.children(root)]
        for wo in group:
            if wo.done:
                continue
            wo.staged = False
            wo.status = OrderStatus.PreSubmitted
            self._watch.track(wo)
            self._table.emit(self._table.open_event(wo))
            self._table.emit(self._table.status_event(wo))
            self._table.persist(wo)
        self._evaluator.evaluate(root.spec.con_id, None)
        for con_id in {wo.spec.con_id for wo in group} - {root.spec.con_id}:
            self._evaluator.evaluate(con_id, None)
