"""The account dock against the simulated gateway: key values per currency with BASE totals that
move after a fill, greyed STALE while disconnected."""

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
import pytest_asyncio
from PySide6.QtWidgets import QApplication

from terminal_app.orders.intent import OrderIntent, OrderType, Side
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from tests.orders.conftest import Desk
from tests.waiting import wait_until
from ui.account.panel import AccountPanel
from ui.live_table.model import LEVEL_SHIFT
from ui.panel import PanelContext


@pytest_asyncio.fixture
async def account(qapp: QApplication, desk: Desk) -> AsyncIterator[AccountPanel]:
    widget = AccountPanel(PanelContext(desk.session, LinkGroups(), TaskOwner("account-test")))
    widget.show()
    try:
        yield widget
    finally:
        widget.release_panel()
        widget.close()
        widget.deleteLater()


@pytest.mark.asyncio
async def test_values_update_after_a_fill_and_go_stale_when_disconnected(
    account: AccountPanel, desk: Desk
) -> None:
    model = account.model
    await wait_until(lambda: model.value("NetLiquidation", "USD") is not None, 10)
    items = {str(model.data(model.index(r, 1))) for r in range(model.rowCount())}
    assert {"Net liquidation", "Buying power", "Excess liquidity", "Cushion"} <= items
    assert model.value("CashBalance", "BASE") is not None  # the BASE total
    gross = model.value("GrossPositionValue", "USD")
    cash = model.value("CashBalance", "BASE")
    quote = await desk.live_quote()
    desk.service.submit(desk.aapl, OrderIntent(Side.BUY, Decimal(20), OrderType.MKT), quote, True)
    await wait_until(lambda: model.value("GrossPositionValue", "USD") != gross, 10)
    await wait_until(lambda: model.value("CashBalance", "BASE") != cash, 10)
    assert account.has_live_data() and not account.status.isVisibleTo(account)

    await desk.session.close_connection()
    await wait_until(lambda: model.stale, 5)
    assert "STALE" in account.status.text() and account.status.isVisibleTo(account)
    assert {c % LEVEL_SHIFT for c in model.cells(model.row(0))[1]} == {1}  # greyed
    assert not account.has_live_data()
