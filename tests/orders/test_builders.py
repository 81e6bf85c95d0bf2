"""The exact fields IB gets for each order type, TIF, bracket, OCA group and algo."""

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from ib_async import Order, TagValue

from terminal_app.orders import algos
from terminal_app.orders.builders import build, join_oca
from terminal_app.orders.intent import (
    AlgoChoice,
    Bracket,
    Level,
    OffsetUnit,
    OrderIntent,
    OrderType,
    Side,
    Tif,
    Trail,
)
from terminal_app.orders.prices import ContractRules, Quote

UNSET = Order().lmtPrice  # ib_async's "no value" double
RULES = ContractRules(Decimal("0.01"))
QUOTE = Quote(Decimal("99.98"), Decimal("100.02"), Decimal("100.00"), stale=False)
D = Decimal

# Per type: the intent's price fields and the IB fields they must become (others unset).
TYPES: list[tuple[OrderType, dict[str, Any], dict[str, Any]]] = [
    (OrderType.MKT, {}, {}),
    (OrderType.LMT, {"limit_price": D("99.5")}, {"lmtPrice": 99.5}),
    (OrderType.STP, {"stop_price": D("101")}, {"auxPrice": 101.0}),
    (
        OrderType.STP_LMT,
        {"limit_price": D("101.1"), "stop_price": D("101")},
        {"lmtPrice": 101.1, "auxPrice": 101.0},
    ),
    (OrderType.MIT, {"stop_price": D("98")}, {"auxPrice": 98.0}),
    (
        OrderType.LIT,
        {"limit_price": D("98.1"), "stop_price": D("98")},
        {"lmtPrice": 98.1, "auxPrice": 98.0},
    ),
    (OrderType.TRAIL, {"trail": Trail(amount=D("0.5"))}, {"auxPrice": 0.5}),
    (
        OrderType.TRAIL,
        {"trail": Trail(percent=D("1.5"), stop_price=D("98.5"))},
        {"trailingPercent": 1.5, "trailStopPrice": 98.5},
    ),
    (
        OrderType.TRAIL_LIMIT,
        {"trail": Trail(amount=D("0.5"), limit_offset=D("0.1"))},
        {"auxPrice": 0.5, "lmtPriceOffset": 0.1},
    ),
    (OrderType.MOC, {}, {}),
    (OrderType.LOC, {"limit_price": D("99")}, {"lmtPrice": 99.0}),
    (
        OrderType.REL,
        {"stop_price": D("0.02"), "limit_price": D("100.5")},
        {"auxPrice": 0.02, "lmtPrice": 100.5},
    ),
    (OrderType.PEG_MID, {"stop_price": D("0.01")}, {"auxPrice": 0.01}),
]
PRICE_FIELDS = ("lmtPrice", "auxPrice", "trailingPercent", "trailStopPrice", "lmtPriceOffset")
GOOD_TILL = datetime(2026, 12, 31, 21, 0, tzinfo=UTC)
TIFS = {
    Tif.DAY: "",
    Tif.GTC: "",
    Tif.IOC: "",
    Tif.FOK: "",
    Tif.GTD: "20261231-21:00:00",
    Tif.OPG: "",
}


def _ids() -> Iterator[int]:
    return itertools.count(100)


@pytest.mark.parametrize("side", list(Side))
@pytest.mark.parametrize("tif", list(TIFS))
@pytest.mark.parametrize(("kind", "given", "expected"), TYPES, ids=lambda v: str(v)[:20])
def test_each_type_and_tif_gives_the_ib_fields(
    kind: OrderType, given: dict[str, Any], expected: dict[str, Any], tif: Tif, side: Side
) -> None:
    intent = OrderIntent(
        side,
        D(25),
        kind,
        tif=tif,
        good_till=GOOD_TILL,
        outside_rth=True,
        account="DU1",
        order_ref="ref-1",
        **given,
    )
    [order] = build(intent, RULES, _ids())
    assert (order.orderId, order.action, order.totalQuantity) == (100, side.value, 25.0)
    assert (order.orderType, order.tif, order.goodTillDate) == (kind.value, tif.value, TIFS[tif])
    assert (order.outsideRth, order.account, order.orderRef) == (True, "DU1", "ref-1")
    assert order.transmit and not order.parentId and not order.ocaGroup
    for name in PRICE_FIELDS:
        assert getattr(order, name) == expected.get(name, UNSET), name


@pytest.mark.parametrize(
    ("side", "tp", "sl", "prices"),
    [
        (Side.BUY, Level(D(102)), Level(D(98)), (102.0, 98.0)),
        (Side.BUY, Level(D(2), OffsetUnit.POINTS), Level(D(1), OffsetUnit.POINTS), (102.0, 99.0)),
        (Side.BUY, Level(D(20), OffsetUnit.TICKS), Level(D(10), OffsetUnit.TICKS), (100.2, 99.9)),
        (
            Side.BUY,
            Level(D(1), OffsetUnit.PERCENT),
            Level(D("0.5"), OffsetUnit.PERCENT),
            (101.0, 99.5),
        ),
        (Side.SELL, Level(D(2), OffsetUnit.POINTS), Level(D(1), OffsetUnit.POINTS), (98.0, 101.0)),
        (
            Side.SELL,
            Level(D("0.333"), OffsetUnit.PERCENT),
            Level(D(7), OffsetUnit.TICKS),
            (99.67, 100.07),
        ),
    ],
)
def test_a_bracket_is_staged_with_oca_exits(
    side: Side, tp: Level, sl: Level, prices: tuple[float, float]
) -> None:
    intent = OrderIntent(side, D(10), OrderType.LMT, limit_price=D(100), bracket=Bracket(tp, sl))
    parent, target, stop = build(intent, RULES, _ids())
    assert [o.orderId for o in (parent, target, stop)] == [100, 101, 102]
    assert [o.transmit for o in (parent, target, stop)] == [False, False, True]
    assert target.parentId == stop.parentId == 100 and parent.parentId == 0
    assert (target.orderType, target.lmtPrice, stop.orderType, stop.auxPrice) == (
        "LMT",
        prices[0],
        "STP",
        prices[1],
    )
    assert target.action == stop.action == side.opposite.value
    assert target.totalQuantity == stop.totalQuantity == 10.0
    assert target.ocaGroup == stop.ocaGroup != "" and target.ocaType == stop.ocaType == 2


@pytest.mark.parametrize(
    ("entry", "expected_from"), [(OrderType.MKT, 100.02), (OrderType.STP, 101.0)]
)
def test_offsets_are_measured_from_the_entry(entry: OrderType, expected_from: float) -> None:
    """A market entry measures from the price it will meet (the ask for a buy), a stop entry
    from its stop."""
    intent = OrderIntent(
        Side.BUY,
        D(1),
        entry,
        stop_price=D(101) if entry is OrderType.STP else None,
        bracket=Bracket(take_profit=Level(D(1), OffsetUnit.POINTS)),
    )
    parent, target = build(intent, RULES, _ids(), QUOTE)
    assert target.lmtPrice == pytest.approx(expected_from + 1)
    assert (parent.transmit, target.transmit) == (False, True) and not target.ocaGroup


def test_a_trailing_stop_as_the_stop_leg_and_a_scale_out() -> None:
    bracket = Bracket(
        take_profit=Level(D(101)),
        stop_loss=Level(D(99)),
        trail=Trail(amount=D("0.4")),
        take_profit_2=Level(D(103)),
        scale_quantity=D(4),
    )
    intent = OrderIntent(
        Side.BUY, D(10), OrderType.LMT, limit_price=D(100), tif=Tif.IOC, bracket=bracket
    )
    parent, tp1, trail1, tp2, trail2 = build(intent, RULES, _ids())
    assert [(o.orderType, o.totalQuantity) for o in (tp1, trail1, tp2, trail2)] == [
        ("LMT", 6.0),
        ("TRAIL", 6.0),
        ("LMT", 4.0),
        ("TRAIL", 4.0),
    ]
    assert (trail1.auxPrice, trail1.trailStopPrice) == (0.4, 99.0)
    assert tp1.ocaGroup == trail1.ocaGroup != tp2.ocaGroup == trail2.ocaGroup
    assert [o.transmit for o in (parent, tp1, trail1, tp2, trail2)] == [False] * 4 + [True]
    assert parent.tif == "IOC" and {o.tif for o in (tp1, trail1, tp2, trail2)} == {"DAY"}


def test_staged_orders_join_one_new_oca_group() -> None:
    orders = [
        build(OrderIntent(Side.BUY, D(1), OrderType.LMT, limit_price=D(p)), RULES, _ids())[0]
        for p in (99, 98)
    ]
    first = join_oca(orders, 3)
    second = join_oca([Order(), Order()], 1)
    assert first != second
    assert {(o.ocaGroup, o.ocaType) for o in orders} == {(first, 3)}
    with pytest.raises(ValueError, match="OCA type must be 1, 2 or 3"):
        join_oca(orders, 4)


@pytest.mark.parametrize("strategy", list(algos.ALGOS))
def test_every_algo_sends_its_parameters_with_defaults(strategy: str) -> None:
    definition = algos.ALGOS[strategy]
    times = {"startTime": "10:00:00", "endTime": "11:00:00"}
    entered = {p.tag: times[p.tag] for p in definition.params if p.tag in times}
    intent = OrderIntent(Side.BUY, D(100), OrderType.MKT, algo=AlgoChoice(strategy, entered))
    [order] = build(intent, RULES, _ids())
    expected = [
        TagValue(p.tag, entered.get(p.tag, p.default))
        for p in definition.params
        if entered.get(p.tag, p.default)
    ]
    assert order.algoStrategy == strategy and order.algoParams == expected
    assert algos.check_params(strategy, entered) == []


def test_vwap_parameters_as_entered() -> None:
    params = {"maxPctVol": "0.2", "noTakeLiq": "1", "startTime": "09:45", "endTime": "15:30"}
    intent = OrderIntent(
        Side.SELL, D(100), OrderType.LMT, limit_price=D(99), algo=AlgoChoice("Vwap", params)
    )
    [order] = build(intent, RULES, _ids())
    assert order.algoParams == [
        TagValue("maxPctVol", "0.2"),
        TagValue("startTime", "09:45"),
        TagValue("endTime", "15:30"),
        TagValue("allowPastEndTime", "0"),
        TagValue("noTakeLiq", "1"),
    ]
