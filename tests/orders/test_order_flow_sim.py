"""The order service end to end against the simulated gateway over a real socket: brackets,
OCA, algos and trailing stops as IB works them, and the order book that follows them."""

from decimal import Decimal

import pytest

from terminal_app.orders import NeedsConfirmation
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
from terminal_app.orders.states import State
from terminal_app.session import OrderRefused
from tests.orders.conftest import Desk
from tests.orders.test_validation import BAD
from tests.session import wiretap as wire
from tests.waiting import wait_until


@pytest.mark.asyncio
async def test_a_market_bracket_fills_its_parent_and_activates_its_children(desk: Desk) -> None:
    quote = await desk.live_quote()
    intent = OrderIntent(
        Side.BUY,
        Decimal(10),
        OrderType.MKT,
        bracket=Bracket(
            take_profit=Level(Decimal(2), OffsetUnit.PERCENT),
            stop_loss=Level(Decimal(40), OffsetUnit.TICKS),
        ),
    )
    parent, take_profit, stop_loss = desk.service.submit(desk.aapl, intent, quote, confirmed=True)
    assert take_profit.order.parentId == stop_loss.order.parentId == parent.order.orderId
    book = desk.service.book
    await wait_until(lambda: parent.orderStatus.status == "Filled")
    await wait_until(
        lambda: (
            {take_profit.orderStatus.status, stop_loss.orderStatus.status}
            <= {"Submitted", "PreSubmitted"}
        )
    )
    record = book.record(parent)
    assert record is not None and record.state is State.FILLED
    contract_book = book.book(desk.aapl.conId)
    await wait_until(lambda: contract_book.position == 10 and contract_book.fills)
    assert {r.order_id for r in contract_book.working()} == {
        take_profit.order.orderId,
        stop_loss.order.orderId,
    }
    desk.service.cancel(stop_loss)  # reduce-with-block OCA: the target stays on its own
    await wait_until(lambda: book.record(stop_loss).state is State.CANCELLED)  # type: ignore[union-attr]
    cancelled = book.record(stop_loss)
    assert cancelled is not None and cancelled.history[-1].code == 202
    desk.service.cancel(parent)  # already filled: IB says why it cannot, the state stays
    await wait_until(lambda: record.history[-1].code == 10148)
    assert record.state is State.FILLED and record.history[-1].after is State.FILLED


@pytest.mark.asyncio
async def test_an_oca_fill_cancels_its_siblings(desk: Desk) -> None:
    quote = await desk.live_quote()
    assert quote.bid is not None
    resting = OrderIntent(Side.BUY, Decimal(5), OrderType.LMT, limit_price=quote.bid - 5)
    marketable = OrderIntent(Side.BUY, Decimal(5), OrderType.MKT)
    staged = [(desk.aapl, resting, quote), (desk.aapl, marketable, quote)]
    waiting, taking = desk.service.submit_oca(staged, oca_type=1, confirmed=True)
    assert waiting.order.ocaGroup == taking.order.ocaGroup != ""
    assert waiting.order.ocaType == taking.order.ocaType == 1
    await wait_until(lambda: taking.orderStatus.status == "Filled")
    await wait_until(lambda: waiting.orderStatus.status == "Cancelled")
    record = desk.service.book.record(waiting)
    assert record is not None and record.state is State.CANCELLED


@pytest.mark.asyncio
async def test_a_twap_order_fills_in_slices(desk: Desk) -> None:
    quote = await desk.live_quote()
    now = await desk.session.server_time()
    window = {"startTime": "", "endTime": f"{(now.minute + 3) % 60:02d}"}
    end = (now.hour + (now.minute + 3) // 60) % 24
    window["endTime"] = f"{end:02d}:{window['endTime']}:00 UTC"
    intent = OrderIntent(Side.BUY, Decimal(400), OrderType.MKT, algo=AlgoChoice("Twap", window))
    [trade] = desk.service.submit(desk.aapl, intent, quote, confirmed=True)
    assert trade.order.algoStrategy == "Twap"
    await wait_until(lambda: len(trade.fills) >= 3, timeout=10)
    record = desk.service.book.record(trade)
    assert record is not None and record.state is State.PARTIALLY_FILLED
    assert 0 < record.filled < 400
    desk.service.cancel(trade)
    await wait_until(lambda: trade.isDone())


@pytest.mark.asyncio
async def test_a_trailing_stop_is_placed_and_triggers(desk: Desk) -> None:
    quote = await desk.live_quote()
    tick = desk.service.rules(desk.aapl).min_tick
    intent = OrderIntent(
        Side.SELL, Decimal(3), OrderType.TRAIL, trail=Trail(amount=tick * 2), tif=Tif.GTC
    )
    [trade] = desk.service.submit(desk.aapl, intent, quote, confirmed=True)
    assert trade.order.orderType == "TRAIL" and trade.order.auxPrice == float(tick * 2)
    await wait_until(lambda: trade.orderStatus.status == "Filled", timeout=15)
    record = desk.service.book.record(trade)
    assert record is not None
    # Waiting to trigger, triggered, filled: each step is a state of its own.
    assert [t.after for t in record.history] == [
        State.PENDING_SUBMIT,
        State.PRE_SUBMITTED,
        State.SUBMITTED,
        State.FILLED,
    ]


@pytest.mark.asyncio
async def test_an_invalid_order_never_reaches_the_gateway(desk: Desk) -> None:
    quote = await desk.live_quote()
    before = desk.tap.count(wire.PLACE_ORDER)
    for bad, _field, _message in BAD:  # messages differ where the live quote matters
        with pytest.raises(OrderRefused):
            desk.service.submit(desk.aapl, bad, quote, confirmed=True)
    big = OrderIntent(Side.BUY, Decimal(5000), OrderType.MKT)
    with pytest.raises(NeedsConfirmation, match="above the maximum order size 1,000"):
        desk.service.submit(desk.aapl, big, quote)
    assert desk.tap.count(wire.PLACE_ORDER) == before


@pytest.mark.asyncio
async def test_what_if_previews_commission_and_margin(desk: Desk) -> None:
    quote = await desk.live_quote()
    intent = OrderIntent(Side.BUY, Decimal(100), OrderType.MKT)
    preview = await desk.service.what_if(desk.aapl, intent, quote)
    assert preview.commission is not None and preview.commission > 0
    assert preview.initial_margin_change is not None and preview.initial_margin_change > 0
    assert not desk.session.open_trades()
