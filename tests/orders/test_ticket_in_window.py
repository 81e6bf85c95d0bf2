"""The ticket among the other panels: "Trade…" on a watchlist row opens it on that contract, or
brings back the one already showing it."""

import pytest

from tests.waiting import wait_until
from tests.workspace.test_panel_actions import _entry, _menu, _watchlist, window  # noqa: F401
from ui.main_window import MainWindow
from ui.order_ticket.panel import OrderTicketPanel


@pytest.mark.asyncio
async def test_trade_on_a_row_opens_the_ticket_on_its_contract(window: MainWindow) -> None:  # noqa: F811
    watchlist = await _watchlist(window, "AAPL MSFT")
    _entry(_menu(watchlist, 1), "Trade…").trigger()
    (dock,) = window.docks.docks("order_ticket")
    ticket = dock.widget()
    assert isinstance(ticket, OrderTicketPanel)
    msft = watchlist.lists()[0].model.row(1).contract
    assert ticket.shown_contract() is msft and ticket.symbol.text() == "MSFT"
    await wait_until(lambda: ticket.form.limit.decimal() is not None, message="no pre-fill")
    _entry(_menu(watchlist, 1), "Trade…").trigger()
    assert window.docks.docks("order_ticket") == [dock]
