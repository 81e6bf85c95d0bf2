"""What a click on the ladder means as an order intent (no widgets, no sending).

A click in the bid column buys at that row's price, in the ask column sells; with the stop
modifier the order is a stop at that price instead of a limit. Every entry may carry a bracket
with its take-profit and stop-loss distances in ticks. The ladder sends these only through the
order service, so validation and precautions apply to every click.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from terminal_app.orders.intent import Bracket, Level, OffsetUnit, OrderIntent, OrderType, Side


@dataclass(frozen=True)
class BracketTicks:
    take_profit: int = 0  # 0 = no take-profit leg
    stop_loss: int = 0  # 0 = no stop-loss leg

    def bracket(self) -> Bracket | None:
        if not (self.take_profit or self.stop_loss):
            return None
        return Bracket(
            take_profit=_ticks(self.take_profit),
            stop_loss=_ticks(self.stop_loss),
        )


def _ticks(count: int) -> Level | None:
    """0 is "no leg"; a negative distance goes to validation to be refused, not dropped
    (dropping it would send the entry without the stop the user asked for)."""
    return Level(Decimal(count), OffsetUnit.TICKS) if count else None


def click_intent(
    is_buy: bool,
    price: Decimal,
    quantity: Decimal,
    stop: bool = False,
    bracket: BracketTicks | None = None,
) -> OrderIntent:
    side = Side.BUY if is_buy else Side.SELL
    exits = bracket.bracket() if bracket is not None else None
    if stop:
        return OrderIntent(side, quantity, OrderType.STP, stop_price=price, bracket=exits)
    return OrderIntent(side, quantity, OrderType.LMT, limit_price=price, bracket=exits)


def market_intent(
    is_buy: bool, quantity: Decimal, bracket: BracketTicks | None = None
) -> OrderIntent:
    side = Side.BUY if is_buy else Side.SELL
    exits = bracket.bracket() if bracket is not None else None
    return OrderIntent(side, quantity, OrderType.MKT, bracket=exits)


def flatten_intent(position: Decimal) -> OrderIntent | None:
    """A market order that closes `position`; None when flat."""
    if not position:
        return None
    side = Side.SELL if position > 0 else Side.BUY
    return OrderIntent(side, abs(position), OrderType.MKT)
