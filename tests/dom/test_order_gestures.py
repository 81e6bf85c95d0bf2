"""Working orders on the ladder against the simulated gateway, counted on the wire: a drag to
another row is exactly one modify at the snapped price, sent on release, with the ladder held
still under the pressed mouse; the × is one cancel; a read-only connection refuses a drag."""

from decimal import Decimal

import pytest
from ib_async import IB, LimitOrder, Trade
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from terminal_app.session import BrokerSession
from terminal_app.simulator.gateway import SimulatedGateway
from tests.dom.conftest import ES, TappedLadder, tapped_ladder
from tests.dom.driving import bring_on_screen, click, point
from tests.session import wiretap as wire
from tests.sim_fixtures import qualified
from tests.waiting import wait_until
from ui.dom.cells import Col
from ui.dom.panel import DomPanel

LEFT, NO_KEY = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def _working(panel: DomPanel) -> list[Trade]:
    assert panel.feed is not None
    return panel.feed.working_at(None)


async def _rest_a_buy(panel: DomPanel, ticks_below: int) -> tuple[Trade, int]:
    """A one-click buy limit resting `ticks_below` the bid, acknowledged by the gateway."""
    feed = panel.feed
    assert feed is not None and feed.book.best_bid is not None
    index = feed.book.best_bid - ticks_below
    panel.order_bar.one_click.setChecked(True)
    click(panel, Col.BID, index)
    if panel.confirm_bar.isVisibleTo(panel):  # a precaution still asks in one-click mode
        panel.confirm_bar.send.click()
    await wait_until(lambda: len(_working(panel)) == 1, 10, "the buy never worked")
    [trade] = _working(panel)
    await wait_until(lambda: trade.orderStatus.status == "Submitted", 10)
    await wait_until(lambda: feed.buy_orders.get(index) == 1, 5)
    return trade, index


def _gateway_limits(gateway: SimulatedGateway) -> list[Decimal]:
    return [Decimal(repr(opened.order.lmtPrice)) for opened, _ in gateway.engine.open_orders()]


@pytest.mark.asyncio
async def test_a_drag_sends_one_modify_on_release_at_the_snapped_price(
    tapped: TappedLadder,
) -> None:
    panel, tap = tapped.panel, tapped.tap
    feed = panel.feed
    assert feed is not None
    trade, source = await _rest_a_buy(panel, 8)
    placed = tap.count(wire.PLACE_ORDER)
    target = source - 3
    ladder = panel.ladder
    bring_on_screen(panel, source)  # the inside market is 8 ticks up: outside the middle band
    centre = ladder.window_.centre
    QTest.mousePress(
        ladder,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        point(panel, Col.BUYS, source),
    )
    painted: list[int] = []
    ladder.rowPainted.connect(painted.append)
    for index in (source - 1, source - 2, target):
        QTest.mouseMove(ladder, point(panel, Col.BUYS, index))
    await wait_until(lambda: target in painted, 5, "the drop row was never marked")
    assert ladder._content(feed, target)[1][4]  # the drop mark
    await wait_until(lambda: len(painted) > 20 or feed.book.best_bid is None, 3)
    assert ladder.window_.centre == centre  # frames ran; the ladder held still under the mouse
    assert tap.count(wire.PLACE_ORDER) == placed  # nothing sent while dragging
    QTest.mouseRelease(
        ladder,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        point(panel, Col.BUYS, target),
    )
    if panel.confirm_bar.isVisibleTo(panel):  # a precaution (order value) still asks
        assert "above the maximum order value" in panel.confirm_bar.text.text()
        panel.confirm_bar.send.click()
    moved = feed.grid.value(target)
    await wait_until(lambda: _gateway_limits(tapped.gateway) == [moved], 10, "no modify arrived")
    assert tap.count(wire.PLACE_ORDER) == placed + 1
    assert trade.order.orderId == _working(panel)[0].order.orderId  # the same order, moved
    await wait_until(lambda: feed.buy_orders.get(target) == 1 and source not in feed.buy_orders)
    assert not ladder._content(feed, target)[1][4]  # the drop mark is gone


@pytest.mark.asyncio
async def test_a_drag_asks_first_with_one_click_off_and_back_to_its_row_is_nothing(
    tapped: TappedLadder,
) -> None:
    panel, tap = tapped.panel, tapped.tap
    trade, source = await _rest_a_buy(panel, 10)
    panel.order_bar.one_click.setChecked(False)
    placed = tap.count(wire.PLACE_ORDER)
    ladder = panel.ladder
    bring_on_screen(panel, source)
    press = point(panel, Col.BUYS, source)
    QTest.mousePress(ladder, LEFT, NO_KEY, press)
    QTest.mouseMove(ladder, point(panel, Col.BUYS, source + 2))
    QTest.mouseMove(ladder, press)
    QTest.mouseRelease(ladder, LEFT, NO_KEY, press)
    assert panel.trading.pending == [] and not panel.confirm_bar.isVisibleTo(panel)
    QTest.mousePress(ladder, LEFT, NO_KEY, press)
    target = point(panel, Col.BUYS, source + 2)
    QTest.mouseMove(ladder, target)
    QTest.mouseRelease(ladder, LEFT, NO_KEY, target)
    assert panel.confirm_bar.isVisibleTo(panel)
    assert f"Modify order {trade.order.orderId}" in panel.confirm_bar.text.text()
    [pending] = panel.trading.pending
    assert panel.feed is not None and pending.trade is trade
    assert pending.intent.limit_price == panel.feed.grid.value(source + 2)
    assert tap.count(wire.PLACE_ORDER) == placed
    panel.confirm_bar.send.click()
    await wait_until(lambda: tap.count(wire.PLACE_ORDER) == placed + 1, 10)


@pytest.mark.asyncio
async def test_the_glyph_cancels_that_order_with_one_cancel(tapped: TappedLadder) -> None:
    panel, tap = tapped.panel, tapped.tap
    trade, index = await _rest_a_buy(panel, 6)
    click(panel, Col.BUYS, index, glyph=True)
    await wait_until(lambda: trade.orderStatus.status == "Cancelled", 10, "× did not cancel")
    assert tap.count(wire.CANCEL_ORDER) == 1
    assert tap.count(wire.PLACE_ORDER) == 1  # the ×'s click placed nothing


@pytest.mark.asyncio
async def test_read_only_refuses_a_drag_with_the_reason(
    session: BrokerSession, sim_gateway: SimulatedGateway, sim_ib: IB
) -> None:
    es = await qualified(sim_ib, ES)
    elsewhere = sim_ib.placeOrder(es, LimitOrder("BUY", 1, 1000.0))  # by another client, before
    await wait_until(lambda: elsewhere.orderStatus.status == "Submitted", 10)
    try:
        async with tapped_ladder(session, sim_gateway, read_only=True) as ladder:
            panel, tap = ladder.panel, ladder.tap
            feed = panel.feed
            assert feed is not None
            index = feed.grid.index(1000.0)
            await wait_until(lambda: feed.buy_orders.get(index) == 1, 10, "the order never showed")
            bring_on_screen(panel, index)
            start, end = point(panel, Col.BUYS, index), point(panel, Col.BUYS, index - 2)
            QTest.mousePress(panel.ladder, LEFT, NO_KEY, start)
            QTest.mouseMove(panel.ladder, end)
            QTest.mouseRelease(panel.ladder, LEFT, NO_KEY, end)
            assert panel.notice.isVisibleTo(panel)
            assert panel.notice.text() == "Read-only connection: orders are disabled"
            assert not panel.confirm_bar.isVisibleTo(panel)
            click(panel, Col.BUYS, index, glyph=True)  # nor does the × cancel
            assert tap.count(wire.PLACE_ORDER) == tap.count(wire.CANCEL_ORDER) == 0
    finally:
        sim_ib.cancelOrder(elsewhere.order)
