"""The simulated gateway's order engine: accepts, validates, works and fills orders like TWS.

Pure Python, no sockets: the protocol layer calls `place`/`cancel`/... and forwards the events the
engine emits (openOrder, orderStatus, execDetails, commissionReport, error) to the clients.
Time never passes inside the engine: it reacts to market changes (`Venue.watch`) and to `poll()`.

`OrderEngine` is the facade over small collaborators, one concern each: `OrderTable` (records,
ids, events), `MarketWatch` (which instruments to watch), `Lifecycle` (status changes),
`OrderGroups` (OCA and brackets), `MarginCheck`, `Fills`, `Evaluator` (working orders against
the market, with `matching` and `triggers`) and `Admission` (new orders, modifications, whatIf).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ib_async import Contract, ExecutionFilter, Order, OrderState

from . import errors
from .admission import Admission
from .errors import Rejection
from .evaluation import Evaluator
from .events import ErrorEvent, OpenOrderEvent, OrderStatusEvent
from .fills import Fills
from .groups import OrderGroups
from .journal import CompletedOrder, ExecutionRecord, Journal
from .lifecycle import Lifecycle
from .margin import MarginCheck
from .ports import Account, Venue
from .table import Listener, OrderTable
from .watch import MarketWatch
from .working import SavedOrder


@dataclass
class _Injection:
    count: int
    code: int
    text: str


class OrderEngine:
    """TWS's order handling over a `Venue` (market + clock + sessions) and an `Account` (ledger)."""

    def __init__(self, venue: Venue, account: Account, *, journal: Journal | None = None) -> None:
        self._venue = venue
        self._account = account
        self._injection: _Injection | None = None
        table = self._table = OrderTable(journal or Journal(), account.name)
        # The watch and the groups call back into the evaluator, which is built after them.
        watch = self._watch = MarketWatch(
            venue, lambda con_id, trade: self._evaluator.on_market(con_id, trade)
        )
        lifecycle = self._lifecycle = Lifecycle(table, watch, venue)
        groups = OrderGroups(
            table, lifecycle, lambda con_ids: self._evaluator.evaluate_elsewhere(con_ids)
        )
        margin = MarginCheck(venue, account)
        fills = Fills(table, lifecycle, groups, venue, account)
        self._evaluator = Evaluator(table, watch, lifecycle, margin, fills, groups, venue)
        self._admission = Admission(table, watch, margin, self._evaluator, venue)

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        return self._table.add_listener(listener)

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
        self._table.restore(executions, completed, next_ids, perm_id, exec_seq)
        now = self._venue.now()
        for saved in orders:
            self._admission.readmit(saved, now)

    # ----------------------------------------------------------------- requests

    def next_order_id(self, client_id: int) -> int:
        """The nextValidId for this client: above every id it has ever used."""
        return self._table.next_order_id(client_id)

    def inject_rejections(
        self, count: int, code: int = errors.ORDER_REJECTED, text: str = ""
    ) -> None:
        """Fault injection: the next `count` placeOrder requests are refused with `code`."""
        text = text or errors.rejected("Simulated rejection (fault injection)").text
        self._injection = _Injection(count, code, text) if count > 0 else None

    def place(self, client_id: int, order_id: int, contract: Contract, order: Order) -> None:
        """placeOrder: a new order, a modification (same id), or a whatIf request."""
        self._table.note_id(client_id, order_id)
        try:
            existing = self._table.orders.get((client_id, order_id))
            if self._injection is not None and existing is None and not order.whatIf:
                self._consume_injection()
            if order.whatIf:
                self._table.emit(
                    self._admission.what_if_event(
                        client_id, order_id, contract, order, self._account.name
                    )
                )
            elif existing is not None:
                self._admission.modify(existing, contract, order)
            else:
                self._admission.accept(client_id, order_id, contract, order)
        except Rejection as exc:
            self._table.emit(ErrorEvent(client_id, order_id, exc.code, exc.text))
        self._table.commit()

    def cancel(self, client_id: int, order_id: int) -> None:
        """cancelOrder: 202 on success, 10147 unknown id, 10148 already done."""
        wo = self._table.orders.get((client_id, order_id))
        if wo is None:
            rejection = errors.cancel_unknown(order_id)
            self._table.emit(ErrorEvent(client_id, order_id, rejection.code, rejection.text))
        elif wo.done:
            rejection = errors.cancel_not_possible(order_id, wo.status)
            self._table.emit(ErrorEvent(client_id, order_id, rejection.code, rejection.text))
        else:
            self._lifecycle.cancel(wo, reason="")
        self._table.commit()

    def global_cancel(self) -> None:
        """reqGlobalCancel: every working order of the account, whoever placed it."""
        for wo in list(self._table.orders.values()):
            if not wo.done:
                self._lifecycle.cancel(wo, reason="Global Cancel")
        self._table.commit()

    def open_orders(
        self, client_id: int | None = None
    ) -> list[tuple[OpenOrderEvent, OrderStatusEvent]]:
        """reqOpenOrders (one client) / reqAllOpenOrders (None): openOrder + orderStatus each."""
        return self._table.open_orders(client_id)

    def completed_orders(self) -> list[CompletedOrder]:
        """reqCompletedOrders: filled, cancelled and inactive orders, oldest first."""
        return self._table.completed_orders()

    def executions(self, flt: ExecutionFilter | None = None) -> list[ExecutionRecord]:
        """reqExecutions with IB's ExecutionFilter semantics (empty/0 fields match everything)."""
        return self._table.executions(flt or ExecutionFilter(), self._venue.now())

    def what_if(self, contract: Contract, order: Order) -> OrderState:
        """The OrderState a whatIf placeOrder answers with; raises `Rejection` for a bad order."""
        return self._admission.what_if(contract, order)

    def poll(self) -> None:
        """Re-evaluate every working order against the current time and market: expiries, session
        opens/closes, algo slices, closing auctions. The gateway calls this on a timer."""
        for con_id in self._watch.con_ids():
            self._evaluator.evaluate(con_id, None)
        self._table.commit()

    def close(self) -> None:
        self._watch.close()

    def _consume_injection(self) -> None:
        injection = self._injection
        assert injection is not None
        injection.count -= 1
        if injection.count <= 0:
            self._injection = None
        raise Rejection(injection.code, injection.text)


__all__ = ["OrderEngine"]
