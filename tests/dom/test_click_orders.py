"""What a ladder click or drag means as an order intent, bracket and flatten included."""

from decimal import Decimal

import pytest
from ib_async import LimitOrder, MarketOrder, StopLimitOrder

from terminal_app.dom.click_orders import BracketTicks, click_intent, flatten_intent
from terminal_app.dom.order_moves import CannotMove, moved_intent
from terminal_app.dom.tick_grid import TickGrid
from terminal_app.orders.intent import OffsetUnit, OrderType, Side, Tif


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


def test_a_moved_order_keeps_everything_but_its_prices() -> None:
    grid = TickGrid.from_min_tick(0.25)
    order = StopLimitOrder("SELL", 3, 4999.5, 5000.0, tif="GTC", outsideRth=True, orderRef="x")
    moved = moved_intent(order, grid, -2)
    assert (moved.side, moved.quantity, moved.order_type, moved.tif) == (
        Side.SELL,
        Decimal(3),
        OrderType.STP_LMT,
        Tif.GTC,
    )
    assert moved.limit_price == Decimal("4999.00") and moved.stop_price == Decimal("4999.50")
    assert moved.outside_rth and moved.order_ref == "x"
    off_grid = moved_intent(LimitOrder("BUY", 1, 5000.1), grid, 1)  # moves from its nearest row
    assert off_grid.limit_price == Decimal("5000.25") and off_grid.stop_price is None


def test_orders_a_drag_cannot_carry_are_refused_with_the_reason() -> None:
    grid = TickGrid.from_min_tick(0.01)
    with pytest.raises(CannotMove, match="MKT order has no price"):
        moved_intent(MarketOrder("BUY", 1), grid, 1)
    with pytest.raises(CannotMove, match="GTD order keeps its expiry"):
        moved_intent(LimitOrder("BUY", 1, 10.0, tif="GTD"), grid, 1)
    algo = LimitOrder("BUY", 1, 10.0, algoStrategy="Adaptive")
    with pytest.raises(CannotMove, match="algo"):
        moved_intent(algo, grid, 1)
