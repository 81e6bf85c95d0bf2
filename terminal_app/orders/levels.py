"""Where a bracket's exits go: absolute prices, or distances from the entry turned into prices on
the contract's tick grid. Shared by the builder (which prices the orders) and validation (which
checks the geometry before anything is built)."""

from decimal import Decimal

from terminal_app.orders.intent import Level, OffsetUnit, OrderIntent, OrderType, Side
from terminal_app.orders.prices import ContractRules, Quote


def entry_price(intent: OrderIntent, quote: Quote) -> Decimal | None:
    """The price exits are measured from: the limit, the stop, or (MKT) the price a market
    order meets now; None when there is none to trust."""
    if intent.order_type is OrderType.LMT:
        return intent.limit_price
    if intent.order_type is OrderType.STP:
        return intent.stop_price
    return quote.touch(intent.side is Side.BUY)


def exit_price(level: Level, entry: Decimal, direction: int, rules: ContractRules) -> Decimal:
    """`direction` +1 puts an offset above the entry, -1 below; results are on the tick grid."""
    if level.unit is OffsetUnit.PRICE:
        return level.value
    if level.unit is OffsetUnit.TICKS:
        distance = level.value * rules.min_tick
    elif level.unit is OffsetUnit.PERCENT:
        distance = entry * level.value / 100
    else:
        distance = level.value
    return rules.nearest(entry + direction * distance)
