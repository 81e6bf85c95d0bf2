"""Pre-trade checks TWS applies to its own tickets but not to API orders ("precautionary
settings"): size, value and distance from the market. Above a limit the user must confirm,
with the numbers in front of them."""

from dataclasses import dataclass
from decimal import Decimal

from terminal_app.orders.intent import OrderIntent
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
    kind = intent.order_type
    levels = []
    if kind.needs_limit and intent.limit_price is not None:
        levels.append(("Limit", intent.limit_price))
    if kind.needs_stop and intent.stop_price is not None:
        levels.append(("Stop", intent.stop_price))
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
    for name, level in levels:
        away = abs(level - market) / market * 100
        if away > limits.max_pct_away:
            found.append(
                f"{name} price {level} is {away:.1f}% away from the last price {market} "
                f"(maximum {limits.max_pct_away}%)"
            )
    return found
