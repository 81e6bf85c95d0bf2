"""Click-trading from the ladder against the simulated gateway: each column's click makes the
right order through the order service, one-click off asks first, the × and "Cancel all"
cancel, and a marketable click fills and moves the position shown."""

from decimal import Decimal

import pytest
from ib_async import Trade
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.dom.driving import click
from tests.waiting import wait_until
from ui.dom.cells import Col
from ui.dom.panel import DomPanel


def _working(panel: DomPanel) -> list[Trade]:
    assert panel.feed is not None
    return panel.feed.working_at(None)


@pytest.mark.asyncio
async def test_clicks_in_each_column_place_and_cancel_the_right_orders(
    es_panel: DomPanel,
) -> None:
    panel = es_panel
    feed = panel.feed
    assert feed is not None
    below = (feed.book.best_bid or 0) - 8
    click(panel, Col.BID, below)
    assert panel.confirm_bar.isVisibleTo(panel) and "BUY" in panel.confirm_bar.text.text()
    assert _working(panel) == []  # one-click off: nothing sent before Send
    panel.confirm_bar.send.click()
    await wait_until(lambda: len(_working(panel)) == 1, 10, "the buy never worked")
    (buy,) = _working(panel)
    assert (buy.order.action, buy.order.orderType) == ("BUY", "LMT")
    assert Decimal(str(buy.order.lmtPrice)) == Decimal(feed.grid.text(below))
    assert buy.order.totalQuantity == 1
    await wait_until(lambda: feed.buy_orders.get(below) == 1, 5)
    assert panel.ladder._content(feed, below)[0][Col.BUYS].startswith("1 (")  # queue estimate

    click(panel, Col.BUYS, below, glyph=True)  # the order's ×
    await wait_until(lambda: _working(panel) == [], 10, "the × did not cancel")

    panel.order_bar.one_click.setChecked(True)
    assert panel.order_bar.one_click.text() == "ONE-CLICK ON"
    panel.order_bar.preset(3)  # 5 lots
    click(panel, Col.ASK, below, modifier=Qt.KeyboardModifier.ControlModifier)
    if panel.confirm_bar.isVisibleTo(panel):  # a precaution still asks in one-click mode
        panel.confirm_bar.send.click()
    await wait_until(lambda: len(_working(panel)) == 1, 10, "the sell stop never worked")
    (stop,) = _working(panel)
    assert (stop.order.action, stop.order.orderType, stop.order.totalQuantity) == ("SELL", "STP", 5)
    assert Decimal(str(stop.order.auxPrice)) == Decimal(feed.grid.text(below))
    panel.order_bar.cancel_all.click()
    await wait_until(lambda: _working(panel) == [], 10, "Cancel all left orders working")


@pytest.mark.asyncio
async def test_keys_buy_at_the_bid_and_sell_at_market_after_asking(es_panel: DomPanel) -> None:
    panel = es_panel
    feed = panel.feed
    assert feed is not None
    QTest.keyClick(panel.ladder, Qt.Key.Key_B)
    assert panel.confirm_bar.isVisibleTo(panel) and len(panel.trading.pending) == 1
    pending = panel.trading.pending[0].intent
    assert (pending.side.value, pending.order_type.value) == ("BUY", "LMT")
    assert pending.limit_price == Decimal(feed.grid.text(feed.book.best_bid or 0))
    QTest.keyClick(panel.ladder, Qt.Key.Key_Escape)  # dropped: nothing sent
    assert not panel.confirm_bar.isVisibleTo(panel) and panel.trading.pending == []
    QTest.keyClick(panel.ladder, Qt.Key.Key_S, Qt.KeyboardModifier.ShiftModifier)
    [waiting] = panel.trading.pending
    pending = waiting.intent
    assert (pending.side.value, pending.order_type.value) == ("SELL", "MKT")
    panel.confirm_bar.cancel.click()
    assert _working(panel) == []  # "Don't send" sent nothing


@pytest.mark.asyncio
async def test_a_marketable_click_fills_and_the_position_shows(es_panel: DomPanel) -> None:
    panel = es_panel
    feed = panel.feed
    assert feed is not None
    start = feed.position
    panel.order_bar.one_click.setChecked(True)
    click(panel, Col.BID, (feed.book.best_ask or 0) + 2)  # a buy limit through the ask
    if panel.confirm_bar.isVisibleTo(panel):
        panel.confirm_bar.send.click()
    await wait_until(lambda: feed.position == start + 1, 15, "the click order never filled")
    await wait_until(lambda: f"position {start + 1}" in panel._header.text(), 5)
    assert "@" in panel._header.text()  # average price
    panel.order_bar.flatten.click()
    if panel.confirm_bar.isVisibleTo(panel):
        panel.confirm_bar.send.click()
    await wait_until(lambda: feed.position == 0, 15, "flatten did not close the position")
    assert not panel.notice.isVisibleTo(panel)
    panel.order_bar.flatten.click()  # flat: nothing to send, and it says so
    assert panel.notice.isVisibleTo(panel) and panel.notice.text() == "No position to flatten"
    assert not panel.confirm_bar.isVisibleTo(panel)
