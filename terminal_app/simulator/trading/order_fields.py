"""Reading an ib_async `Order` as TWS does: the fields each order type uses, sizes as Decimal."""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal
from typing import Any

from ib_async import Order

from .pricing import is_set

NEEDS_LIMIT = frozenset({"LMT", "STP LMT", "LIT", "LOC"})
NEEDS_AUX = frozenset({"STP", "STP LMT", "MIT", "LIT"})
OPTIONAL_CAP = frozenset({"REL", "PEG MID", "TRAIL LIMIT"})  # a limit there is optional


def clone(order: Order, **changes: Any) -> Order:
    """A plain `Order` copy (ib_async's LimitOrder & co. cannot go through dataclasses.replace)."""
    values = {f.name: copy.copy(getattr(order, f.name)) for f in dataclasses.fields(Order)}
    values.update(changes)
    return Order(**values)


def quantity_of(order: Order) -> Decimal:
    return Decimal(repr(float(order.totalQuantity)))


def uses_limit(order: Order) -> bool:
    """Whether the order's lmtPrice means something (0 is "no cap" for pegged orders)."""
    order_type = order.orderType.upper()
    if order_type in NEEDS_LIMIT:
        return True
    return order_type in OPTIONAL_CAP and is_set(order.lmtPrice) and float(order.lmtPrice) != 0  # type: ignore[arg-type]
