"""A working order read back as an intent, so a change to it (a chart line dragged to a new
price) goes through the same validation, precautions and builder as a new order.

Only what the order layer can express comes back; an order it cannot (a type it does not know,
a GTD time in a form it cannot read) raises ValueError with the reason, and the caller offers
the ticket instead.
"""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from ib_async import Order

from terminal_app.orders.intent import AlgoChoice, OrderIntent, OrderType, Side, Tif, Trail
from terminal_app.orders.prices import from_ib
from terminal_app.orders.states import size

_TYPES = {kind.value: kind for kind in OrderType}
_TIFS = {tif.value: tif for tif in Tif}


def intent_from_order(order: Order) -> OrderIntent:
    kind = _TYPES.get(order.orderType)
    if kind is None:
        raise ValueError(f"{order.orderType} orders are changed in the ticket")
    tif = _TIFS.get(order.tif or "DAY")
    if tif is None:
        raise ValueError(f"Time in force {order.tif} is changed in the ticket")
    algo = None
    if order.algoStrategy:
        algo = AlgoChoice(order.algoStrategy, {t.tag: t.value for t in order.algoParams or []})
    return OrderIntent(
        side=Side(order.action),
        quantity=size(order.totalQuantity),
        order_type=kind,
        limit_price=from_ib(order.lmtPrice) if kind.needs_limit or _capped(order) else None,
        stop_price=from_ib(order.auxPrice) if kind.needs_stop or _offset(kind) else None,
        trail=_trail(order) if kind.trails else None,
        tif=tif,
        good_till=_good_till(order.goodTillDate) if tif is Tif.GTD else None,
        outside_rth=bool(order.outsideRth),
        account=order.account,
        order_ref=order.orderRef,
        algo=algo,
    )


def repriced(order: Order, which: str, price: Decimal) -> OrderIntent:
    """The order with its limit (`which` "limit") or stop/trigger ("stop") price moved."""
    intent = intent_from_order(order)
    if which == "limit":
        return replace(intent, limit_price=price)
    if which == "stop":
        return replace(intent, stop_price=price)
    raise ValueError(f"No {which} price to move on a {order.orderType} order")


def _capped(order: Order) -> bool:
    return order.orderType in ("REL", "PEG MID", "TRAIL LIMIT") and from_ib(order.lmtPrice) != 0


def _offset(kind: OrderType) -> bool:
    return kind in (OrderType.REL, OrderType.PEG_MID)


def _trail(order: Order) -> Trail:
    percent = from_ib(order.trailingPercent)
    return Trail(
        amount=None if percent is not None else from_ib(order.auxPrice),
        percent=percent,
        stop_price=from_ib(order.trailStopPrice),
        limit_offset=from_ib(order.lmtPriceOffset),
    )


def _good_till(text: str) -> datetime:
    """IB's UTC form ("YYYYMMDD-HH:MM:SS", as the builder writes it)."""
    try:
        return datetime.strptime(text, "%Y%m%d-%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"GTD time {text!r} is changed in the ticket") from None
