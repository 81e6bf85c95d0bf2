"""Price and size arithmetic for orders: ticks, size increments, trigger methods, trailing stops,
pegs."""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from ib_async.util import UNSET_DOUBLE

from .ports import Book

# IB's triggerMethod values.
DEFAULT, DOUBLE_BID_ASK, LAST, DOUBLE_LAST, BID_ASK, LAST_OR_BID_ASK, MIDPOINT = 0, 1, 2, 3, 4, 7, 8
VALID_TRIGGER_METHODS = frozenset({0, 1, 2, 3, 4, 7, 8})


def is_set(value: float | Decimal | None) -> bool:
    """IB's "not set" is the max double (or None / nan in some clients)."""
    if value is None:
        return False
    number = float(value)
    return not math.isnan(number) and number != UNSET_DOUBLE and not math.isinf(number)


def on_tick(price: float, tick: Decimal) -> bool:
    return (Decimal(repr(float(price))) % tick) == 0


def round_to_tick(price: float, tick: Decimal, *, up: bool) -> float:
    """Round to the tick grid, up or down (buy stops/limits round against the buyer's favour)."""
    steps = (Decimal(repr(float(price))) / tick).to_integral_value(
        rounding=ROUND_CEILING if up else ROUND_FLOOR
    )
    return float(steps * tick)


def to_increment(quantity: Decimal, increment: Decimal) -> Decimal:
    """Round a quantity down to the instrument's size increment."""
    return (quantity / increment).to_integral_value(rounding=ROUND_FLOOR) * increment


def effective_method(method: int, sec_type: str) -> int:
    """IB: default is double bid/ask for OTC stocks and US options, last for the rest. Forex has no
    last trade on IDEALPRO, so its stops work on bid/ask."""
    if method != DEFAULT:
        return method
    if sec_type in ("OPT", "FOP"):
        return DOUBLE_BID_ASK
    if sec_type == "CASH":
        return BID_ASK
    return LAST


def observed_prices(method: int, is_buy: bool, book: Book) -> list[float]:
    """The price(s) a trigger watches; the condition holds if it holds for any of them."""
    side = book.ask if is_buy else book.bid
    if method in (LAST, DOUBLE_LAST):
        prices = [book.last]
    elif method in (BID_ASK, DOUBLE_BID_ASK):
        prices = [side]
    elif method == LAST_OR_BID_ASK:
        prices = [book.last, side]
    else:
        prices = [book.mid]
    return [p for p in prices if p is not None and p > 0]


def needs_two(method: int) -> bool:
    return method in (DOUBLE_BID_ASK, DOUBLE_LAST)


def trail_amount(reference: float, aux: float | Decimal | None, percent: float | Decimal) -> float:
    if is_set(percent):
        return reference * float(percent) / 100.0
    return float(aux or 0.0)


def ratchet(
    stop: float | None, reference: float, amount: float, is_buy: bool, tick: Decimal
) -> float:
    """Move a trailing stop toward the market, never away from it.

    A sell stop trails below the best price seen; a buy stop trails above the lowest price seen."""
    if is_buy:
        candidate = round_to_tick(reference + amount, tick, up=True)
        return candidate if stop is None else min(stop, candidate)
    candidate = round_to_tick(reference - amount, tick, up=False)
    return candidate if stop is None else max(stop, candidate)


def stop_hit(price: float, stop: float, is_buy: bool) -> bool:
    return price >= stop if is_buy else price <= stop


def touch_hit(price: float, trigger: float, is_buy: bool) -> bool:
    """If-touched orders fire when the market comes to them: buy at or below, sell at or above."""
    return price <= trigger if is_buy else price >= trigger


def relative_price(
    book: Book, is_buy: bool, offset: float, cap: float | None, tick: Decimal
) -> float | None:
    """REL: pegged to the same side (bid + offset for a buy), never beyond the limit cap."""
    base = book.bid if is_buy else book.ask
    if base is None:
        return None
    price = round_to_tick(base + offset if is_buy else base - offset, tick, up=not is_buy)
    return _capped(price, cap, is_buy)


def midpoint_price(
    book: Book, is_buy: bool, offset: float, cap: float | None, tick: Decimal
) -> float | None:
    """PEG MID: the midpoint less the offset for a buy (more for a sell), capped by the limit."""
    mid = book.mid
    if mid is None:
        return None
    price = round_to_tick(mid - offset if is_buy else mid + offset, tick, up=not is_buy)
    return _capped(price, cap, is_buy)


def _capped(price: float, cap: float | None, is_buy: bool) -> float:
    if cap is None:
        return price
    return min(price, cap) if is_buy else max(price, cap)
