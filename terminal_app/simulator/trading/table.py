"""The engine's records: every order by key, fills and finished orders, the id counters, and the
events that tell clients about them. The other pieces change orders; this is where they are kept
and from where they are reported (to listeners, to the `Journal`, to reqOpenOrders & co.)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from ib_async import ExecutionFilter, Order, OrderState

from .events import EngineEvent, OpenOrderEvent, OrderStatusEvent
from .journal import CompletedOrder, ExecutionRecord, Journal
from .order_fields import clone
from .times import format_ib_time, parse_ib_time
from .working import Key, WorkingOrder

log = logging.getLogger(__name__)

TWS_DAY_ZONE = ZoneInfo("America/New_York")  # the simulated TWS's zone: its day for executions

Listener = Callable[[EngineEvent], None]
_COMPLETED_KEPT = 1000


class OrderTable:
    def __init__(self, journal: Journal, account_name: str) -> None:
        self._journal = journal
        self._account_name = account_name
        self.orders: dict[Key, WorkingOrder] = {}
        self._listeners: list[Listener] = []
        self._completed: list[tuple[Key | None, CompletedOrder]] = []
        self._executions: list[ExecutionRecord] = []
        self._max_ids: dict[int, int] = {}
        self._perm_id = 1_000_000
        self._exec_seq = 0

    # ----------------------------------------------------------------- orders

    def parent(self, wo: WorkingOrder) -> WorkingOrder | None:
        return self.orders.get(wo.parent_key) if wo.parent_key else None

    def children(self, wo: WorkingOrder) -> list[WorkingOrder]:
        return [self.orders[k] for k in wo.children if k in self.orders]

    def open_orders(
        self, client_id: int | None = None
    ) -> list[tuple[OpenOrderEvent, OrderStatusEvent]]:
        return [
            (self.open_event(wo), self.status_event(wo))
            for wo in self.orders.values()
            if not wo.done and not wo.staged and (client_id is None or wo.client_id == client_id)
        ]

    # ----------------------------------------------------------------- ids

    def note_id(self, client_id: int, order_id: int) -> None:
        if order_id > self._max_ids.get(client_id, 0):
            self._max_ids[client_id] = order_id

    def next_order_id(self, client_id: int) -> int:
        return self._max_ids.get(client_id, 0) + 1

    def next_perm_id(self) -> int:
        self._perm_id += 1
        return self._perm_id

    def next_exec_id(self, perm_id: int) -> str:
        self._exec_seq += 1
        return f"{perm_id:08x}.{self._exec_seq:08x}.01.01"

    # ----------------------------------------------------------------- records

    def restore(
        self,
        executions: Iterable[ExecutionRecord],
        completed: Iterable[CompletedOrder],
        next_ids: dict[int, int],
        perm_id: int,
        exec_seq: int,
    ) -> None:
        self._executions.extend(executions)
        self._completed.extend((None, done) for done in completed)
        del self._completed[:-_COMPLETED_KEPT]
        self._max_ids.update({client: nid - 1 for client, nid in next_ids.items()})
        self._perm_id = max(self._perm_id, perm_id)
        self._exec_seq = max(self._exec_seq, exec_seq)

    def add_execution(self, record: ExecutionRecord) -> None:
        """Record a fill (the account it was posted to changed with it)."""
        self._executions.append(record)
        self._journal.add_execution(record)
        self._journal.save_account()

    def add_completed(self, wo: WorkingOrder) -> None:
        """Record an order that just finished; the oldest beyond the kept number are forgotten."""
        assert wo.completed_at is not None
        done = CompletedOrder(
            wo.contract,
            self.order_copy(wo),
            OrderState(
                status=wo.status,
                completedTime=format_ib_time(wo.completed_at),
                completedStatus=wo.completed_status,
            ),
        )
        self._completed.append((wo.key, done))
        if len(self._completed) > _COMPLETED_KEPT:
            for key, _ in self._completed[:-_COMPLETED_KEPT]:
                if key is not None:
                    self.orders.pop(key, None)
            del self._completed[:-_COMPLETED_KEPT]
        self._journal.drop_order(wo.key)
        self._journal.add_completed(done)

    def completed_orders(self) -> list[CompletedOrder]:
        return [done for _, done in self._completed]

    def executions(self, flt: ExecutionFilter, now: datetime) -> list[ExecutionRecord]:
        """The day's executions (since midnight in TWS's zone, as TWS reports them) that match
        `flt`; a filter time can only narrow that."""
        day_start = now.astimezone(TWS_DAY_ZONE).replace(hour=0, minute=0, second=0, microsecond=0)
        asked = _filter_time(flt.time, now)
        since = day_start if asked is None else max(asked, day_start)
        side = {"BUY": "BOT", "SELL": "SLD"}.get(flt.side.upper(), flt.side.upper())
        return [
            r
            for r in self._executions
            if (not flt.clientId or r.client_id == flt.clientId)
            and (not flt.acctCode or r.execution.acctNumber == flt.acctCode)
            and r.execution.time >= since
            and (not flt.symbol or r.contract.symbol.upper() == flt.symbol.upper())
            and (not flt.secType or r.contract.secType.upper() == flt.secType.upper())
            and (not flt.exchange or r.execution.exchange.upper() == flt.exchange.upper())
            and (not side or r.execution.side == side)
        ]

    def persist(self, wo: WorkingOrder) -> None:
        if not wo.done:
            self._journal.save_order(wo)

    def commit(self) -> None:
        self._journal.save_counters(
            {client: top + 1 for client, top in self._max_ids.items()},
            self._perm_id,
            self._exec_seq,
        )
        self._journal.commit()

    # ----------------------------------------------------------------- events

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def emit(self, event: EngineEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("order event listener failed for %s", event)

    def order_copy(self, wo: WorkingOrder) -> Order:
        order = clone(
            wo.order,
            orderId=wo.order_id,
            clientId=wo.client_id,
            permId=wo.perm_id,
            account=wo.order.account or self._account_name,
            tif=wo.tif,
            filledQuantity=float(wo.filled),
        )
        if wo.trail_stop is not None:
            order.trailStopPrice = wo.trail_stop
        return order

    def open_event(self, wo: WorkingOrder) -> OpenOrderEvent:
        state = OrderState(status=wo.status, commissionCurrency="USD")
        if wo.filled:
            state.commission = float(wo.commission)
        return OpenOrderEvent(wo.client_id, wo.order_id, wo.contract, self.order_copy(wo), state)

    def status_event(self, wo: WorkingOrder) -> OrderStatusEvent:
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


def _filter_time(text: str, now: datetime) -> datetime | None:
    if not text:
        return None
    try:
        return parse_ib_time(text, now)
    except ValueError:
        log.warning("ignoring unreadable execution filter time %r", text)
        return None
