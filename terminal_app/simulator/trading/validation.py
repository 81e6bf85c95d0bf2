"""The checks TWS runs before it accepts an order (the risk check on buying power lives in the
engine because it needs the account)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ib_async import Order

from .errors import off_tick, rejected, unsupported
from .order_fields import NEEDS_AUX, NEEDS_LIMIT, quantity_of, uses_limit
from .ports import InstrumentSpec
from .pricing import VALID_TRIGGER_METHODS, is_set, on_tick
from .times import parse_ib_time

ORDER_TYPES = frozenset(
    {
        "MKT",
        "LMT",
        "STP",
        "STP LMT",
        "MIT",
        "LIT",
        "TRAIL",
        "TRAIL LIMIT",
        "MOC",
        "LOC",
        "REL",
        "PEG MID",
    }
)
TIFS = frozenset({"DAY", "GTC", "IOC", "FOK", "GTD", "OPG"})
_ACTIONS = frozenset({"BUY", "SELL", "SSHORT"})


def _price_ok(value: float | Decimal | None, spec: InstrumentSpec, name: str) -> None:
    if not is_set(value):
        return
    price = float(value)  # type: ignore[arg-type]
    if price <= 0 and spec.sec_type not in ("FUT", "BAG"):
        raise rejected(f"Invalid {name} {price}")
    if not on_tick(price, spec.min_tick):
        raise off_tick()


def validate(order: Order, spec: InstrumentSpec, now: datetime) -> None:
    """Raise `Rejection` with IB's code for the first problem found."""
    if not spec.tradable:
        raise rejected(f"{spec.symbol} {spec.sec_type} cannot be traded")
    if spec.expires_at is not None and now >= spec.expires_at:
        raise rejected(f"The contract {spec.symbol} {spec.sec_type} has expired")
    if order.action.upper() not in _ACTIONS:
        raise rejected(f"Invalid action {order.action!r}")
    quantity = quantity_of(order)
    if quantity <= 0:
        raise rejected(f"Order quantity must be positive, got {quantity}")
    if quantity % spec.size_increment != 0:
        raise rejected(f"Order quantity {quantity} is not a multiple of {spec.size_increment}")
    order_type = order.orderType.upper()
    if order_type not in ORDER_TYPES or not _listed(spec, order_type.replace(" ", "")):
        raise unsupported(order.orderType)
    if order.conditions:
        raise rejected("Conditional orders are not supported by the simulated gateway")
    if order_type in NEEDS_LIMIT and not is_set(order.lmtPrice):
        raise rejected(f"A {order_type} order needs a limit price")
    if order_type in NEEDS_AUX and not is_set(order.auxPrice):
        raise rejected(f"A {order_type} order needs a trigger price (auxPrice)")
    if order_type in ("TRAIL", "TRAIL LIMIT"):
        _validate_trail(order, order_type)
    # Prices an order type does not use are ignored (clients send 0 or "unset" there).
    if uses_limit(order):
        _price_ok(order.lmtPrice, spec, "limit price")
    if order_type in NEEDS_AUX:
        _price_ok(order.auxPrice, spec, "stop price")
    if order_type in ("TRAIL", "TRAIL LIMIT"):
        _price_ok(order.trailStopPrice, spec, "trail stop price")
    if order.triggerMethod not in VALID_TRIGGER_METHODS:
        raise rejected(f"Invalid trigger method {order.triggerMethod}")
    tif = (order.tif or "DAY").upper()
    if tif not in TIFS:
        raise rejected(f"Invalid time in force {order.tif!r}")
    if tif == "GTD":
        if not order.goodTillDate:
            raise rejected("A GTD order needs goodTillDate")
        try:
            until = parse_ib_time(order.goodTillDate, now)
        except ValueError as exc:
            raise rejected(f"Invalid goodTillDate: {exc}") from exc
        if until <= now:
            raise rejected("goodTillDate is in the past")
    if tif in ("GTC", "GTD", "OPG") and not _listed(spec, tif):
        raise rejected(f"{tif} is not available for {spec.symbol} {spec.sec_type}")
    if order.algoStrategy and not _listed(spec, "ALGO"):
        raise rejected(f"IB algos are not available for {spec.symbol} {spec.sec_type}")
    if order.goodAfterTime:
        try:
            parse_ib_time(order.goodAfterTime, now)
        except ValueError as exc:
            raise rejected(f"Invalid goodAfterTime: {exc}") from exc
    if tif == "OPG" and order_type not in ("MKT", "LMT"):
        raise rejected("OPG is only valid for MKT and LMT orders")
    if order_type in ("MOC", "LOC") and tif not in ("DAY", "GTC"):
        raise rejected(f"{order_type} orders must be DAY")


def _listed(spec: InstrumentSpec, token: str) -> bool:
    token = {"TRAILLIMIT": "TRAILLMT"}.get(token, token)
    return not spec.order_types or token in spec.order_types


def _validate_trail(order: Order, order_type: str) -> None:
    has_amount = is_set(order.auxPrice) and float(order.auxPrice) > 0  # type: ignore[arg-type]
    has_percent = is_set(order.trailingPercent) and float(order.trailingPercent) > 0
    if has_amount == has_percent:
        raise rejected("A trailing order needs either a trailing amount or a trailing percent")
    if has_percent and float(order.trailingPercent) >= 100:
        raise rejected("Trailing percent must be below 100")
    if (
        order_type == "TRAIL LIMIT"
        and not is_set(order.lmtPriceOffset)
        and not is_set(order.lmtPrice)
    ):
        raise rejected("A TRAIL LIMIT order needs lmtPriceOffset (or an initial limit price)")
