"""Booking a fill: the account posting, the execution and commission report clients receive, the
order's new status, and what the fill does to the orders grouped with it."""

from __future__ import annotations

from decimal import Decimal

from ib_async import CommissionReport, Execution
from ib_async.order import OrderStatus
from ib_async.util import UNSET_DOUBLE

from .commissions import commission
from .events import CommissionEvent, ExecutionEvent
from .groups import OrderGroups
from .journal import ExecutionRecord
from .lifecycle import Lifecycle
from .ports import Account, FillPosting, Venue
from .table import OrderTable
from .working import WorkingOrder


class Fills:
    def __init__(
        self,
        table: OrderTable,
        lifecycle: Lifecycle,
        groups: OrderGroups,
        venue: Venue,
        account: Account,
    ) -> None:
        self._table = table
        self._lifecycle = lifecycle
        self._groups = groups
        self._venue = venue
        self._account = account

    def fill(self, wo: WorkingOrder, quantity: Decimal, price: float, liquidity: int) -> None:
        # The market's time (a second it is catching up on) never predates the order.
        now = max(self._venue.now(), wo.placed_at)
        wo.record_fill(quantity, price)
        exec_id = self._table.next_exec_id(wo.perm_id)
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
        self._table.add_execution(record)
        self._table.emit(ExecutionEvent(wo.client_id, wo.contract, execution))
        if wo.remaining <= 0:
            self._lifecycle.complete(wo, OrderStatus.Filled)
            self._table.emit(self._table.status_event(wo))
            self._table.emit(self._table.open_event(wo))
        else:
            self._table.emit(self._table.status_event(wo))
            self._table.persist(wo)
        self._table.emit(CommissionEvent(wo.client_id, report))
        self._groups.after_fill(wo, quantity)
