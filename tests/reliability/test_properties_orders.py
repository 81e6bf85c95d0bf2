"""Property-based tests of the order layer (issue 22): whatever a panel hands the order service
(numbers typed, dragged, computed from a quote, or garbage), validation answers with sentences and
never raises, and what it lets through is a set of orders on the tick grid, with the bracket's
exits on the right sides of the entry and above zero, and within the precautions unless the
user is asked.

The service's `review` is `validate` → `builders.build` → `cautions`; these run the same steps
without a session, so thousands of intents take seconds.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from ib_async import Order

from terminal_app.orders import builders
from terminal_app.orders.algos import ALGOS
from terminal_app.orders.intent import (
    BRACKET_ENTRIES,
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
from terminal_app.orders.levels import entry_price
from terminal_app.orders.precautions import Precautions, cautions
from terminal_app.orders.prices import ContractRules, Quote
from terminal_app.orders.validation import errors, validate
from tests.reliability import conftest_input  # noqa: F401  (the Hypothesis profile)

D = Decimal
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
LIMITS = Precautions()
UNSET = 1.7976931348623157e308  # ib_async's UNSET_DOUBLE

#: Numbers a panel could pass: plausible ones, and every kind of garbage a Decimal can hold.
BAD_NUMBERS = st.sampled_from(
    [D(t) for t in ("NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "1e30", "-1e30", "1e11")]
    + [D(t) for t in ("0", "-0", "-1", "1e-30", "0.001", "99999999999.99")]
)
PLAIN = st.decimals(min_value=D("-1000"), max_value=D("100000"), places=4, allow_nan=False)
NUMBERS = st.one_of(PLAIN, BAD_NUMBERS, st.integers(1, 500).map(D))
MAYBE = st.one_of(st.none(), NUMBERS)
RULES = st.builds(
    ContractRules,
    min_tick=st.sampled_from([D("0.01"), D("0.05"), D("0.25"), D("1"), D("0.0001")]),
    size_increment=st.sampled_from([D(1), D("0.1"), D(100)]),
    multiplier=st.sampled_from([D(1), D(50)]),
)


@st.composite
def quotes(draw: st.DrawFn) -> Quote:
    if draw(st.booleans()):
        return Quote()  # STALE: nothing to price from
    mid = draw(st.decimals(min_value=D("0.5"), max_value=D("5000"), places=2))
    spread = draw(st.sampled_from([D("0.01"), D("0.02"), D("0.5")]))
    return Quote(mid - spread, mid + spread, mid, stale=False)


LEVELS = st.builds(Level, NUMBERS, st.sampled_from(list(OffsetUnit)))
TRAILS = st.builds(Trail, MAYBE, MAYBE, MAYBE, MAYBE)
BRACKETS = st.builds(
    Bracket,
    st.one_of(st.none(), LEVELS),
    st.one_of(st.none(), LEVELS),
    st.one_of(st.none(), TRAILS),
    st.one_of(st.none(), LEVELS),
    MAYBE,
)
ALGO_CHOICES = st.builds(
    AlgoChoice,
    st.sampled_from([*ALGOS, "Nope"]),
    st.dictionaries(
        st.sampled_from(["startTime", "endTime", "maxPctVol", "adaptivePriority", "x"]),
        st.sampled_from(["", "09:00", "16:30", "25:00", "abc", "0.1", "2", "Urgent", "10:00:00"]),
        max_size=3,
    ),
)
INTENTS = st.builds(
    OrderIntent,
    side=st.sampled_from(list(Side)),
    quantity=NUMBERS,
    order_type=st.sampled_from(list(OrderType)),
    limit_price=MAYBE,
    stop_price=MAYBE,
    trail=st.one_of(st.none(), TRAILS),
    tif=st.sampled_from(list(Tif)),
    good_till=st.one_of(
        st.none(), st.integers(-3 * 86400, 3 * 86400).map(lambda s: NOW + timedelta(seconds=s))
    ),
    bracket=st.one_of(st.none(), BRACKETS),
    algo=st.one_of(st.none(), ALGO_CHOICES),
)


def _prices(order: Order) -> list[Decimal]:
    """The prices IB would read from `order` (unset ones left out)."""
    fields = [order.lmtPrice, order.auxPrice, order.trailStopPrice]
    if order.orderType in ("TRAIL", "TRAIL LIMIT"):
        fields = [order.lmtPrice, order.trailStopPrice]  # auxPrice is the trail amount
    if order.orderType in ("REL", "PEG MID"):
        fields = [order.lmtPrice or None]  # auxPrice is the offset; a 0 cap is IB's "none"
    return [D(repr(float(p))) for p in fields if p is not None and p != UNSET]


def _on_grid(price: Decimal, tick: Decimal) -> bool:
    return price % tick == 0


@given(intent=INTENTS, rules=RULES, quote=quotes())
def test_whatever_a_panel_passes_validation_answers_and_what_passes_is_sound(
    intent: OrderIntent, rules: ContractRules, quote: Quote
) -> None:
    problems = validate(intent, rules, quote, NOW)  # never raises, whatever the numbers
    assert all(p.message for p in problems)
    if errors(problems):
        return
    orders = builders.build(intent, rules, iter(range(1, 100)), quote)
    for order in orders:
        size = D(repr(order.totalQuantity))
        assert size > 0 and size % rules.size_increment == 0, order
        for price in _prices(order):
            assert price > 0 and _on_grid(price, rules.min_tick), order
    if intent.bracket is not None:
        _assert_bracket_geometry(intent, orders, quote)
    if not (cautions(intent, rules, quote, LIMITS) or any(p.warning for p in problems)):
        _assert_within_precautions(intent, orders, rules, quote)


def _assert_bracket_geometry(intent: OrderIntent, orders: list[Order], quote: Quote) -> None:
    """Exits on the far sides of the entry, opposite in action, together as big as it."""
    assert intent.order_type in BRACKET_ENTRIES
    entry = entry_price(intent, quote)
    assert entry is not None
    parent, *children = orders
    buy = intent.side is Side.BUY
    for child in children:
        assert child.parentId == parent.orderId and child.action != parent.action
        if child.orderType == "LMT":  # a take-profit: in the position's favour
            [price] = _prices(child)
            assert (price > entry) if buy else (price < entry), child
        elif child.orderType == "STP":  # a stop-loss: against it
            [price] = _prices(child)
            assert (price < entry) if buy else (price > entry), child
    targets = [c for c in children if c.orderType == "LMT"]
    if targets:
        assert sum(D(repr(c.totalQuantity)) for c in targets) == intent.quantity
    assert [o.transmit for o in orders] == [False] * (len(orders) - 1) + [True]


def _assert_within_precautions(
    intent: OrderIntent, orders: list[Order], rules: ContractRules, quote: Quote
) -> None:
    """Sent without asking: every order within the size and distance limits, the entry within
    the value limit (exits close the same position: their value is the entry's). Without a
    live quote only a priced order passes unasked, and its distance cannot be known."""
    market = quote.reference
    entry = orders[0]
    assert market is not None or _prices(entry)
    for price in _prices(entry)[:1]:
        value = D(repr(entry.totalQuantity)) * price * rules.multiplier
        assert value <= LIMITS.max_value, entry
    for order in orders:
        assert D(repr(order.totalQuantity)) <= LIMITS.max_size, order
        if market is None or order.orderType in ("REL", "PEG MID"):
            continue  # a cap is a ceiling, not a price
        for price in _prices(order):
            assert abs(price - market) / market * 100 <= LIMITS.max_pct_away, order


@st.composite
def near_valid(draw: st.DrawFn) -> tuple[OrderIntent, ContractRules, Quote]:
    """Intents a user could well send: on the grid, a live quote, prices near the market, and a
    bracket or trail whose distances may be anything from one tick to far beyond the entry."""
    tick = draw(st.sampled_from([D("0.01"), D("0.25"), D(1)]))
    rules = ContractRules(min_tick=tick)
    mid = draw(st.integers(1, 4000)) * tick
    quote = Quote(mid - tick, mid + tick, mid, stale=False)
    near = st.integers(-40, 40).map(lambda n: mid + n * tick).filter(lambda p: p > 0)
    kind = draw(st.sampled_from([OrderType.MKT, OrderType.LMT, OrderType.STP, OrderType.TRAIL]))
    distance = st.one_of(
        st.integers(-5, 20_000).map(D),
        st.decimals(min_value=D("-5"), max_value=D("300"), places=2),
    )
    levels = st.one_of(
        st.none(), st.builds(Level, st.one_of(distance, near), st.sampled_from(list(OffsetUnit)))
    )
    trail = st.builds(
        Trail,
        amount=st.one_of(st.none(), distance),
        stop_price=st.one_of(st.none(), near, distance),
    )
    bracket = draw(
        st.one_of(
            st.none(),
            st.builds(Bracket, levels, levels, st.one_of(st.none(), trail), levels, distance),
        )
    )
    intent = OrderIntent(
        draw(st.sampled_from(list(Side))),
        D(draw(st.integers(1, 300))),
        kind,
        limit_price=draw(near),
        stop_price=draw(near),
        trail=draw(trail) if kind is OrderType.TRAIL else None,
        bracket=bracket if kind in BRACKET_ENTRIES else None,
    )
    return intent, rules, quote


@given(case=near_valid())
def test_near_valid_orders_keep_the_grid_the_bracket_and_the_precautions(
    case: tuple[OrderIntent, ContractRules, Quote],
) -> None:
    test_whatever_a_panel_passes_validation_answers_and_what_passes_is_sound.hypothesis.inner_test(  # type: ignore[attr-defined]
        *case
    )
