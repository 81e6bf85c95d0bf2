"""Stop, if-touched and trailing orders: when the trigger fires, with IB's trigger methods, and
how a trailing stop ratchets with the market until then."""

from __future__ import annotations

import logging

from .matching import MarketPass
from .pricing import (
    DOUBLE_LAST,
    effective_method,
    is_set,
    needs_two,
    observed_prices,
    ratchet,
    stop_hit,
    touch_hit,
    trail_amount,
)
from .working import WorkingOrder

log = logging.getLogger(__name__)


def fire(wo: WorkingOrder, market: MarketPass) -> bool:
    """Watch the trigger (and ratchet a trailing stop); True once the order has fired.
    The double methods count fresh observations only (a new print for double-last, a quote
    change for double bid/ask), not the same price seen again by a timer poll."""
    method = effective_method(wo.order.triggerMethod, wo.spec.sec_type)
    prices = observed_prices(method, wo.is_buy, market.book)
    if not prices:
        return False
    if wo.kind in ("TRAIL", "TRAIL LIMIT"):
        reference = min(prices) if wo.is_buy else max(prices)
        if wo.trail_stop is None and is_set(wo.order.trailStopPrice):
            wo.trail_stop = float(wo.order.trailStopPrice)
        amount = trail_amount(reference, wo.aux, wo.order.trailingPercent)
        wo.trail_stop = ratchet(wo.trail_stop, reference, amount, wo.is_buy, wo.spec.min_tick)
        if wo.initial_stop is None:
            wo.initial_stop = wo.trail_stop
        level = wo.trail_stop
        hit = any(stop_hit(p, level, wo.is_buy) for p in prices)
    elif wo.kind in ("MIT", "LIT"):
        level = wo.aux or 0.0
        hit = any(touch_hit(p, level, wo.is_buy) for p in prices)
    else:
        level = wo.aux or 0.0
        hit = any(stop_hit(p, level, wo.is_buy) for p in prices)
    if not hit:
        wo.trigger_hits = 0
        return False
    if needs_two(method):
        if market.trade is not None if method == DOUBLE_LAST else market.quote:
            wo.trigger_hits += 1
        if wo.trigger_hits < 2:
            return False
    wo.triggered = True
    log.info("order %s triggered at %s", wo.key, level)
    return True
