"""Read-only mode cannot be bypassed: every way a panel or hotkey can send, modify or cancel an
order is tried on a read-only connection, through the widgets (clicks, keys, menus, buttons), and
the gateway must not receive a single order request from the terminal; each path says why.

The account has a working order and a position, placed by another API client, so that the
blotter, DOM and portfolio have something to modify, cancel and close. The chart has no order
lines yet (issue 16 keeps them for later), so it offers no order path to try.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from ib_async import LimitOrder, MarketOrder, Stock
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from terminal_app.simulator.gateway import SimulatedGateway
from tests.reliability.terminal_under_test import GatewayHost, Terminal, running_terminal
from tests.sim_fixtures import connected_ib, qualified
from tests.waiting import wait_until
from ui.blotter.panel import BlotterPanel
from ui.dom.cells import Col
from ui.order_ticket.panel import OrderTicketPanel
from ui.portfolio.panel import PortfolioPanel
from ui.watchlist.panel import WatchlistPanel

pytestmark = pytest.mark.asyncio
READ_ONLY = "Read-only connection: orders are disabled"
ORDER_REQUESTS = ("placeOrder", "cancelOrder", "reqGlobalCancel")
OTHER_CLIENT = 5


async def account_with_an_order_and_a_position(gateway: SimulatedGateway) -> None:
    async with connected_ib(gateway, client_id=OTHER_CLIENT) as ib:
        aapl = await qualified(ib, Stock("AAPL", "SMART", "USD"))
        [ticker] = await ib.reqTickersAsync(aapl)
        resting = ib.placeOrder(aapl, LimitOrder("BUY", 2, round(ticker.bid * 0.97, 2), tif="GTC"))
        bought = ib.placeOrder(aapl, MarketOrder("BUY", 10))
        await wait_until(
            lambda: (
                resting.orderStatus.status == "Submitted" and bought.orderStatus.status == "Filled"
            ),
            10,
        )


@pytest_asyncio.fixture
async def read_only(
    qapp: QApplication, tmp_path: Path, fault_gateway: GatewayHost
) -> AsyncIterator[Terminal]:
    await account_with_an_order_and_a_position(fault_gateway.gateway)
    async with running_terminal(tmp_path, fault_gateway, read_only=True) as term:
        await term.settle(lambda: bool(term.session.positions() and term.session.open_trades()))
        yield term


def order_requests(term: Terminal) -> int:
    return sum(term.count.names[name] for name in ORDER_REQUESTS)


def accept(box: QMessageBox) -> None:
    """Press the box's affirmative button, as the user would."""
    for role in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Ok):
        button = box.button(role)
        if button is not None:
            button.click()
            return
    raise AssertionError(f"no Yes/OK in {box.text()!r}")


async def test_no_panel_or_hotkey_sends_on_a_read_only_connection(read_only: Terminal) -> None:
    term, window = read_only, read_only.window
    sent_before = order_requests(term)
    assert not window.status.readonly_badge.isHidden()

    # DOM: a click (one-click off), a one-click click, the B / Shift+S keys, a right-click cancel.
    dom, bid = await term.ladder_and_bid()
    dom.ladder.cellClicked.emit(int(Col.BID), bid - 5, False)
    assert not dom.confirm_bar.isVisibleTo(dom)  # read-only is said before anything is asked
    assert READ_ONLY in dom.notice.text()
    dom.trading.one_click = True
    dom.notice.clear()
    dom.ladder.cellClicked.emit(int(Col.ASK), bid + 5, False)
    assert READ_ONLY in dom.notice.text()
    for key, modifier in (
        (Qt.Key.Key_B, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_S, Qt.KeyboardModifier.ShiftModifier),
    ):
        dom.notice.clear()
        QTest.keyClick(dom, key, modifier)
        assert READ_ONLY in dom.notice.text(), key
    assert dom.feed is not None and dom.feed.working_at(None), "no working order on the ladder"
    dom.notice.clear()
    dom.trading.cancel_all()
    assert READ_ONLY in dom.notice.text()

    # Ticket: its button, Enter, and the same through the watchlist's "Trade…".
    ticket = term.panel("order_ticket")
    assert isinstance(ticket, OrderTicketPanel)
    assert not ticket.submit_button.isEnabled()
    ticket.submit()
    assert READ_ONLY in ticket.status.text()
    ticket.status.clear()
    window.activateWindow()
    ticket.form.quantity.setFocus()
    QTest.keyClick(ticket.form.quantity, Qt.Key.Key_Return)
    assert READ_ONLY in ticket.status.text()
    watchlist = term.panel("watchlist")
    assert isinstance(watchlist, WatchlistPanel)
    tab = watchlist.lists()[0]
    menu = watchlist.row_menu(tab, tab.model.index(0, 0))
    [trade] = [a for a in menu.actions() if a.text() == "Trade…"]
    trade.trigger()
    ticket.status.clear()
    ticket.submit()
    assert READ_ONLY in ticket.status.text()

    # Blotter: modify (the ticket, pre-filled), cancel, cancel all, global cancel.
    blotter = term.panel("blotter")
    assert isinstance(blotter, BlotterPanel)
    await wait_until(lambda: blotter.working.rowCount() >= 1, 10)
    blotter.working_view.selectRow(0)
    blotter.modify_selected()
    assert ticket.modifying is not None
    ticket.status.clear()
    ticket.submit()
    assert READ_ONLY in ticket.status.text()
    for action in (blotter.cancel_selected, blotter.cancel_all):
        blotter.status.clear()
        action()
        assert READ_ONLY in blotter.status.text(), action
    blotter.confirm_global_cancel()
    blotter.status.clear()
    accept(blotter.global_box)
    assert READ_ONLY in blotter.status.text()

    # Portfolio: close the position, flatten, cancel all + flatten.
    portfolio = term.panel("portfolio")
    assert isinstance(portfolio, PortfolioPanel)
    [holding] = [r.holding for r in portfolio.model.holding_rows() if r.holding is not None]
    for act in (
        lambda: portfolio.close_position(holding),
        lambda: portfolio.flatten(cancel_all=False),
        lambda: portfolio.flatten(cancel_all=True),
    ):
        before = len(term.session.messages)
        act()
        assert portfolio.confirmation is not None
        accept(portfolio.confirmation)
        said = [m.text for m in list(term.session.messages)[before:]]
        assert any(READ_ONLY in text for text in said), said

    # Orders menu: Ctrl+Shift+X is disabled; triggered anyway, the gate still holds.
    assert not window.cancel_all_action.isEnabled()
    window.cancel_all_action.setEnabled(True)
    window.cancel_all_action.trigger()
    before = len(term.session.messages)
    accept(window.cancel_all_box)
    assert any(READ_ONLY in m.text for m in list(term.session.messages)[before:])

    assert await term.session.server_time()  # a round trip: all sent before it has arrived
    assert order_requests(term) == sent_before
