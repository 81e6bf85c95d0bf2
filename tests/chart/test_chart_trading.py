"""Trading on the chart against the simulated gateway: order lines follow the order book, a
drag sends exactly one modify at the tick it was dropped on, the × one cancel, read-only and a
wrong-side stop are refused with the line back, the average-price line and the fill markers
follow the fills, and the right-click menu opens the ticket at the clicked price."""

from collections.abc import AsyncIterator
from datetime import UTC
from decimal import Decimal

import numpy as np
import pytest
import pytest_asyncio
from ib_async import IB, LimitOrder
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from terminal_app.orders.intent import OrderIntent, OrderType, Side
from terminal_app.orders.prices import from_ib
from terminal_app.session import BrokerSession
from terminal_app.simulator.gateway import SimulatedGateway
from tests.chart.trading_desk import (
    AAPL,
    ChartDesk,
    chart_desk,
    click_at,
    drag,
    limit,
    zoom_on,
)
from tests.session import wiretap as wire
from tests.sim_fixtures import qualified
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio
TICK = Decimal("0.01")


@pytest_asyncio.fixture
async def desk(
    qapp: QApplication, session: BrokerSession, sim_gateway: SimulatedGateway
) -> AsyncIterator[ChartDesk]:
    async with chart_desk(session, sim_gateway) as d:
        d.service.settings.confirm_orders = False  # one drag, one modify (confirmation: below)
        yield d


async def resting_buy(desk: ChartDesk, below: str = "1.00", quantity: int = 100) -> Decimal:
    quote = await desk.quote()
    assert quote.bid is not None
    price = quote.bid - Decimal(below)
    await desk.place(limit(Side.BUY, quantity, price))
    return price


async def test_order_lines_follow_the_working_orders(desk: ChartDesk) -> None:
    buy = await resting_buy(desk)
    quote = desk.panel.orders.quote()
    assert quote.ask is not None
    stop, cap = quote.ask + Decimal("1.00"), quote.ask + Decimal("1.10")
    await desk.place(OrderIntent(Side.SELL, Decimal(50), OrderType.STP_LMT, cap, stop))
    buy_line = await desk.line_at("limit", buy)
    stop_line = await desk.line_at("stop", stop)
    cap_line = await desk.line_at("limit", cap)
    assert len(desk.panel.trading.lines) == 3
    assert buy_line.label.format == f"BUY 100 LMT {buy:.2f}"
    assert stop_line.label.format == f"SELL 50 STP LMT stop {stop:.2f}"
    assert cap_line.label.format == f"SELL 50 STP LMT limit {cap:.2f}"
    assert buy_line.pen.color().name() != stop_line.pen.color().name()  # coloured by side

    desk.service.cancel(buy_line.mark.record.trade)
    await wait_until(lambda: buy_line not in desk.panel.trading.lines.values(), 10)
    assert buy_line.scene() is None
    assert set(desk.panel.trading.lines.values()) == {stop_line, cap_line}


async def test_a_drag_sends_exactly_one_modify_at_the_snapped_price(desk: ChartDesk) -> None:
    buy = await resting_buy(desk)
    line = await desk.line_at("limit", buy)
    sent = desk.tap.count(wire.PLACE_ORDER)
    aim = float(buy - Decimal("0.503"))  # 0.3 of a tick above a tick: snaps to buy - 0.50
    zoom_on(desk.panel, float(buy), 0.4)
    await drag(desk.panel, float(buy), aim)
    target = buy - Decimal("0.50")
    assert desk.panel.orders.snap(line.price) == target
    trade = line.mark.record.trade
    await wait_until(lambda: from_ib(trade.order.lmtPrice) == target, 10, "modify not applied")
    assert desk.tap.count(wire.PLACE_ORDER) == sent + 1
    assert trade.orderStatus.status in ("Submitted", "PreSubmitted")
    await desk.line_at("limit", target)


async def test_the_cross_sends_one_cancel(desk: ChartDesk) -> None:
    buy = await resting_buy(desk)
    line = await desk.line_at("limit", buy)
    cancels = desk.tap.count(wire.CANCEL_ORDER)
    await click_at(desk.panel, line.cancel_mark, Qt.MouseButton.LeftButton)
    await wait_until(lambda: not desk.panel.trading.lines, 10, "line stayed")
    assert desk.tap.count(wire.CANCEL_ORDER) == cancels + 1
    assert line.mark.record.trade.orderStatus.status == "Cancelled"


async def test_a_wrong_side_stop_drag_is_refused_and_the_line_goes_back(desk: ChartDesk) -> None:
    quote = await desk.quote()
    assert quote.bid is not None and quote.ask is not None
    stop = quote.bid - Decimal("1.00")
    await desk.place(OrderIntent(Side.SELL, Decimal(10), OrderType.STP, stop_price=stop))
    line = await desk.line_at("stop", stop)
    sent = desk.tap.count(wire.PLACE_ORDER)
    above = float(quote.ask + Decimal("0.50"))
    zoom_on(desk.panel, (float(stop) + above) / 2, 1.2)
    await drag(desk.panel, float(stop), above)
    assert "triggers at once" in desk.panel.trading.notice.text()
    assert line.price == float(stop)
    assert desk.panel.orders.pending is None
    assert desk.tap.count(wire.PLACE_ORDER) == sent
    assert from_ib(line.mark.record.trade.order.auxPrice) == stop


async def test_with_confirmation_on_a_drag_waits_then_sends_one_modify(desk: ChartDesk) -> None:
    desk.service.settings.confirm_orders = True
    buy = await resting_buy(desk)
    line = await desk.line_at("limit", buy)
    sent = desk.tap.count(wire.PLACE_ORDER)
    zoom_on(desk.panel, float(buy), 0.4)
    await drag(desk.panel, float(buy), float(buy - Decimal("0.203")))
    bar = desk.panel.trading.confirm_bar
    assert bar.isVisible() and "Modify #" in bar.text.text()
    assert line.price == float(buy)  # the book's price until confirmed
    assert desk.tap.count(wire.PLACE_ORDER) == sent
    bar.send.click()
    target = buy - Decimal("0.20")
    await desk.line_at("limit", target)
    assert desk.tap.count(wire.PLACE_ORDER) == sent + 1
    assert not bar.isVisible()


async def test_average_price_line_and_fill_markers_follow_the_fills(desk: ChartDesk) -> None:
    trading = desk.panel.trading
    book = desk.service.book.book(desk.contract.conId)
    assert not book.position and not trading.position_line.isVisible()
    quote = await desk.quote()
    assert quote.ask is not None
    await desk.place(limit(Side.BUY, 10, quote.ask + Decimal("0.05")))  # marketable: fills
    await wait_until(lambda: trading.position_line.isVisible(), 10, "no average-price line")
    assert book.average_price is not None
    assert trading.position_line.value() == pytest.approx(float(book.average_price))
    assert trading.position_line.label.format.startswith("Long 10 @ ")
    await wait_until(lambda: len(trading.fill_markers.buys.data) == 1, 10, "no fill marker")
    [fill] = book.fills
    on_its_bar(desk, trading.fill_markers.buys.data[0], fill.execution)

    desk.panel.controls.timeframe.setCurrentText("5 min")  # the markers survive a reload
    await wait_until(lambda: desk.panel.feed.timeframe.label == "5 min" and desk.panel.feed.live)
    await wait_until(lambda: len(trading.fill_markers.buys.data) == 1, 10)
    on_its_bar(desk, trading.fill_markers.buys.data[0], fill.execution)

    quote = await desk.quote()
    assert quote.bid is not None
    await desk.place(limit(Side.SELL, 10, quote.bid - Decimal("0.05")))  # flat again
    await wait_until(lambda: not trading.position_line.isVisible(), 10, "line stayed when flat")
    await wait_until(lambda: len(trading.fill_markers.sells.data) == 1, 10)


def on_its_bar(desk: ChartDesk, point: np.void, execution: object) -> None:
    """The marker sits at the fill's price on the bar whose span holds the fill's time."""
    times = desk.panel.feed.series.time
    index = int(point["x"])
    when = int(execution.time.astimezone(UTC).timestamp())  # type: ignore[attr-defined]
    assert times[index] <= when
    assert index == len(times) - 1 or when < times[index + 1]
    assert point["y"] == pytest.approx(execution.price)  # type: ignore[attr-defined]


async def test_right_click_opens_the_ticket_at_the_price(desk: ChartDesk) -> None:
    quote = await desk.quote()
    assert quote.last is not None
    box = desk.panel.view.price.view
    zoom_on(desk.panel, float(quote.last), 0.4)
    await click_at(desk.panel, box, Qt.MouseButton.RightButton)
    await wait_until(lambda: desk.panel.trading.menu is not None, 5, "no menu")
    menu = desk.panel.trading.menu
    assert menu is not None
    price = desk.panel.orders.snap(box.mapSceneToView(box.sceneBoundingRect().center()).y())
    texts = [a.text() for a in menu.actions()]
    assert texts == [
        f"{n} @ {price:.2f}" for n in ("Buy limit", "Sell limit", "Buy stop", "Sell stop")
    ]
    menu.actions()[3].trigger()
    ticket = desk.opener.ticket
    assert ticket is not None
    assert ticket.form.side is Side.SELL
    assert ticket.form.type.currentData() is OrderType.STP
    assert ticket.form.aux.decimal() == price
    assert desk.tap.count(wire.PLACE_ORDER) == 0  # the ticket sends, after its review
    menu.close()


async def test_read_only_blocks_a_drag_with_nothing_sent(
    qapp: QApplication, session: BrokerSession, sim_gateway: SimulatedGateway, sim_ib: IB
) -> None:
    aapl = await qualified(sim_ib, AAPL)
    elsewhere = sim_ib.placeOrder(aapl, LimitOrder("BUY", 7, 100.00, tif="GTC"))
    await wait_until(lambda: elsewhere.orderStatus.status == "Submitted")
    async with chart_desk(session, sim_gateway, read_only=True) as desk:
        line = await desk.line_at("limit", Decimal("100.00"))
        zoom_on(desk.panel, 100.0, 0.4)
        await drag(desk.panel, 100.0, 100.2)
        assert "Read-only" in desk.panel.trading.notice.text()
        assert line.price == 100.0
        assert desk.tap.count(wire.PLACE_ORDER) == 0
