"""The order engine of the simulated gateway: TWS's order handling, with no sockets.

Wiring (the gateway): ``engine, store = store.open_engine(market, ledger, state_dir)`` builds an
`OrderEngine` over the `Market` (via `adapters.MarketVenue`) and the `Ledger` (via
`adapters.LedgerAccount`) and restores the paper account from ``state_dir``; call
``engine.poll()`` on a timer (expiries, session opens/closes, algo slices, closing auctions need
time to pass even when the market is quiet) and ``engine.close()`` at shutdown.

Requests: ``place(client_id, order_id, contract, order)`` (new order, modification with the same
id, or whatIf), ``cancel(client_id, order_id)``, ``global_cancel()``, ``open_orders(client_id |
None)`` (openOrder + orderStatus pairs), ``completed_orders()``, ``executions(filter)``,
``what_if(contract, order)``, ``next_order_id(client_id)``, ``inject_rejections(n, code, text)``.

Events (``add_listener``), in the order TWS sends them: `OpenOrderEvent`, `OrderStatusEvent`,
`ExecutionEvent` (execDetails, reqId -1) then `CommissionEvent`, and `ErrorEvent` (202 with every
cancel, 201 rejections, 110 off-tick price, 103 duplicate id, 105 bad modification, 387
unsupported type, 10147/10148 cancel of an unknown/finished order). Each names the clientId that
owns the order; the protocol layer decides who else sees it.
"""

from .engine import OrderEngine
from .events import (
    CommissionEvent,
    EngineEvent,
    ErrorEvent,
    ExecutionEvent,
    OpenOrderEvent,
    OrderStatusEvent,
)
from .journal import CompletedOrder, ExecutionRecord, Journal

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
