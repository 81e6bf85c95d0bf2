"""Matching an order against the market in one pass: the price it may trade at now (limits, pegs,
trailing limits, algo child prices) and the quantities the book and a print give it. Pure: the
evaluation books the fills."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .ports import Book, Level, Print
from .pricing import is_set, midpoint_price, relative_price, round_to_tick, to_increment
from .working import WorkingOrder


@dataclass
class MarketPass:
    """One evaluation of an instrument's orders: the market as the orders see it now."""

    book: Book
    trade: Print | None  # a new print (each print of a second is "last" in turn)
    quote: bool  # the quote just changed (else: a timer poll, a new or modified order)
    now: datetime
    taken: dict[tuple[str, float], Decimal]  # liquidity our own orders took from this book


def limit_now(wo: WorkingOrder, market: MarketPass) -> tuple[bool, float | None]:
    """(can price, limit): None = market; False when a peg has no quote to peg to."""
    book = market.book
    tick = wo.spec.min_tick
    order_type = wo.kind
    if order_type in ("MKT", "STP", "MIT", "TRAIL"):
        limit = None
    elif order_type == "TRAIL LIMIT":
        assert wo.trail_stop is not None
        if is_set(wo.order.lmtPriceOffset):
            offset = float(wo.order.lmtPriceOffset)
        else:  # an initial limit: the limit trails the stop at that first distance
            offset = abs((wo.limit or 0.0) - (wo.initial_stop or wo.trail_stop))
        raw = wo.trail_stop + offset if wo.is_buy else wo.trail_stop - offset
        limit = round_to_tick(raw, tick, up=not wo.is_buy)
    elif order_type == "REL":
        limit = relative_price(book, wo.is_buy, wo.aux or 0.0, wo.limit, tick)
        if limit is None:
            return False, None
    elif order_type == "PEG MID":
        limit = midpoint_price(book, wo.is_buy, wo.aux or 0.0, wo.limit, tick)
        if limit is None:
            return False, None
    else:
        limit = wo.limit
    if wo.algo is not None:
        priced, child = wo.algo.child_price(book, wo.is_buy, market.now)
        if not priced:
            return False, None
        if child is not None:  # the algo's own (more passive) price, within the limit
            child = round_to_tick(child, tick, up=not wo.is_buy)
            limit = child if limit is None else _passive(limit, child, wo.is_buy)
    return True, limit


def available(wo: WorkingOrder, market: MarketPass, limit: float | None) -> Decimal:
    """What the opposite side of the book still offers up to `limit` in this pass."""
    side, levels = _levels(wo, market.book)
    return sum(
        (
            max(level.size - market.taken.get((side, level.price), Decimal(0)), Decimal(0))
            for level in levels
            if within(level.price, limit, wo.is_buy)
        ),
        Decimal(0),
    )


def take(
    wo: WorkingOrder, market: MarketPass, limit: float | None, wanted: Decimal
) -> list[tuple[Decimal, float]]:
    """Walk the opposite side of the book up to the limit, consuming what this pass left."""
    side, levels = _levels(wo, market.book)
    taken = market.taken
    fills: list[tuple[Decimal, float]] = []
    need = min(wanted, wo.remaining)
    for level in levels:
        if need <= 0 or not within(level.price, limit, wo.is_buy):
            break
        used = taken.get((side, level.price), Decimal(0))
        quantity = to_increment(min(level.size - used, need), wo.spec.size_increment)
        if quantity <= 0:
            continue
        taken[(side, level.price)] = used + quantity
        fills.append((quantity, level.price))
        need -= quantity
    return fills


def take_from_print(
    wo: WorkingOrder, market: MarketPass, trade: Print, limit: float, wanted: Decimal
) -> Decimal:
    """What a resting limit fills (at its limit) when the market trades through it (at its
    price: all of it; at the limit: what the print leaves after the orders queued before it)."""
    taken = market.taken
    if wo.is_buy:
        through, at = trade.price < limit, trade.price == limit
    else:
        through, at = trade.price > limit, trade.price == limit
    quantity = min(wanted, wo.remaining)
    if at:
        used = taken.get(("print", limit), Decimal(0))
        quantity = min(quantity, max(trade.size - used, Decimal(0)))
    quantity = to_increment(quantity, wo.spec.size_increment)
    if wo.order.allOrNone and quantity < wo.remaining:
        return Decimal(0)
    if at:
        taken[("print", limit)] = taken.get(("print", limit), Decimal(0)) + quantity
    return quantity if through or at else Decimal(0)


def within(price: float, limit: float | None, is_buy: bool) -> bool:
    if limit is None:
        return True
    return price <= limit if is_buy else price >= limit


def _passive(a: float, b: float, is_buy: bool) -> float:
    return min(a, b) if is_buy else max(a, b)


def _levels(wo: WorkingOrder, book: Book) -> tuple[str, tuple[Level, ...]]:
    return ("ask", book.asks) if wo.is_buy else ("bid", book.bids)
