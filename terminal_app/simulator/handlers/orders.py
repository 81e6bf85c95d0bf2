"""Orders: place/cancel/global cancel, open/completed orders, executions, and engine events.

The order engine (`trading.OrderEngine`) decides; this module only translates requests into engine
calls and the engine's events into messages for the clients that should see them (TWS semantics:
the placing client, plus clientId 0 sessions that called reqAutoOpenOrders(True)).
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

from ib_async import Order
from ib_async.util import UNSET_DOUBLE

from terminal_app.simulator.handlers.account import after_fill
from terminal_app.simulator.handlers.registry import handles
from terminal_app.simulator.trading import errors
from terminal_app.simulator.trading.events import (
    CommissionEvent,
    EngineEvent,
    ErrorEvent,
    ExecutionEvent,
    OpenOrderEvent,
    OrderStatusEvent,
)

if TYPE_CHECKING:
    from terminal_app.simulator.connection import Connection
    from terminal_app.simulator.gateway import SimulatedGateway
    from terminal_app.simulator.protocol.codec import Request

log = logging.getLogger(__name__)

ERR_VALIDATION = 321  # "Error validating request"
MISSING_EXCHANGE = "Error validating request:-'bN' : cause - Missing order exchange"
# Sizes and prices beyond these are typos or attacks, not orders (the engine's decimal arithmetic
# is not meant for 1e308); IB's own precautionary limits are far lower.
MAX_QUANTITY = 1e10
MAX_PRICE = 1e10
_PRICES = ("lmtPrice", "auxPrice", "trailStopPrice", "trailingPercent", "lmtPriceOffset")


def absurd_values(order: Order) -> str | None:
    """Why the order's numbers are no order at all (nan, inf, 1e308), or None."""
    quantity = float(order.totalQuantity)
    if not (math.isfinite(quantity) and abs(quantity) <= MAX_QUANTITY):
        return f"Invalid order quantity {order.totalQuantity}"
    for name in _PRICES:
        value = getattr(order, name)
        if value is None or value == UNSET_DOUBLE:
            continue
        if not (math.isfinite(float(value)) and abs(float(value)) <= MAX_PRICE):
            return f"Invalid {name} {value}"
    return None


@handles("placeOrder")
def place_order(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    assert conn.client_id is not None
    order_id = int(req["orderId"])
    order = req["order"]
    order.orderId, order.clientId = order_id, conn.client_id
    problem = absurd_values(order)
    if problem is not None:
        rejection = errors.rejected(problem)
        conn.error(order_id, rejection.code, rejection.text)
        return
    contract = req["contract"]
    if not contract.exchange.strip():
        # TWS validates the destination before anything else, whatIf included (issue 19).
        conn.error(order_id, ERR_VALIDATION, MISSING_EXCHANGE)
        return
    if not contract.conId:
        # TWS takes orders for a unique symbol/secType/exchange/currency without a conId.
        matches = gw.universe.match(contract)
        if len(matches) == 1:
            contract.conId = matches[0].conId
    gw.engine.place(conn.client_id, order_id, contract, order)


@handles("cancelOrder")
def cancel_order(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    assert conn.client_id is not None
    gw.engine.cancel(conn.client_id, int(req["orderId"]))


@handles("reqGlobalCancel")
def global_cancel(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    gw.engine.global_cancel()


@handles("reqOpenOrders", "reqAllOpenOrders")
def open_orders(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    client_id = conn.client_id if req.name == "reqOpenOrders" else None
    for opened, status in gw.engine.open_orders(client_id):
        send_open_order(conn, opened)
        send_order_status(conn, status)
    conn.send("openOrderEnd")


@handles("reqAutoOpenOrders")
def auto_open_orders(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    if conn.client_id != 0:
        conn.error(
            -1,
            ERR_VALIDATION,
            "Error validating request: reqAutoOpenOrders is only valid for client id 0",
        )
        return
    conn.auto_open_orders = bool(req["autoBind"])


@handles("reqCompletedOrders")
def completed_orders(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    for done in gw.engine.completed_orders():
        conn.send("completedOrder", contract=done.contract, order=done.order, state=done.state)
    conn.send("completedOrdersEnd")


@handles("reqExecutions")
def executions(gw: SimulatedGateway, conn: Connection, req: Request) -> None:
    req_id = int(req["reqId"])
    for record in gw.engine.executions(req["filter"]):
        conn.send(
            "execDetails",
            reqId=req_id,
            contract=record.contract,
            execution=record.execution,
            time=gw.clock_text(record.execution.time),
        )
        conn.send("commissionReport", report=record.report)
    conn.send("execDetailsEnd", reqId=req_id)


def send_open_order(conn: Connection, event: OpenOrderEvent) -> None:
    conn.send("openOrder", order=event.order, contract=event.contract, state=event.state)


def send_order_status(conn: Connection, event: OrderStatusEvent) -> None:
    conn.send(
        "orderStatus",
        orderId=event.order_id,
        status=event.status,
        filled=event.filled,
        remaining=event.remaining,
        avgFillPrice=event.avg_fill_price,
        permId=event.perm_id,
        parentId=event.parent_id,
        lastFillPrice=event.last_fill_price,
        clientId=event.client_id,
        whyHeld=event.why_held,
        mktCapPrice=event.mkt_cap_price,
    )


def route_event(gw: SimulatedGateway, event: EngineEvent) -> None:
    """Deliver one engine event to the sessions that should see it."""
    owner = gw.server.by_client_id.get(event.client_id)
    targets = [owner] if owner is not None and not owner.closed else []
    # A whatIf answer is for the asking client only: it is no order, so clientId 0's
    # autoOpenOrders stream must not see it (ib_async would make a phantom trade of it).
    what_if = isinstance(event, OpenOrderEvent) and event.order.whatIf
    if not isinstance(event, ErrorEvent) and event.client_id != 0 and not what_if:
        master = gw.server.by_client_id.get(0)
        if master is not None and master.auto_open_orders and not master.closed:
            targets.append(master)
    for conn in targets:
        if isinstance(event, OpenOrderEvent):
            send_open_order(conn, event)
        elif isinstance(event, OrderStatusEvent):
            send_order_status(conn, event)
        elif isinstance(event, ExecutionEvent):
            conn.send(
                "execDetails",
                reqId=-1,
                contract=event.contract,
                execution=event.execution,
                time=gw.clock_text(event.execution.time),
            )
        elif isinstance(event, CommissionEvent):
            conn.send("commissionReport", report=event.report)
        else:
            conn.error(event.req_id, event.code, event.text)
    if isinstance(event, ExecutionEvent):
        for conn in gw.server.clients():  # every client sees the account's positions
            after_fill(conn)
    if not targets:
        log.debug(
            "engine event for clientId %d with nobody connected: %s",
            event.client_id,
            type(event).__name__,
        )
