"""What the chart draws of the order book, and a working order read back as an intent (no
widgets, no gateway)."""

import itertools
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest
from ib_async import Contract, Execution, Fill, Order, OrderStatus, Trade

from terminal_app.chart.order_marks import fill_marks, order_marks
from terminal_app.orders import builders
from terminal_app.orders.from_order import intent_from_order, repriced
from terminal_app.orders.intent import (
    AlgoChoice,
    Bracket,
    Level,
    OrderIntent,
    OrderType,
    Side,
    Tif,
    Trail,
)
from terminal_app.orders.prices import ContractRules
from terminal_app.orders.states import OrderRecord, State

RULES = ContractRules()


def records(orders: list[Order], status: str = "Submitted") -> list[OrderRecord]:
    out = []
    for order in orders:
        trade = Trade(Contract(conId=1), order, OrderStatus(order.orderId, status))
        record = OrderRecord(trade)
        record.observe(trade)
        out.append(record)
    return out


def built(intent: OrderIntent) -> list[Order]:
    return builders.build(intent, RULES, itertools.count(7))


def test_a_stop_limit_has_two_marks_and_bracket_exits_name_their_parent() -> None:
    entry = OrderIntent(
        Side.BUY,
        Decimal(100),
        OrderType.LMT,
        limit_price=Decimal("100.00"),
        bracket=Bracket(Level(Decimal("104.00")), Level(Decimal("98.50"))),
    )
    stop_limit = OrderIntent(
        Side.SELL, Decimal(5), OrderType.STP_LMT, Decimal("97.90"), Decimal("98.00")
    )
    market = OrderIntent(Side.BUY, Decimal(1), OrderType.MKT)
    orders = built(entry) + built(stop_limit) + built(market)
    labels = {(m.which, m.label) for m in order_marks(records(orders), 0.01)}
    assert labels == {
        ("limit", "BUY 100 LMT 100.00"),
        ("limit", "SELL 100 LMT 104.00 (exit of #7)"),
        ("stop", "SELL 100 STP 98.50 (exit of #7)"),
        ("stop", "SELL 5 STP LMT stop 98.00"),
        ("limit", "SELL 5 STP LMT limit 97.90"),
    }


def test_finished_orders_have_no_mark_and_a_trailing_stop_is_not_draggable() -> None:
    limit = built(OrderIntent(Side.BUY, Decimal(1), OrderType.LMT, Decimal("10")))
    assert order_marks(records(limit, "Cancelled"), 0.01) == []
    trail = OrderIntent(
        Side.SELL,
        Decimal(3),
        OrderType.TRAIL,
        trail=Trail(amount=Decimal("0.5"), stop_price=Decimal("9.50")),
    )
    [mark] = order_marks(records(built(trail)), 0.01)
    assert (mark.which, mark.price, mark.movable) == ("trail", Decimal("9.5"), False)
    assert mark.label == "SELL 3 TRAIL stop 9.50"


@pytest.mark.parametrize(
    "intent",
    [
        OrderIntent(Side.BUY, Decimal(100), OrderType.LMT, Decimal("101.25"), outside_rth=True),
        OrderIntent(Side.SELL, Decimal(3), OrderType.STP_LMT, Decimal("99.5"), Decimal("99.6")),
        OrderIntent(
            Side.SELL,
            Decimal(10),
            OrderType.STP,
            stop_price=Decimal("90"),
            tif=Tif.GTD,
            good_till=datetime(2026, 12, 24, 21, tzinfo=UTC),
            account="DU1",
            order_ref="ref",
        ),
        OrderIntent(
            Side.BUY,
            Decimal(5),
            OrderType.TRAIL_LIMIT,
            trail=Trail(Decimal("0.5"), None, Decimal("101"), Decimal("0.1")),
        ),
        OrderIntent(
            Side.BUY,
            Decimal(500),
            OrderType.LMT,
            Decimal("50"),
            algo=AlgoChoice("Adaptive", {"adaptivePriority": "Normal"}),
        ),
    ],
)
def test_an_order_reads_back_as_the_intent_it_was_built_from(intent: OrderIntent) -> None:
    [order] = built(intent)
    assert intent_from_order(order) == intent


def test_repricing_moves_only_the_named_price() -> None:
    intent = OrderIntent(Side.SELL, Decimal(3), OrderType.STP_LMT, Decimal("99.5"), Decimal("99.6"))
    [order] = built(intent)
    assert repriced(order, "stop", Decimal("98")) == replace(intent, stop_price=Decimal("98"))
    assert repriced(order, "limit", Decimal("97")) == replace(intent, limit_price=Decimal("97"))
    with pytest.raises(ValueError, match="VWAP"):
        intent_from_order(Order(action="BUY", totalQuantity=1, orderType="VWAP"))


def fill(when: datetime, price: float, side: str) -> Fill:
    execution = Execution(time=when, price=price, side=side)
    return Fill(Contract(conId=1), execution, None, when)  # type: ignore[arg-type]


def test_fills_go_on_the_bar_whose_span_holds_them() -> None:
    start = int(datetime(2026, 11, 24, 15, tzinfo=UTC).timestamp())
    times = np.array([start, start + 60, start + 120, start + 600])  # a gap before the last
    at = [
        (start - 1, 1.0, "BOT"),  # before the first bar: not shown
        (start, 2.0, "BOT"),
        (start + 119, 3.0, "SLD"),
        (start + 300, 4.0, "BOT"),  # in the gap: the bar before it
        (start + 9999, 5.0, "SLD"),  # after the last bar's start: the last bar
    ]
    marks = fill_marks([fill(datetime.fromtimestamp(t, UTC), p, s) for t, p, s in at], times)
    assert list(marks.x) == [0, 1, 2, 3]
    assert list(marks.y) == [2.0, 3.0, 4.0, 5.0]
    assert list(marks.buy) == [True, False, True, False]
    assert order_marks([], 0.01) == [] and State.SUBMITTED.working
