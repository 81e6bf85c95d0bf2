"""Pre-trade checks TWS applies to its own tickets but not to API orders ("precautionary
settings"): size, value and distance from the market. Above a limit the user must confirm,
with the numbers in front of them."""

from dataclasses import dataclass
from decimal import Decimal

from terminal_app.orders.intent import OrderIntent
from terminal_app.orders.levels import entry_price, exit_price
from terminal_app.orders.prices import ContractRules, Quote


@dataclass(frozen=True)
class Precautions:
    max_size: Decimal = Decimal(1000)
    max_value: Decimal = Decimal(100_000)
    max_pct_away: Decimal = Decimal(5)  # of the last price (limit / stop / trigger)


def cautions(
    intent: OrderIntent, rules: ContractRules, quote: Quote, limits: Precautions
) -> list[str]:
    """Sentences for every limit the order goes beyond; [] when it is within all of them."""
    found: list[str] = []
    if intent.quantity > limits.max_size:
        found.append(
            f"Quantity {intent.quantity:,} is above the maximum order size {limits.max_size:,}"
        )
    market = quote.reference
    levels = _entry_levels(intent)
    price = levels[0][1] if levels else market
    if price is None:
        found.append("No live quote: the order's value and distance from the market are unknown")
        return found
    value = intent.quantity * price * rules.multiplier
    if value > limits.max_value:
        found.append(
            f"Order value {value:,.2f} is above the maximum order value {limits.max_value:,.2f}"
        )
    if not market:
        return found
    for name, level in levels + _exit_levels(intent, rules, quote):
        away = abs(level - market) / market * 100
        if away > limits.max_pct_away:
            found.append(
                f"{name} price {level} is {away:.1f}% away from the last price {market} "
                f"(maximum {limits.max_pct_away}%)"
            )
    return found


def _entry_levels(intent: OrderIntent) -> list[tuple[str, Decimal]]:
    kind = intent.order_type
    levels = []
    if kind.needs_limit and intent.limit_price is not None:
        levels.append(("Limit", intent.limit_price))
    if kind.needs_stop and intent.stop_price is not None:
        levels.append(("Stop", intent.stop_price))
    if kind.trails and intent.trail is not None and intent.trail.stop_price is not None:
        levels.append(("Initial trail stop", intent.trail.stop_price))
    return levels


def _exit_levels(
    intent: OrderIntent, rules: ContractRules, quote: Quote
) -> list[tuple[str, Decimal]]:
    """A bracket's exits as the prices they will have: a take-profit 40% away is as much a
    typo as a limit 40% away (their value is the entry's position, checked with the entry)."""
    bracket = intent.bracket
    entry = entry_price(intent, quote) if bracket is not None else None
    if bracket is None or entry is None:
        return []
    sign = intent.side.sign
    exits = [
        ("Take-profit", bracket.take_profit, sign),
        ("Second take-profit", bracket.take_profit_2, sign),
        ("Stop-loss", bracket.stop_loss, -sign),
    ]
    found = [
        (name, exit_price(level, entry, direction, rules))
        for name, level, direction in exits
        if level is not None
    ]
    if bracket.trail is not None and bracket.trail.stop_price is not None:
        found.append(("Initial trail stop", bracket.trail.stop_price))
    return found
