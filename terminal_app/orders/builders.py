"""Order intents to ib_async `Order`s: pure functions, no session and no Qt, so every field IB
gets can be checked in a unit test.

A bracket is staged as TWS needs it: the parent and every child but the last with
`transmit=False`, the last with `transmit=True` (otherwise the parent can fill with no protective
orders attached); each take-profit shares an OCA group with its stop leg (`ocaType` 2: a partial
fill of one reduces the other). A scale-out splits the stop into one leg per target, so each
target has its own protection.
"""

import itertools
from collections.abc import Iterator
from datetime import UTC
from decimal import Decimal
from time import time_ns

from ib_async import Order

from terminal_app.orders import algos
from terminal_app.orders.intent import Bracket, OrderIntent, OrderType, Tif, Trail
from terminal_app.orders.levels import entry_price, exit_price
from terminal_app.orders.prices import ContractRules, Quote

REDUCE_WITH_BLOCK = 2
# Exits outlive an immediate entry: IOC/FOK/OPG apply to the entry only.
_EXIT_TIF = {Tif.IOC: Tif.DAY, Tif.FOK: Tif.DAY, Tif.OPG: Tif.DAY}

_oca_counter = itertools.count(1)


def new_oca_group(prefix: str = "oca") -> str:
    """A group name no other group of this session uses (IB matches groups by name per account:
    a reused name would tie new orders to old ones)."""
    return f"{prefix}-{time_ns() // 1_000_000:x}-{next(_oca_counter)}"


def build(
    intent: OrderIntent,
    rules: ContractRules,
    ids: Iterator[int],
    quote: Quote | None = None,
    oca_prefix: str = "bkt",
) -> list[Order]:
    """The orders for `intent`, in sending order, with order ids from `ids`. `quote` prices a
    market bracket's offsets; validation has made sure it is live when needed."""
    main = _single(intent)
    main.orderId = next(ids)
    if intent.bracket is None:
        return [main]
    entry = entry_price(intent, quote or Quote())
    if entry is None:
        raise ValueError("a bracket needs an entry price to place its exits from")
    children = _exits(intent, intent.bracket, entry, rules, ids, new_oca_group(oca_prefix))
    for order in [main, *children]:
        order.transmit = False
    if children:
        children[-1].transmit = True
    else:
        main.transmit = True
    for child in children:
        child.parentId = main.orderId
    return [main, *children]


def join_oca(orders: list[Order], oca_type: int, group: str | None = None) -> str:
    """Put staged orders into one OCA group (1 cancel, 2 reduce with block, 3 reduce)."""
    if oca_type not in (1, 2, 3):
        raise ValueError(f"OCA type must be 1, 2 or 3, not {oca_type}")
    group = group or new_oca_group()
    for order in orders:
        order.ocaGroup = group
        order.ocaType = oca_type
    return group


def _single(intent: OrderIntent) -> Order:
    kind = intent.order_type
    order = Order(
        action=intent.side.value,
        totalQuantity=float(intent.quantity),
        orderType=kind.value,
        tif=intent.tif.value,
        outsideRth=intent.outside_rth,
        account=intent.account,
        orderRef=intent.order_ref,
    )
    if intent.limit_price is not None and (kind.needs_limit or kind in _CAP_OR_TRAIL_LIMIT):
        order.lmtPrice = float(intent.limit_price)
    if intent.stop_price is not None and (kind.needs_stop or kind in _OFFSET_TYPES):
        order.auxPrice = float(intent.stop_price)
    if kind.trails and intent.trail is not None:
        _apply_trail(order, intent.trail)
    order.goodTillDate = _good_till(intent)
    if intent.algo is not None:
        order.algoStrategy = intent.algo.strategy
        order.algoParams = algos.tag_values(intent.algo.strategy, intent.algo.params)
    return order


# REL and PEG MID take their offset in auxPrice and an optional cap in lmtPrice.
_OFFSET_TYPES = frozenset({OrderType.REL, OrderType.PEG_MID})
_CAP_OR_TRAIL_LIMIT = frozenset({OrderType.REL, OrderType.PEG_MID, OrderType.TRAIL_LIMIT})


def _apply_trail(order: Order, trail: Trail) -> None:
    if trail.percent is not None:
        order.trailingPercent = float(trail.percent)
    elif trail.amount is not None:
        order.auxPrice = float(trail.amount)
    if trail.stop_price is not None:
        order.trailStopPrice = float(trail.stop_price)
    if trail.limit_offset is not None:
        order.lmtPriceOffset = float(trail.limit_offset)


def _exits(
    intent: OrderIntent,
    bracket: Bracket,
    entry: Decimal,
    rules: ContractRules,
    ids: Iterator[int],
    group: str,
) -> list[Order]:
    """Take-profit(s) and stop leg(s); with a scale-out, one (target, stop) pair per target."""
    side = intent.side
    quantity = intent.quantity
    targets = [bracket.take_profit]
    sizes = [quantity]
    if bracket.take_profit_2 is not None and bracket.scale_quantity:
        targets.append(bracket.take_profit_2)
        sizes = [quantity - bracket.scale_quantity, bracket.scale_quantity]
    stop_level = bracket.stop_loss
    has_stop = stop_level is not None or bracket.trail is not None
    stop = exit_price(stop_level, entry, -side.sign, rules) if stop_level is not None else None
    exits: list[Order] = []
    for n, (target, size) in enumerate(zip(targets, sizes, strict=True), start=1):
        pair: list[Order] = []
        if target is not None:
            price = exit_price(target, entry, side.sign, rules)
            limit = _exit(intent, "LMT", size)
            limit.lmtPrice = float(price)
            pair.append(limit)
        if has_stop:
            pair.append(_stop_leg(intent, size, stop, bracket.trail))
        if len(pair) == 2:
            join_oca(pair, REDUCE_WITH_BLOCK, f"{group}-{n}")
        exits.extend(pair)
    for order in exits:
        order.orderId = next(ids)
    return exits


def _stop_leg(
    intent: OrderIntent, size: Decimal, stop: Decimal | None, trail: Trail | None
) -> Order:
    if trail is None:
        assert stop is not None
        order = _exit(intent, "STP", size)
        order.auxPrice = float(stop)
        return order
    kind = "TRAIL LIMIT" if trail.limit_offset is not None else "TRAIL"
    order = _exit(intent, kind, size)
    initial = trail.stop_price if trail.stop_price is not None else stop
    _apply_trail(order, Trail(trail.amount, trail.percent, initial, trail.limit_offset))
    return order


def _good_till(intent: OrderIntent) -> str:
    """IB's UTC form of a GTD time ("YYYYMMDD-HH:MM:SS"); "" unless the TIF is GTD."""
    if intent.tif is not Tif.GTD or intent.good_till is None:
        return ""
    return intent.good_till.astimezone(UTC).strftime("%Y%m%d-%H:%M:%S")


def _exit(intent: OrderIntent, kind: str, size: Decimal) -> Order:
    return Order(
        action=intent.side.opposite.value,
        totalQuantity=float(size),
        orderType=kind,
        tif=_EXIT_TIF.get(intent.tif, intent.tif).value,
        goodTillDate=_good_till(intent),
        outsideRth=intent.outside_rth,
        account=intent.account,
        orderRef=intent.order_ref,
    )
