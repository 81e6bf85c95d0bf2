"""What the engine tells the protocol layer, in the order TWS would send it.

Every event names the clientId that owns the order; the connection layer decides who else sees it
(clientId 0 with autoOpenOrders, everyone after reqAllOpenOrders).
"""

from __future__ import annotations

from dataclasses import dataclass

from ib_async import CommissionReport, Contract, Execution, Order, OrderState


@dataclass(frozen=True)
class OpenOrderEvent:
    client_id: int
    order_id: int
    contract: Contract
    order: Order
    state: OrderState


@dataclass(frozen=True)
class OrderStatusEvent:
    client_id: int
    order_id: int
    status: str
    filled: float
    remaining: float
    avg_fill_price: float
    perm_id: int
    parent_id: int
    last_fill_price: float
    why_held: str = ""
    mkt_cap_price: float = 0.0


@dataclass(frozen=True)
class ExecutionEvent:
    """execDetails for a live fill (reqId -1)."""

    client_id: int
    contract: Contract
    execution: Execution


@dataclass(frozen=True)
class CommissionEvent:
    client_id: int
    report: CommissionReport


@dataclass(frozen=True)
class ErrorEvent:
    """An IB error for an order id (or -1); `client_id` is who must hear it."""

    client_id: int
    req_id: int
    code: int
    text: str


EngineEvent = OpenOrderEvent | OrderStatusEvent | ExecutionEvent | CommissionEvent | ErrorEvent
