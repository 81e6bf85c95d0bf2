"""The order engine of the simulated gateway (issue 5): TWS's order handling with no sockets.

Public API (see `engine.OrderEngine`): `place`, `cancel`, `global_cancel`, `open_orders`,
`completed_orders`, `executions`, `what_if`, `next_order_id`, `inject_rejections`, `poll`,
`add_listener` for the events in `events.py`.
"""

from .engine import CompletedOrder, ExecutionRecord, Journal, OrderEngine
from .events import (
    CommissionEvent,
    EngineEvent,
    ErrorEvent,
    ExecutionEvent,
    OpenOrderEvent,
    OrderStatusEvent,
)

__all__ = [
    "CommissionEvent",
    "CompletedOrder",
    "EngineEvent",
    "ErrorEvent",
    "ExecutionEvent",
    "ExecutionRecord",
    "Journal",
    "OpenOrderEvent",
    "OrderEngine",
    "OrderStatusEvent",
]
