"""Every reason not to send an order, as a sentence for the field it concerns.

`errors` block sending; `warnings` (a stop that would trigger at once) are shown and need the
user's confirmation. Nothing here talks to IB: a bad order never reaches the gateway.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from terminal_app.orders import algos
from terminal_app.orders.intent import (
    BRACKET_ENTRIES,
    Bracket,
    Level,
    OffsetUnit,
    OrderIntent,
    OrderType,
    Side,
    Tif,
    Trail,
)
from terminal_app.orders.levels import entry_price, exit_price
from terminal_app.orders.prices import ABSURD, ContractRules, Quote

ALGO_TYPES = frozenset({OrderType.MKT, OrderType.LMT})


@dataclass(frozen=True)
class Problem:
    field: str  # "quantity", "limit", "stop", "trail", "good_till", "take_profit", "algo.<tag>"…
    message: str
    warning: bool = False


def validate(
    intent: OrderIntent, rules: ContractRules, quote: Quote, now: datetime
) -> list[Problem]:
    unusable = _unusable_numbers(intent)
    if unusable:  # NaN, infinity or 1e30 would make every check below raise, not answer
        return unusable
    problems = _quantity(intent.quantity, rules, "quantity", "Quantity")
    problems += _prices(intent, rules)
    problems += _tif(intent, now)
    if intent.order_type.trails:
        problems += _trail(intent.trail, rules, intent.order_type is OrderType.TRAIL_LIMIT, "trail")
    problems += _market_side(intent, quote)
    if intent.algo is not None:
        problems += _algo(intent, now)
    if intent.bracket is not None and not errors(problems):  # a warning is no excuse to skip
        problems += _bracket(intent, intent.bracket, rules, quote)
    return problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.warning]


def _numbers(intent: OrderIntent) -> list[tuple[str, str, Decimal | None]]:
    """Every number of the intent as (field, name, value), for the plausibility check."""
    found = [
        ("quantity", "Quantity", intent.quantity),
        ("limit", "Limit price", intent.limit_price),
        ("stop", "Stop price", intent.stop_price),
    ]
    trails = [("trail", intent.trail)]
    bracket = intent.bracket
    if bracket is not None:
        for field, name, level in (
            ("take_profit", "Take-profit", bracket.take_profit),
            ("stop_loss", "Stop-loss", bracket.stop_loss),
            ("take_profit_2", "Second take-profit", bracket.take_profit_2),
        ):
            found.append((field, name, level.value if level is not None else None))
        found.append(("scale_quantity", "Scale-out quantity", bracket.scale_quantity))
        trails.append(("stop_loss", bracket.trail))
    for field, trail in trails:
        if trail is not None:
            found += [
                (field, "Trail amount", trail.amount),
                (field, "Trail percent", trail.percent),
                (field, "Initial trail stop", trail.stop_price),
                (field, "Trail limit offset", trail.limit_offset),
            ]
    return found


def _unusable_numbers(intent: OrderIntent) -> list[Problem]:
    """What a panel may hand over that no order can carry: NaN, infinity, absurd sizes."""
    problems = []
    for field, name, value in _numbers(intent):
        if value is None:
            continue
        if not value.is_finite():
            problems.append(Problem(field, f"{name} must be a number, not {value}"))
        elif abs(value) >= ABSURD:
            problems.append(Problem(field, f"{name} {value:,.0f} is not a plausible value"))
    return problems


def _quantity(quantity: Decimal, rules: ContractRules, field: str, name: str) -> list[Problem]:
    if quantity <= 0:
        return [Problem(field, f"{name} must be more than 0")]
    if quantity % rules.size_increment:
        unit = (
            "a whole number"
            if rules.size_increment == 1
            else f"a multiple of {rules.size_increment}"
        )
        return [Problem(field, f"{name} {quantity} must be {unit} for this contract")]
    return []


def _price(value: Decimal | None, rules: ContractRules, field: str, name: str) -> list[Problem]:
    if value is None:
        return [Problem(field, f"{name} is required for this order type")]
    if value <= 0:
        return [Problem(field, f"{name} must be more than 0")]
    if not rules.on_tick(value):
        low, high = rules.round_down(value), rules.round_up(value)
        return [
            Problem(
                field,
                f"{name} {value} is not on the {rules.min_tick} tick: use {low} or {high}",
            )
        ]
    return []


def _optional_price(
    value: Decimal | None, rules: ContractRules, field: str, name: str
) -> list[Problem]:
    return [] if value is None or value == 0 else _price(value, rules, field, name)


def _prices(intent: OrderIntent, rules: ContractRules) -> list[Problem]:
    kind = intent.order_type
    problems: list[Problem] = []
    if kind.needs_limit:
        problems += _price(intent.limit_price, rules, "limit", "Limit price")
    if kind.needs_stop:
        name = "Stop price" if kind in (OrderType.STP, OrderType.STP_LMT) else "Trigger price"
        problems += _price(intent.stop_price, rules, "stop", name)
    if kind in (OrderType.REL, OrderType.PEG_MID):
        problems += _optional_price(intent.limit_price, rules, "limit", "Price cap")
        offset = intent.stop_price
        if offset is not None and offset < 0:
            problems.append(Problem("stop", "Offset must not be negative"))
    return problems


def _tif(intent: OrderIntent, now: datetime) -> list[Problem]:
    kind, tif = intent.order_type, intent.tif
    if tif is Tif.GTD:
        if intent.good_till is None:
            return [Problem("good_till", "A GTD order needs a date and time")]
        if intent.good_till <= now:
            return [Problem("good_till", f"GTD time {intent.good_till:%Y-%m-%d %H:%M} is past")]
    if tif is Tif.OPG and kind not in (OrderType.MKT, OrderType.LMT):
        return [Problem("tif", "OPG (at the open) is only for MKT and LMT orders")]
    if kind in (OrderType.MOC, OrderType.LOC) and tif not in (Tif.DAY, Tif.GTC):
        return [Problem("tif", f"{kind.value} orders are DAY or GTC")]
    return []


def _trail(
    trail: Trail | None, rules: ContractRules, needs_limit: bool, field: str
) -> list[Problem]:
    if trail is None or (trail.amount is None) == (trail.percent is None):
        return [Problem(field, "A trailing stop needs a trail amount or a trail percent")]
    if trail.amount is not None and trail.amount <= 0:
        return [Problem(field, "Trail amount must be more than 0")]
    if trail.percent is not None and not 0 < trail.percent < 100:
        return [Problem(field, "Trail percent must be between 0 and 100")]
    if needs_limit and trail.limit_offset is None:
        return [Problem(field, "A trailing stop limit needs a limit offset")]
    if trail.stop_price is not None:
        return _price(trail.stop_price, rules, field, "Initial trail stop")
    return []


def _market_side(intent: OrderIntent, quote: Quote) -> list[Problem]:
    """A stop on the wrong side of the market triggers at once: say so (a warning)."""
    stop = intent.stop_price
    if stop is None or intent.order_type not in (OrderType.STP, OrderType.STP_LMT):
        return []
    buying = intent.side is Side.BUY
    market = quote.touch(buying)
    if market is None:
        return []
    if (buying and stop <= market) or (not buying and stop >= market):
        where = "at or below" if buying else "at or above"
        return [
            Problem(
                "stop",
                f"A {intent.side.value.lower()} stop at {stop} is {where} the market ({market}): "
                "it triggers at once",
                warning=True,
            )
        ]
    return []


def _algo(intent: OrderIntent, now: datetime) -> list[Problem]:
    assert intent.algo is not None
    problems = [
        Problem(f"algo.{tag}" if tag else "algo", message)
        for tag, message in algos.check_params(intent.algo.strategy, intent.algo.params, now)
    ]
    if intent.order_type not in ALGO_TYPES:
        problems.append(Problem("order_type", "IB algos take MKT or LMT orders"))
    return problems


def _bracket(
    intent: OrderIntent, bracket: Bracket, rules: ContractRules, quote: Quote
) -> list[Problem]:
    if intent.order_type not in BRACKET_ENTRIES:
        return [Problem("order_type", "A bracket's entry is MKT, LMT or STP")]
    entry = entry_price(intent, quote)
    if entry is None:
        return [Problem("take_profit", "No live quote to place a market bracket's exits from")]
    problems: list[Problem] = []
    if bracket.take_profit is None and bracket.stop_loss is None and bracket.trail is None:
        problems.append(Problem("take_profit", "A bracket needs a take-profit or a stop-loss"))
    if bracket.trail is not None:
        problems += _trail(bracket.trail, rules, False, "stop_loss")
    if bracket.take_profit_2 is not None and bracket.take_profit is None:
        problems.append(Problem("take_profit_2", "A second take-profit needs a first one"))
    if bracket.take_profit_2 is not None:
        scale = bracket.scale_quantity or Decimal(0)
        problems += _quantity(scale, rules, "scale_quantity", "Scale-out quantity")
        if scale >= intent.quantity:
            problems.append(
                Problem("scale_quantity", "Scale-out quantity must be less than the entry's")
            )
    above, below = ("above", "below") if intent.side is Side.BUY else ("below", "above")
    buy = intent.side is Side.BUY
    for field, level, name, favour in (
        ("take_profit", bracket.take_profit, "Take-profit", True),
        ("take_profit_2", bracket.take_profit_2, "Second take-profit", True),
        ("stop_loss", bracket.stop_loss, "Stop-loss", False),
    ):
        if level is None:
            continue
        problems += _level(level, rules, field, name)
        if problems:
            continue
        price = exit_price(level, entry, intent.side.sign if favour else -intent.side.sign, rules)
        wrong = (price <= entry) if (favour == buy) else (price >= entry)
        if price <= 0:  # a distance wider than the entry price itself
            problems.append(Problem(field, f"{name} {price} must be more than 0"))
        elif wrong:
            where = above if favour else below
            problems.append(
                Problem(
                    field,
                    f"{name} {price} must be {where} the entry {entry} for a "
                    f"{intent.side.value.lower()}",
                )
            )
    return problems


def _level(level: Level, rules: ContractRules, field: str, name: str) -> list[Problem]:
    if level.unit is OffsetUnit.PRICE:
        return _price(level.value, rules, field, name)
    if level.value <= 0:
        return [Problem(field, f"{name} distance must be more than 0")]
    return []
