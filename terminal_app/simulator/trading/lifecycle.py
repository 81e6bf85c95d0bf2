"""An order's state changes as TWS reports them: status updates, cancels, deactivation, sizes TWS
changes on its own, and completion. An order that ends takes its attached (bracket) orders with
it, or leaves them sized to what it did fill."""

from __future__ import annotations

from decimal import Decimal

from ib_async.order import OrderStatus

from . import errors
from .errors import Rejection
from .events import ErrorEvent
from .ports import Venue
from .pricing import to_increment
from .table import OrderTable
from .watch import MarketWatch
from .working import WorkingOrder


class Lifecycle:
    def __init__(self, table: OrderTable, watch: MarketWatch, venue: Venue) -> None:
        self._table = table
        self._watch = watch
        self._venue = venue

    def set_status(self, wo: WorkingOrder, status: str, why_held: str = "") -> None:
        if wo.status == status and wo.why_held == why_held:
            return
        wo.status = status
        wo.why_held = why_held
        self._table.emit(self._table.status_event(wo))
        self._table.persist(wo)

    def cancel(self, wo: WorkingOrder, reason: str) -> None:
        """Cancel an order (202 tells the client why); its children go with it."""
        self._finish(
            wo, OrderStatus.Cancelled, errors.ORDER_CANCELLED, errors.cancelled_text(reason)
        )

    def deactivate(self, wo: WorkingOrder, rejection: Rejection) -> None:
        """TWS rejected an order that was already working: Inactive, with the reason."""
        self._finish(wo, OrderStatus.Inactive, rejection.code, rejection.text)

    def resize(self, wo: WorkingOrder, total: Decimal) -> None:
        """A size TWS changed on its own (OCA reduction, exits of a partly filled parent)."""
        wo.order.totalQuantity = float(total)
        wo.refresh()
        self._table.emit(self._table.open_event(wo))
        self._table.emit(self._table.status_event(wo))
        self._table.persist(wo)

    def complete(self, wo: WorkingOrder, status: str) -> None:
        wo.status = status
        wo.completed_at = self._venue.now()
        wo.completed_status = status if status != OrderStatus.Cancelled else "Cancelled by Trader"
        self._watch.untrack(wo)
        self._table.add_completed(wo)

    def _finish(self, wo: WorkingOrder, status: str, code: int, text: str) -> None:
        was_staged = wo.staged
        wo.staged = False
        self.complete(wo, status)
        if not was_staged:
            self._table.emit(self._table.status_event(wo))
        self._table.emit(ErrorEvent(wo.client_id, wo.order_id, code, text))
        for child_key in wo.children:
            child = self._table.orders.get(child_key)
            if child is None or child.done:
                continue
            if wo.filled == 0:
                self.cancel(child, reason="Parent order is no longer working")
            else:  # the exits stay, sized to what the parent did fill
                self._resize_child(child, wo)

    def _resize_child(self, child: WorkingOrder, parent: WorkingOrder) -> None:
        if child.order.ocaGroup:
            size = parent.filled * child.total / parent.total
        else:
            exits = sum((c.filled for c in self._table.children(parent)), Decimal(0))
            size = child.filled + parent.filled - exits
        new_total = to_increment(size, child.spec.size_increment)
        if new_total <= child.filled:
            if child.filled > 0:
                child.order.totalQuantity = float(child.filled)
                child.refresh()
                self.complete(child, OrderStatus.Filled)
                self._table.emit(self._table.status_event(child))
            else:
                self.cancel(child, reason="Parent order is no longer working")
            return
        self.resize(child, new_total)
