"""Live-profile marking cannot be bypassed: on a profile marked live (real money), the LIVE badge
and the window title say so for as long as the connection lasts (a drop and reconnect included),
and every confirmation a panel or hotkey shows before an order goes out names the live account:
the ticket's (single orders and OCA groups), the DOM ladder's, the portfolio's close / flatten
and the global cancel's. Nothing is sent in this test: each confirmation is declined."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.reliability.terminal_under_test import (
    GatewayHost,
    Terminal,
    running_terminal,
    seed_account,
)
from tests.waiting import wait_until
from ui.dom.cells import Col
from ui.order_ticket.panel import OrderTicketPanel
from ui.portfolio.panel import PortfolioPanel

pytestmark = pytest.mark.asyncio
LIVE = "LIVE"


@pytest_asyncio.fixture
async def live(
    qapp: QApplication, tmp_path: Path, fault_gateway: GatewayHost
) -> AsyncIterator[Terminal]:
    async with running_terminal(tmp_path, fault_gateway, live=True) as term:
        yield term


def marked(term: Terminal) -> bool:
    window = term.window
    return not window.status.live_badge.isHidden() and LIVE in window.windowTitle()


async def test_every_confirmation_names_the_live_account(live: Terminal) -> None:
    term = live
    await seed_account(term)  # a position to close and a working order to cancel
    sent = len(term.count.orders)
    assert marked(term)

    ticket = term.panel("order_ticket")
    assert isinstance(ticket, OrderTicketPanel)
    await wait_until(lambda: ticket.form.limit.decimal() is not None, 10)
    ticket.submit()
    dialog = ticket._dialog
    assert dialog is not None and LIVE in dialog.live.text() and dialog.live.isVisibleTo(dialog)
    dialog.reject()
    ticket.stage_current()
    ticket.send_staged()
    assert ticket._dialog is not None and LIVE in ticket._dialog.live.text()
    ticket._dialog.reject()

    dom, bid = await term.ladder_and_bid()
    dom.ladder.cellClicked.emit(int(Col.BID), bid - 5, False)
    assert dom.confirm_bar.isVisibleTo(dom) and LIVE in dom.confirm_bar.text.text()
    dom.confirm_bar.cancel.click()

    portfolio = term.panel("portfolio")
    assert isinstance(portfolio, PortfolioPanel)
    await wait_until(lambda: portfolio.model.holding_rows(), 10)
    for cancel_all in (False, True):
        portfolio.flatten(cancel_all)
        box = portfolio.confirmation
        assert box is not None and LIVE in box.text(), box.text() if box else None
        box.reject()

    box = term.window.confirm_cancel_all()
    assert LIVE in box.text()
    button = box.button(QMessageBox.StandardButton.No)
    assert button is not None
    button.click()
    assert len(term.count.orders) == sent and not term.count.names["reqGlobalCancel"]

    # The marking outlives a drop: shown while reconnecting and once connected again.
    term.gateway.control.drop_clients()
    await wait_until(lambda: not term.session.is_connected, 5)
    assert marked(term)
    await term.wait_restored()
    assert marked(term)
