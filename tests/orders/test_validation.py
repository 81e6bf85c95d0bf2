"""Bad input, each with the sentence the ticket shows, and the precaution limits."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ib_async import ContractDetails, Ticker

from terminal_app.orders.algos import check_params
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
from terminal_app.orders.precautions import Precautions, cautions
from terminal_app.orders.prices import ContractRules, InputError, Quote, parse_decimal
from terminal_app.orders.settings import OrderSettings, load_order_settings, save_order_settings
from terminal_app.orders.validation import errors, validate

D = Decimal
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
RULES = ContractRules(D("0.01"))
LIVE = Quote(D("99.98"), D("100.02"), D("100.00"), stale=False)


def intent(**changes: Any) -> OrderIntent:
    values: dict[str, Any] = {
        "side": Side.BUY,
        "quantity": D(10),
        "order_type": OrderType.LMT,
        "limit_price": D(100),
    }
    values.update(changes)
    return OrderIntent(**values)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Quantity is empty"),
        ("abc", "Quantity must be a number, not 'abc'"),
        ("nan", "Quantity must be a number, not 'nan'"),
        ("inf", "Quantity must be a number, not 'inf'"),
        ("1e12", "Quantity 1,000,000,000,000 is not a plausible value"),
        (float("nan"), "Quantity must be a number, not 'nan'"),
    ],
)
def test_unusable_numbers_are_refused_with_a_sentence(text: object, message: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_decimal(text, "Quantity")  # type: ignore[arg-type]
    assert str(refused.value) == message


def test_numbers_as_typed() -> None:
    assert parse_decimal(" 1,000 ", "Quantity") == D(1000)
    assert parse_decimal("187.25", "Limit price") == D("187.25")


BAD = [
    (intent(quantity=D(0)), "quantity", "Quantity must be more than 0"),
    (intent(quantity=D(-5)), "quantity", "Quantity must be more than 0"),
    (
        intent(quantity=D("2.5")),
        "quantity",
        "Quantity 2.5 must be a whole number for this contract",
    ),
    (intent(limit_price=None), "limit", "Limit price is required for this order type"),
    (intent(limit_price=D(-1)), "limit", "Limit price must be more than 0"),
    (
        intent(limit_price=D("100.005")),
        "limit",
        "Limit price 100.005 is not on the 0.01 tick: use 100.00 or 100.01",
    ),
    (
        intent(order_type=OrderType.STP, stop_price=D("99.999")),
        "stop",
        "Stop price 99.999 is not on the 0.01 tick: use 99.99 or 100.00",
    ),
    (intent(tif=Tif.GTD), "good_till", "A GTD order needs a date and time"),
    (
        intent(tif=Tif.GTD, good_till=NOW - timedelta(minutes=1)),
        "good_till",
        "GTD time 2026-11-24 14:59 is past",
    ),
    (
        intent(order_type=OrderType.STP, stop_price=D(99), tif=Tif.OPG),
        "tif",
        "OPG (at the open) is only for MKT and LMT orders",
    ),
    (intent(order_type=OrderType.MOC, tif=Tif.IOC), "tif", "MOC orders are DAY or GTC"),
    (
        intent(order_type=OrderType.TRAIL, trail=Trail()),
        "trail",
        "A trailing stop needs a trail amount or a trail percent",
    ),
    (
        intent(order_type=OrderType.TRAIL, trail=Trail(percent=D(100))),
        "trail",
        "Trail percent must be between 0 and 100",
    ),
    (
        intent(order_type=OrderType.TRAIL_LIMIT, trail=Trail(amount=D(1))),
        "trail",
        "A trailing stop limit needs a limit offset",
    ),
    (
        intent(bracket=Bracket(take_profit=Level(D(99)), stop_loss=Level(D(98)))),
        "take_profit",
        "Take-profit 99 must be above the entry 100 for a buy",
    ),
    (
        intent(side=Side.SELL, bracket=Bracket(Level(D(99)), Level(D(99.5)))),
        "stop_loss",
        "Stop-loss 99.5 must be above the entry 100 for a sell",
    ),
    (
        intent(bracket=Bracket(stop_loss=Level(D(0), OffsetUnit.TICKS))),
        "stop_loss",
        "Stop-loss distance must be more than 0",
    ),
    (
        intent(order_type=OrderType.MKT, limit_price=None, bracket=Bracket(Level(D(101)))),
        "take_profit",
        "No live quote to place a market bracket's exits from",
    ),
    (
        intent(order_type=OrderType.MIT, stop_price=D(99), bracket=Bracket(Level(D(101)))),
        "order_type",
        "A bracket's entry is MKT, LMT or STP",
    ),
    (
        intent(bracket=Bracket(Level(D(101)), take_profit_2=Level(D(102)), scale_quantity=D(10))),
        "scale_quantity",
        "Scale-out quantity must be less than the entry's",
    ),
    (
        intent(algo=AlgoChoice("Twap", {"startTime": "11:00", "endTime": "10:30"})),
        "algo.endTime",
        "TWAP ends at 10:30:00 before it starts at 11:00:00",
    ),
    (
        intent(algo=AlgoChoice("Vwap", {"maxPctVol": "0.9"})),
        "algo.maxPctVol",
        "Max % volume must be between 0.01 and 0.5 (1% to 50%)",
    ),
    (
        intent(algo=AlgoChoice("Adaptive", {"adaptivePriority": "Fast"})),
        "algo.adaptivePriority",
        "Priority must be one of Urgent, Normal, Patient",
    ),
    (
        intent(order_type=OrderType.STP, stop_price=D(101), algo=AlgoChoice("Adaptive")),
        "order_type",
        "IB algos take MKT or LMT orders",
    ),
]


@pytest.mark.parametrize(("bad", "field", "message"), BAD, ids=[m for _b, _f, m in BAD])
def test_bad_orders_are_refused_with_the_reason(bad: OrderIntent, field: str, message: str) -> None:
    problems = errors(validate(bad, RULES, Quote(), NOW))
    assert [(p.field, p.message) for p in problems] == [(field, message)]


def test_whole_lots_and_ticks_come_from_the_contract_details() -> None:
    details = ContractDetails(minTick=0.25, sizeIncrement=1.0)
    rules = ContractRules.from_details(details)
    assert rules.min_tick == D("0.25")
    problems = validate(intent(limit_price=D("100.1")), rules, Quote(), NOW)
    assert problems[0].message == "Limit price 100.1 is not on the 0.25 tick: use 100.00 or 100.25"
    fractional = ContractRules(D("0.01"), size_increment=D("0.0001"))
    assert validate(intent(quantity=D("0.5")), fractional, Quote(), NOW) == []


@pytest.mark.parametrize(("side", "stop"), [(Side.BUY, D("100.00")), (Side.SELL, D("100.01"))])
def test_a_stop_on_the_wrong_side_of_the_market_is_warned(side: Side, stop: Decimal) -> None:
    problems = validate(
        intent(side=side, order_type=OrderType.STP, stop_price=stop), RULES, LIVE, NOW
    )
    assert [p.warning for p in problems] == [True]
    assert "triggers at once" in problems[0].message
    assert not errors(problems)


def test_no_price_is_taken_from_ib_no_value_markers_or_a_stale_quote() -> None:
    ticker = _ticker(float("nan"), -1.0, 1.7976931348623157e308)
    assert Quote.from_ticker(ticker, stale=False) == Quote(None, None, None, False)
    fresh = _ticker(99.0, 99.02, 99.01)
    assert Quote.from_ticker(fresh, stale=True).reference is None
    assert Quote.from_ticker(fresh, stale=False).reference == D("99.01")


def _ticker(bid: float, ask: float, last: float) -> Ticker:
    ticker = Ticker()
    ticker.bid, ticker.ask, ticker.last = bid, ask, last
    return ticker


def test_valid_orders_have_no_problems() -> None:
    good = intent(
        tif=Tif.GTD,
        good_till=NOW + timedelta(days=1),
        bracket=Bracket(Level(D(1), OffsetUnit.PERCENT), Level(D(5), OffsetUnit.TICKS)),
    )
    assert validate(good, RULES, Quote(), NOW) == []
    assert check_params("Vwap", {"startTime": "9:30", "endTime": "16:00"}) == []


def test_precautions_state_the_numbers() -> None:
    limits = Precautions(max_size=D(100), max_value=D(5000), max_pct_away=D(3))
    order = intent(quantity=D(200), limit_price=D(90))
    assert cautions(order, RULES, LIVE, limits) == [
        "Quantity 200 is above the maximum order size 100",
        "Order value 18,000.00 is above the maximum order value 5,000.00",
        "Limit price 90 is 10.0% away from the last price 100.00 (maximum 3%)",
    ]
    assert cautions(intent(quantity=D(10)), RULES, LIVE, limits) == []
    market = intent(order_type=OrderType.MKT, limit_price=None)
    assert cautions(market, RULES, Quote(), limits) == [
        "No live quote: the order's value and distance from the market are unknown"
    ]


def test_order_settings_survive_a_round_trip_and_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "order-settings.json"
    settings = OrderSettings(Precautions(D(50), D(9000), D("2.5")), False, {"Scalp": {"x": 1}})
    save_order_settings(settings, path)
    assert load_order_settings(path).value == settings
    path.write_text('{"max_order_size": -3}', encoding="utf-8")
    damaged = load_order_settings(path)
    assert damaged.value is None and damaged.problem
    assert path.with_name(path.name + ".bak").exists()
