"""What a ladder click means as an order intent, bracket and flatten included."""

from decimal import Decimal

from terminal_app.dom.click_orders import BracketTicks, click_intent, flatten_intent
from terminal_app.orders.intent import OffsetUnit, OrderType, Side


def test_click_intents_by_column_and_modifier() -> None:
    buy = click_intent(True, Decimal("5000.25"), Decimal(2))
    assert (buy.side, buy.order_type, buy.limit_price, buy.quantity) == (
        Side.BUY,
        OrderType.LMT,
        Decimal("5000.25"),
        Decimal(2),
    )
    assert buy.bracket is None
    stop = click_intent(False, Decimal("4990"), Decimal(1), stop=True)
    assert (stop.side, stop.order_type, stop.stop_price, stop.limit_price) == (
        Side.SELL,
        OrderType.STP,
        Decimal("4990"),
        None,
    )


def test_every_entry_carries_the_ladder_bracket_in_ticks() -> None:
    intent = click_intent(True, Decimal(100), Decimal(1), bracket=BracketTicks(8, 4))
    assert intent.bracket is not None
    tp, sl = intent.bracket.take_profit, intent.bracket.stop_loss
    assert tp is not None and sl is not None
    assert (tp.value, tp.unit, sl.value, sl.unit) == (8, OffsetUnit.TICKS, 4, OffsetUnit.TICKS)
    only_stop = click_intent(True, Decimal(100), Decimal(1), bracket=BracketTicks(0, 4))
    assert only_stop.bracket is not None and only_stop.bracket.take_profit is None
    assert click_intent(True, Decimal(100), Decimal(1), bracket=BracketTicks()).bracket is None


def test_flatten_closes_either_side_and_nothing_when_flat() -> None:
    long_exit = flatten_intent(Decimal(3))
    short_exit = flatten_intent(Decimal(-2))
    assert long_exit is not None and short_exit is not None
    assert (long_exit.side, long_exit.quantity, long_exit.order_type) == (
        Side.SELL,
        3,
        OrderType.MKT,
    )
    assert (short_exit.side, short_exit.quantity) == (Side.BUY, 2)
    assert flatten_intent(Decimal(0)) is None
