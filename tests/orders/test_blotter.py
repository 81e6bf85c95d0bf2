"""The blotter end to end against the simulated gateway: its rows follow the order book
(working, completed, executions with commissions, bracket children under their parent, IB's
codes in the row) and its cancel, cancel all, global cancel and modify (through the ticket)
reach the gateway through the order service."""

from collections.abc import AsyncIterator
from dataclasses import replace
from decimal import Decimal

import pytest
import pytest_asyncio
from ib_async import Trade
from PySide6.QtWidgets import QMessageBox

from terminal_app.orders.intent import Bracket, Level, OffsetUnit, OrderIntent, OrderType, Side, Tif
from terminal_app.orders.prices import Quote
from terminal_app.orders.states import State
from terminal_app.session import OrderRefused
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from tests.orders.conftest import Desk
from tests.panel_hosting import dispose
from tests.ticket_opener import TicketOpener
from tests.waiting import wait_until
from ui.blotter.columns import CHILD_MARK, ORDER_COLUMNS
from ui.blotter.model import OrderRows
from ui.blotter.panel import BlotterPanel
from ui.live_table.model import LiveTableModel
from ui.order_ticket.panel import OrderTicketPanel
from ui.panel import PanelContext

_COLUMN = {c.key: i for i, c in enumerate(ORDER_COLUMNS)}


@pytest_asyncio.fixture
async def blotter(desk: Desk) -> AsyncIterator[tuple[BlotterPanel, TicketOpener]]:
    opener = TicketOpener()
    ctx = PanelContext(desk.session, LinkGroups(), TaskOwner("blotter-test"), opener=opener)
    opener.context = ctx
    panel = BlotterPanel(ctx)
    panel.resize(900, 400)
    panel.show()
    yield panel, opener
    dispose(panel)
    if opener.ticket is not None:
        dispose(opener.ticket)


def cell(model: LiveTableModel, row: int, key: str) -> str:
    return str(model.data(model.index(row, _COLUMN[key])))


def row_of(model: OrderRows, trade: Trade) -> int:
    ids = [model.record_at(r).trade.order.orderId for r in range(model.rowCount())]
    return ids.index(trade.order.orderId) if trade.order.orderId in ids else -1


def shows(model: OrderRows, trade: Trade, key: str, text: str) -> bool:
    row = row_of(model, trade)
    return row >= 0 and cell(model, row, key) == text


def resting(desk: Desk, bid: Decimal, quantity: int = 5) -> OrderIntent:
    return OrderIntent(Side.BUY, Decimal(quantity), OrderType.LMT, limit_price=bid - 5)


async def modify_a_resting_order(
    desk: Desk, panel: BlotterPanel, opener: TicketOpener
) -> tuple[Quote, Trade, OrderTicketPanel]:
    """A buy resting below the bid, shown Submitted, opened for a modify from its row."""
    quote = await desk.live_quote()
    assert quote.bid is not None
    (order,) = desk.service.submit(desk.aapl, resting(desk, quote.bid), quote, confirmed=True)
    await wait_until(lambda: shows(panel.working, order, "status", "Submitted"))
    panel.working_view.selectRow(row_of(panel.working, order))
    panel.modify_selected()
    assert opener.ticket is not None
    return quote, order, opener.ticket


@pytest.mark.asyncio
async def test_blotter_rows_follow_orders_fills_and_brackets(
    desk: Desk, blotter: tuple[BlotterPanel, TicketOpener]
) -> None:
    panel, _ = blotter
    quote = await desk.live_quote()
    assert quote.bid is not None
    (waiting,) = desk.service.submit(desk.aapl, resting(desk, quote.bid), quote, confirmed=True)
    await wait_until(lambda: shows(panel.working, waiting, "status", "Submitted"))
    (taking,) = desk.service.submit(
        desk.aapl, OrderIntent(Side.BUY, Decimal(3), OrderType.MKT), quote, confirmed=True
    )
    await wait_until(lambda: shows(panel.completed, taking, "status", "Filled"))
    assert row_of(panel.working, taking) == -1  # handed from working to completed
    assert cell(panel.completed, row_of(panel.completed, taking), "filled") == "3"
    # The execution, with its commission once the report came in.
    fills = panel.fills
    await wait_until(lambda: fills.rowCount() >= 1 and str(fills.data(fills.index(0, 6))) != "")
    assert str(fills.data(fills.index(0, 3))) == "3"
    # A bracket resting below the market: the children stand indented under their parent.
    bracket = OrderIntent(
        Side.BUY,
        Decimal(2),
        OrderType.LMT,
        limit_price=quote.bid - 6,
        bracket=Bracket(Level(Decimal(20), OffsetUnit.TICKS), Level(Decimal(20), OffsetUnit.TICKS)),
    )
    parent, target, stop = desk.service.submit(desk.aapl, bracket, quote, confirmed=True)
    await wait_until(lambda: all(row_of(panel.working, t) >= 0 for t in (parent, target, stop)))
    rows = [row_of(panel.working, t) for t in (parent, target, stop)]
    assert rows == [rows[0], rows[0] + 1, rows[0] + 2]
    assert cell(panel.working, rows[1], "symbol") == CHILD_MARK + "AAPL"
    assert cell(panel.working, rows[0], "symbol") == "AAPL"
    # The status history of the selected order, with every transition.
    panel.working_view.selectRow(row_of(panel.working, waiting))
    assert "Submitted" in panel.details.toPlainText()
    assert f"Order {waiting.order.orderId}" in panel.details.toPlainText()


@pytest.mark.asyncio
async def test_cancel_and_modify_from_the_blotter(
    desk: Desk, blotter: tuple[BlotterPanel, TicketOpener]
) -> None:
    panel, opener = blotter
    # Modify: the ticket opens pre-filled with the order; Submit sends the same orderId.
    quote, order, ticket = await modify_a_resting_order(desk, panel, opener)
    assert quote.bid is not None and ticket.modifying is order
    assert ticket.form.limit.decimal() == Decimal(repr(order.order.lmtPrice))
    assert ticket.form.quantity.decimal() == 5
    assert ticket.submit_button.text().startswith(f"Modify #{order.order.orderId}")
    new_price = quote.bid - 4
    ticket.form.limit.set_decimal(new_price)
    ticket.form.quantity.set_decimal(Decimal(7))
    sent: list[list[Trade]] = []
    ticket.sent.connect(sent.append)
    ticket.submit()
    dialog = ticket._dialog
    assert dialog is not None and dialog.isVisible()
    dialog.accept()
    await wait_until(lambda: sent)
    assert sent[0][0] is order  # ib_async's own Trade: a modification, not a new order
    await wait_until(lambda: shows(panel.working, order, "quantity", "7"))
    assert Decimal(repr(order.order.lmtPrice)) == new_price
    assert len(panel.working.rows()) == 1
    assert ticket.modifying is None and not ticket.submit_button.text().startswith("Modify")
    # Cancel the selected row: it moves to the completed table with IB's reason.
    panel.working_view.selectRow(row_of(panel.working, order))
    panel.cancel_selected()
    await wait_until(lambda: shows(panel.completed, order, "status", "Cancelled"))
    record = desk.service.book.record(order)
    assert record is not None and record.state is State.CANCELLED
    assert panel.working.rowCount() == 0
    assert cell(panel.completed, row_of(panel.completed, order), "message").startswith("202: ")
    # Cancel all: every working order of this client.
    two = [
        desk.service.submit(desk.aapl, resting(desk, quote.bid, n), quote, confirmed=True)[0]
        for n in (1, 2)
    ]
    await wait_until(lambda: panel.working.rowCount() == 2)
    panel.cancel_all()
    await wait_until(lambda: all(shows(panel.completed, t, "status", "Cancelled") for t in two))
    # Global cancel, behind its (non-blocking) confirmation.
    (last,) = desk.service.submit(desk.aapl, resting(desk, quote.bid), quote, confirmed=True)
    await wait_until(lambda: shows(panel.working, last, "status", "Submitted"))
    panel.confirm_global_cancel()
    box = panel.global_box
    assert box.isVisible() and last.orderStatus.status == "Submitted"
    box.button(QMessageBox.StandardButton.Yes).click()
    await wait_until(lambda: shows(panel.completed, last, "status", "Cancelled"))
    assert panel.status.text() == "Global cancel sent."


@pytest.mark.asyncio
async def test_a_modify_is_validated_like_a_new_order(
    desk: Desk, blotter: tuple[BlotterPanel, TicketOpener]
) -> None:
    panel, opener = blotter
    quote, order, ticket = await modify_a_resting_order(desk, panel, opener)
    assert quote.bid is not None
    form = ticket.form
    form.tif.setCurrentIndex(form.tif.findData(Tif.OPG))
    form.type.setCurrentIndex(form.type.findData(OrderType.STP))
    form.aux.set_decimal(quote.bid + 5)
    ticket.submit()
    assert ticket._dialog is None or not ticket._dialog.isVisible()
    assert "OPG" in ticket.status.text() and ticket.status.text().startswith("Not sent")
    off_tick = resting(desk, quote.bid + Decimal("0.003"))
    with pytest.raises(OrderRefused, match="tick"):
        desk.service.modify(order, off_tick, quote, confirmed=True)
    with pytest.raises(OrderRefused, match="one order"):
        bracket = Bracket(Level(Decimal(20), OffsetUnit.TICKS))
        desk.service.modify(order, replace(resting(desk, quote.bid), bracket=bracket), quote)
    assert Decimal(repr(order.order.lmtPrice)) == quote.bid - 5  # nothing reached IB
    assert order.order.orderType == "LMT"
