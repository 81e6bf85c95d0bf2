"""The ladder's right-click menu against the simulated gateway: every entry goes through the
order service and asks first with one-click off, counted on the wire."""

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from tests.dom.conftest import TappedLadder
from tests.dom.driving import click
from tests.session import wiretap as wire
from tests.waiting import wait_until
from ui.dom.cells import Col
from ui.dom.panel import DomPanel


def _menu_at(panel: DomPanel, index: int) -> dict[str, QAction]:
    click(panel, Col.PRICE, index, Qt.MouseButton.RightButton)
    menu = panel.menu
    assert menu is not None and menu.isVisible()
    return {a.text(): a for a in menu.actions() if not a.isSeparator()}


def _send(panel: DomPanel) -> None:
    assert panel.confirm_bar.isVisibleTo(panel), panel.notice.text()
    panel.confirm_bar.send.click()


@pytest.mark.asyncio
async def test_menu_entries_place_cancel_and_flatten_through_the_service(
    tapped: TappedLadder,
) -> None:
    panel, tap = tapped.panel, tapped.tap
    feed = panel.feed
    assert feed is not None and feed.book.best_bid is not None
    index = feed.book.best_bid - 6
    price = feed.grid.text(index)
    name = feed.contract.localSymbol
    actions = _menu_at(panel, index)
    assert list(actions) == [
        "Cancel orders at this price",
        f"Cancel all for {name}",
        f"Flatten {name}",
        f"Buy limit at {price}",
        f"Buy stop at {price}",
        f"Sell limit at {price}",
        f"Sell stop at {price}",
    ]
    assert not actions["Cancel orders at this price"].isEnabled()  # nothing works there yet
    actions[f"Buy limit at {price}"].trigger()
    assert tap.count(wire.PLACE_ORDER) == 0  # one-click off: it asks first
    _send(panel)
    await wait_until(lambda: feed.buy_orders.get(index) == 1, 10, "the buy limit never worked")
    [buy] = feed.working_at(index)
    assert (buy.order.action, buy.order.orderType) == ("BUY", "LMT")
    assert Decimal(repr(buy.order.lmtPrice)) == Decimal(price)

    actions = _menu_at(panel, index)
    assert actions["Cancel orders at this price"].isEnabled()
    actions["Cancel orders at this price"].trigger()
    await wait_until(lambda: buy.orderStatus.status == "Cancelled", 10)
    assert tap.count(wire.CANCEL_ORDER) == 1

    _menu_at(panel, index)[f"Sell stop at {price}"].trigger()
    _send(panel)
    await wait_until(lambda: feed.sell_orders.get(index) == 1, 10, "the sell stop never worked")
    [stop] = feed.working_at(index)
    assert (stop.order.action, stop.order.orderType) == ("SELL", "STP")
    _menu_at(panel, index)[f"Cancel all for {name}"].trigger()
    await wait_until(lambda: stop.orderStatus.status == "Cancelled", 10)
    assert tap.count(wire.PLACE_ORDER) == tap.count(wire.CANCEL_ORDER) == 2

    _menu_at(panel, index)[f"Flatten {name}"].trigger()  # flat: nothing to send, and it says so
    assert panel.notice.text() == "No position to flatten"
    assert tap.count(wire.PLACE_ORDER) == 2
