"""Dragging a working order to another row of the ladder: the same order with each of its prices
moved by the same number of rows on the contract's tick grid (a stop-limit keeps its offset), as
an intent the order service validates and sends as a modify (same orderId).

What a drag cannot carry over (an algo's parameters, a GTD expiry) is refused with the reason,
so a drag never changes more of an order than its price.
"""

from __future__ import annotations

from decimal import Decimal

from ib_async import Order

from terminal_app.dom.tick_grid import TickGrid
from terminal_app.orders.intent import OrderIntent, OrderType, Side, Tif
from terminal_app.orders.prices import from_ib

MOVABLE = frozenset({OrderType.LMT, OrderType.STP, OrderType.STP_LMT, OrderType.LIT, OrderType.MIT})
KEPT_TIFS = frozenset({Tif.DAY, Tif.GTC, Tif.IOC, Tif.FOK, Tif.OPG})


class CannotMove(ValueError):
    """The order cannot be moved by dragging; `str(exc)` says why and where to change it."""


def moved_intent(order: Order, grid: TickGrid, rows: int) -> OrderIntent:
    """`order` with its limit and/or trigger `rows` ticks higher (negative: lower)."""
    try:
        order_type = OrderType(order.orderType)
    except ValueError:
        order_type = None
    if order_type not in MOVABLE:
        raise CannotMove(f"A {order.orderType} order has no price to drag: modify it in the ticket")
    if order.algoStrategy:
        raise CannotMove("An algo order keeps its parameters in the ticket: modify it there")
    tif = _tif(order.tif)
    if tif is None:
        raise CannotMove(f"A {order.tif} order keeps its expiry in the ticket: modify it there")
    assert order_type is not None
    return OrderIntent(
        Side(order.action),
        Decimal(repr(float(order.totalQuantity))).normalize(),
        order_type,
        limit_price=_moved(grid, order.lmtPrice, rows) if order_type.needs_limit else None,
        stop_price=_moved(grid, order.auxPrice, rows) if order_type.needs_stop else None,
        tif=tif,
        outside_rth=order.outsideRth,
        account=order.account,
        order_ref=order.orderRef,
    )


def _tif(text: str) -> Tif | None:
    try:
        tif = Tif(text or Tif.DAY.value)
    except ValueError:
        return None
    return tif if tif in KEPT_TIFS else None


def _moved(grid: TickGrid, price: float | Decimal | None, rows: int) -> Decimal | None:
    """The price `rows` ticks away, snapped onto the grid (a price off the grid moves from its
    nearest row); None stays None, for validation to name."""
    value = from_ib(price)
    return None if value is None else grid.value(grid.index(float(value)) + rows)
