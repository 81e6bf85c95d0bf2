"""Bad input at the order service from the panels that do not type numbers (issue 22): DOM
clicks (`terminal_app.dom.click_orders` intents, as the ladder builds them), the chart's order
lines (the chart has no order lines on main yet: this drives the service's modify path that a
line drag will use), algo windows and GTDs in the past, and contracts nobody looked up.

Each table is generated from a few lists of bad values crossed with sides, order kinds and
brackets. Every case must come back as a sentence (OrderRefused, or NeedsConfirmation where the
order is legal but the user must be asked) and nothing may reach the simulated gateway: the wire
tap counts placeOrder requests on the socket.
"""

import itertools
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from ib_async import Contract, Stock, Trade

from terminal_app.dom.click_orders import BracketTicks, click_intent, market_intent
from terminal_app.orders import NeedsConfirmation
from terminal_app.orders.algos import ALGOS
from terminal_app.orders.intent import AlgoChoice, OrderIntent, OrderType, Side, Tif
from terminal_app.orders.prices import Quote
from terminal_app.session import OrderRefused
from tests.orders.conftest import Desk
from tests.reliability.conftest_input import SIM_NOW, placed_so_far, tapped_desk, tried
from tests.waiting import wait_until

__all__ = ["tapped_desk"]  # the fixture, for pytest

D = Decimal
pytestmark = pytest.mark.asyncio

#: Quantities no order may carry: nothing, negative, fractions of a share, not numbers, absurd.
BAD_QUANTITIES = [D(t) for t in ("0", "-0", "-1", "-100", "0.5", "1.5", "0.001", "1e-9")]
BAD_QUANTITIES += [D(t) for t in ("NaN", "sNaN", "Infinity", "-Infinity", "1e11", "1e30")]
#: Prices relative to the touch ("+0.001" is off the 0.01 grid) or absolute garbage.
BAD_PRICES = [D(t) for t in ("0", "-0.01", "-1", "-189", "0.001", "0.005", "NaN", "Infinity")]
BAD_PRICES += [D(t) for t in ("-Infinity", "1e11", "1e30", "-1e30")]
OFF_TICK = [D(t) for t in ("0.001", "0.005", "0.0099", "-0.003")]
#: Brackets in ticks: negative distances (inverted exits).
BAD_BRACKETS = [BracketTicks(-5, 5), BracketTicks(10, -5), BracketTicks(-1, -1)]
BRACKETS: list[BracketTicks | None] = [None, BracketTicks(10, 5), BracketTicks(1, 0)]
#: Orders that are legal but must be confirmed: a user's typo of a size, far from the market.
HUGE_BUT_PLAUSIBLE = [D(t) for t in ("1001", "5000", "250000", "99999999999")]
FAR_PRICES = [D(t) for t in ("0.01", "1", "1000", "99999999999.99")]


def _refused(desk: Desk, contract: Contract, intent: OrderIntent, quote: Quote) -> str:
    """The sentence the panel shows; fails if the order was accepted or asked for a confirm."""
    assert desk.service.review(contract, intent, quote).blocked, intent  # before it could send
    with pytest.raises(OrderRefused) as refused:
        desk.service.submit(contract, intent, quote, confirmed=True)
    assert not isinstance(refused.value, NeedsConfirmation)
    message = str(refused.value)
    assert message and "Traceback" not in message
    with pytest.raises(OrderRefused):
        desk.service.submit(contract, intent, quote, confirmed=False)
    return message


def _asks(desk: Desk, contract: Contract, intent: OrderIntent, quote: Quote) -> str:
    """Legal but beyond a precaution or triggering at once: refused until confirmed."""
    with pytest.raises(NeedsConfirmation) as asked:
        desk.service.submit(contract, intent, quote, confirmed=False)
    return str(asked.value)


def _click(is_buy: bool, stop: bool, bracket: BracketTicks | None) -> str:
    side, kind = ("buy" if is_buy else "sell"), ("stop" if stop else "limit")
    exits = f" +{bracket.take_profit}/-{bracket.stop_loss}" if bracket else ""
    return f"{side} {kind}{exits}"


def dom_clicks(bid: Decimal, ask: Decimal) -> Iterator[tuple[str, OrderIntent]]:
    """What the ladder can hand the service from a click, with each bad value."""
    sides = [True, False]
    for is_buy, stop, bracket, q in itertools.product(
        sides, [False, True], BRACKETS, BAD_QUANTITIES
    ):
        price = (ask + 1 if stop else bid) if is_buy else (bid - 1 if stop else ask)
        name = f"{_click(is_buy, stop, bracket)} qty {q}"
        yield name, click_intent(is_buy, price, q, stop, bracket)
    for is_buy, stop, bracket, p in itertools.product(sides, [False, True], BRACKETS, BAD_PRICES):
        yield (
            f"{_click(is_buy, stop, bracket)} at {p}",
            click_intent(is_buy, p, D(1), stop, bracket),
        )
    for is_buy, stop, bracket, off in itertools.product(sides, [False, True], BRACKETS, OFF_TICK):
        price = (ask + 1 if stop else bid) if is_buy else (bid - 1 if stop else ask)
        name = f"{_click(is_buy, stop, bracket)} off tick {price + off}"
        yield name, click_intent(is_buy, price + off, D(1), stop, bracket)
    for is_buy, bracket, q in itertools.product(sides, BRACKETS, BAD_QUANTITIES):
        yield f"{_click(is_buy, False, bracket)} market qty {q}", market_intent(is_buy, q, bracket)
    for is_buy, stop, bracket in itertools.product(sides, [False, True], BAD_BRACKETS):
        price = (ask + 1 if stop else bid) if is_buy else (bid - 1 if stop else ask)
        yield _click(is_buy, stop, bracket), click_intent(is_buy, price, D(1), stop, bracket)
        if not stop:
            yield f"{_click(is_buy, stop, bracket)} market", market_intent(is_buy, D(1), bracket)


def dom_clicks_to_confirm(bid: Decimal, ask: Decimal) -> Iterator[tuple[str, OrderIntent]]:
    """Legal clicks that must still ask: stops on the wrong side (they trigger at once), sizes
    beyond the precaution, prices far from the market."""
    for is_buy, ticks in itertools.product([True, False], range(0, 40, 4)):
        step = D(ticks) / 100
        wrong_side = bid - step if is_buy else ask + step  # a buy stop at or below the bid
        name = f"{_click(is_buy, True, None)} on the wrong side at {wrong_side}"
        yield name, click_intent(is_buy, wrong_side, D(1), stop=True)
    for is_buy, q in itertools.product([True, False], HUGE_BUT_PLAUSIBLE):
        yield f"{_click(is_buy, False, None)} huge qty {q}", click_intent(is_buy, bid, q)
    for is_buy, factor in itertools.product([True, False], ("0.5", "0.9", "1.1", "2")):
        price = (bid * D(factor)).quantize(D("0.01"))
        yield f"{_click(is_buy, False, None)} far at {price}", click_intent(is_buy, price, D(1))
    for is_buy, price in itertools.product([True, False], FAR_PRICES):
        yield (
            f"{_click(is_buy, True, None)} far at {price}",
            click_intent(is_buy, price, D(1), True),
        )


async def test_dom_clicks_with_bad_numbers_get_a_sentence_and_send_nothing(
    tapped_desk: Desk,
) -> None:
    desk = tapped_desk
    quote = desk.quote()
    assert quote.bid is not None and quote.ask is not None
    before = await placed_so_far(desk)
    cases = list(dom_clicks(quote.bid, quote.ask))
    refused = dict(cases)
    assert len(refused) == len(cases)  # every case distinct
    messages = {name: _refused(desk, desk.aapl, intent, quote) for name, intent in refused.items()}
    to_confirm = list(dom_clicks_to_confirm(quote.bid, quote.ask))
    asked = dict(to_confirm)
    assert len(asked) == len(to_confirm)
    for intent in asked.values():
        _asks(desk, desk.aapl, intent, quote)
    assert messages["buy limit qty NaN"] == "Quantity must be a number, not NaN"
    assert messages["sell stop at -1"] == "Stop price must be more than 0"
    assert messages["buy limit +10/--5"] == "Stop-loss distance must be more than 0"
    assert await placed_so_far(desk) == before
    tried("DOM clicks", len(refused) + len(asked))


#: A chart line dragged to a price (the modify path): bad prices, sizes and what a modify is not.
def chart_drags(trade: Trade, bid: Decimal) -> Iterator[tuple[str, OrderIntent]]:
    side = Side(trade.order.action)
    for price in BAD_PRICES + [bid + off for off in OFF_TICK]:
        yield f"drag to {price}", OrderIntent(side, D(1), OrderType.LMT, limit_price=price)
    for q in BAD_QUANTITIES:
        yield f"size {q}", OrderIntent(side, q, OrderType.LMT, limit_price=bid)
    for days in (-1, -30):
        past = SIM_NOW + timedelta(days=days)
        yield (
            f"GTD {past:%Y-%m-%d}",
            OrderIntent(side, D(1), OrderType.LMT, limit_price=bid, tif=Tif.GTD, good_till=past),
        )


async def test_chart_line_drags_to_bad_prices_modify_nothing(tapped_desk: Desk) -> None:
    desk = tapped_desk
    quote = desk.quote()
    assert quote.bid is not None
    resting = quote.bid - D("0.05")
    [trade] = desk.service.submit(
        desk.aapl, OrderIntent(Side.BUY, D(1), OrderType.LMT, limit_price=resting), quote, True
    )
    await wait_until(lambda: trade.orderStatus.status in ("PreSubmitted", "Submitted"))
    before = await placed_so_far(desk)
    drags = dict(chart_drags(trade, quote.bid))
    for intent in drags.values():
        assert desk.service.review(trade.contract, intent, quote).blocked, intent
        with pytest.raises(OrderRefused) as refused:
            desk.service.modify(trade, intent, quote, confirmed=True)
        assert str(refused.value)
    far = [OrderIntent(Side.BUY, D(1), OrderType.LMT, limit_price=p) for p in FAR_PRICES]
    for intent in far:
        with pytest.raises(NeedsConfirmation):
            desk.service.modify(trade, intent, quote, confirmed=False)
    assert await placed_so_far(desk) == before
    assert trade.order.lmtPrice == float(resting)  # the working order kept its price
    desk.service.cancel(trade)
    tried("chart order lines (modify path)", len(drags) + len(far))


def algo_windows() -> Iterator[tuple[str, dict[str, str]]]:
    """Windows that ended before the simulator's 10:00 New York, or end before they start."""
    ends = ["09:00", "09:30", "09:59:59", "10:00", "00:01", "14:59 UTC", "09:59 America/New_York"]
    ends += ["09:59 EST", "14:00 Europe/London", "06:00 America/Los_Angeles"]
    timed = ("Twap", "Vwap", "ArrivalPx")
    for strategy, end, start in itertools.product(timed, ends, ("", "9:00")):
        yield f"{strategy} {start}-{end}", {"startTime": start, "endTime": end}
    for strategy, (start, end) in itertools.product(
        timed, [("11:00", "10:30"), ("15:00", "15:00"), ("23:59", "0:00")]
    ):
        yield f"{strategy} inverted {start}-{end}", {"startTime": start, "endTime": end}
    for strategy, text in itertools.product(("Twap", "Vwap"), ("25:00", "10:61", "noon", "1030")):
        yield f"{strategy} unreadable {text}", {"endTime": text}
    yield "Twap zone nowhere", {"endTime": "16:00 Mars/Olympus"}


async def test_algo_windows_in_the_past_and_past_gtds_are_refused_before_sending(
    tapped_desk: Desk,
) -> None:
    desk = tapped_desk
    quote = desk.quote()
    assert quote.bid is not None
    before = await placed_so_far(desk)
    count = 0
    for name, params in algo_windows():
        strategy = name.split()[0]
        assert strategy in ALGOS
        intent = OrderIntent(
            Side.BUY, D(10), OrderType.LMT, limit_price=quote.bid, algo=AlgoChoice(strategy, params)
        )
        message = _refused(desk, desk.aapl, intent, quote)
        assert "end" in message.lower() or "time" in message.lower(), (name, message)
        count += 1
    for delta, kind, side in itertools.product(
        (timedelta(seconds=1), timedelta(minutes=5), timedelta(days=1), timedelta(days=400)),
        (OrderType.LMT, OrderType.STP),
        Side,
    ):
        price = quote.bid if (kind is OrderType.LMT) == (side is Side.BUY) else quote.bid + 1
        intent = OrderIntent(
            side, D(1), kind, limit_price=price, stop_price=price, tif=Tif.GTD,
            good_till=SIM_NOW - delta,
        )  # fmt: skip
        assert "is past" in _refused(desk, desk.aapl, intent, quote)
        count += 1
    assert await placed_so_far(desk) == before
    tried("algo windows and GTDs in the past", count)


#: Contracts a panel could pass that were never looked up (IB would answer 200).
UNKNOWN = [Contract(), Stock("", "SMART", "USD"), Stock("ZZZZZZ", "SMART", "USD")]
UNKNOWN += [Contract(symbol=s) for s in ("?", "AAPL ", "\x00", "A" * 200, "ÄÖÜ", "AAPL;DROP")]


async def test_orders_for_contracts_nobody_looked_up_are_refused(tapped_desk: Desk) -> None:
    desk = tapped_desk
    quote = desk.quote()
    assert quote.bid is not None
    before = await placed_so_far(desk)
    intents = [
        OrderIntent(Side.BUY, D(1), OrderType.LMT, limit_price=quote.bid),
        OrderIntent(Side.SELL, D(1), OrderType.MKT),
    ]
    for contract, intent in itertools.product(UNKNOWN, intents):
        assert "not a looked-up contract" in _refused(desk, contract, intent, Quote())
    assert await placed_so_far(desk) == before
    tried("orders for unknown contracts", len(UNKNOWN) * len(intents))
