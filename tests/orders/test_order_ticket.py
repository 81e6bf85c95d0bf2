"""The order ticket as a user drives it, on a session connected to the simulated gateway: keys,
confirmation, validation sentences next to the fields, read-only blocking, presets."""

import contextlib
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
import pytest_asyncio
from ib_async import Trade
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from terminal_app.orders.intent import OffsetUnit, OrderType
from terminal_app.orders.states import State
from terminal_app.session import BrokerSession
from terminal_app.simulator.gateway import SimulatedGateway
from tests.orders.conftest import Desk, open_desk
from tests.panel_hosting import hosted_panel
from tests.session import wiretap as wire
from tests.session.wiretap import WireTap
from tests.waiting import wait_until
from ui.order_ticket.confirm import ConfirmDialog
from ui.order_ticket.panel import OrderTicketPanel

TICKET_SIZE = (460, 720)


@contextlib.asynccontextmanager
async def _shown_ticket(session: BrokerSession) -> AsyncIterator[OrderTicketPanel]:
    async with hosted_panel(OrderTicketPanel, session, TICKET_SIZE) as panel:
        panel.activateWindow()  # shortcuts (Enter, Esc) go to the active window's focus widget
        await wait_until(panel.isActiveWindow, message="the ticket never became the active window")
        yield panel


@pytest_asyncio.fixture
async def ticket(desk: Desk) -> AsyncIterator[OrderTicketPanel]:
    async with _shown_ticket(desk.session) as panel:
        panel.show_contract(desk.aapl)
        await wait_until(lambda: panel.form.limit.decimal() is not None, message="no pre-fill")
        yield panel


def _confirm(panel: OrderTicketPanel) -> ConfirmDialog:
    dialog = panel._dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


@pytest.mark.asyncio
async def test_a_bracket_from_the_ticket_fills_and_activates_its_children(
    desk: Desk, ticket: OrderTicketPanel, qtbot: QtBot
) -> None:
    form = ticket.form
    form.type.setCurrentIndex(form.type.findData(OrderType.MKT))
    form.quantity.set_decimal(Decimal(20))
    form.bracket.setChecked(True)
    form.bracket.take_profit.set_level_text("30", OffsetUnit.TICKS)
    form.bracket.stop_loss.set_level_text("1", OffsetUnit.PERCENT)
    sent: list[list[Trade]] = []
    ticket.sent.connect(sent.append)
    form.quantity.setFocus()
    qtbot.keyClick(form.quantity, Qt.Key.Key_Tab)  # field to field, the preset buttons skipped
    assert form.type.hasFocus()
    form.quantity.setFocus()
    qtbot.keyClick(form.quantity, Qt.Key.Key_Return)  # Enter submits, after the confirmation
    dialog = _confirm(ticket)
    assert dialog.summary.text().splitlines()[0] == "BUY 20 AAPL MKT DAY"
    assert "SELL 20 AAPL LMT limit" in dialog.summary.text()
    await wait_until(dialog.isActiveWindow, message="the confirmation never became active")
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter again: Send
    await wait_until(lambda: sent)
    parent, target, stop = sent[0]
    await wait_until(lambda: parent.orderStatus.status == "Filled")
    working = {"PreSubmitted", "Submitted"}  # the stop waits for its trigger as PreSubmitted
    await wait_until(lambda: {target.orderStatus.status, stop.orderStatus.status} <= working)
    book = ticket.service.book.book(desk.aapl.conId)
    await wait_until(lambda: book.position == 20)
    assert sorted(r.order_id for r in book.working()) == [target.order.orderId, stop.order.orderId]
    assert ticket.status.text().startswith("Sent: BUY 20 AAPL MKT")


@pytest.mark.asyncio
async def test_bad_input_is_said_next_to_its_field_and_nothing_is_sent(
    desk: Desk, ticket: OrderTicketPanel, qtbot: QtBot
) -> None:
    before = desk.tap.count(wire.PLACE_ORDER)
    form = ticket.form
    form.quantity.setFocus()
    form.quantity.lineEdit().setText("0")
    qtbot.keyClick(form.quantity, Qt.Key.Key_Return)
    assert ticket._dialog is None
    assert form.hints["quantity"].isVisible()
    assert form.hints["quantity"].text() == "Quantity must be more than 0"
    form.quantity.set_decimal(Decimal(5))
    form.bracket.setChecked(True)
    limit = form.limit.decimal()
    assert limit is not None
    form.bracket.take_profit.set_level_text(str(limit - 1), OffsetUnit.PRICE)
    assert form.bracket.hints["take_profit"].text() == (
        f"Take-profit {limit - 1} must be above the entry {limit} for a buy"
    )
    ticket.submit()
    assert ticket._dialog is None and ticket.status.text().startswith("Not sent: Take-profit")
    qtbot.keyClick(form.quantity, Qt.Key.Key_Escape)
    assert not form.bracket.isChecked() and not form.bracket.hints["take_profit"].isVisible()
    assert ticket.status.text() == "" and form.limit.decimal() is not None  # pre-filled again
    assert desk.tap.count(wire.PLACE_ORDER) == before


@pytest.mark.asyncio
async def test_above_a_precaution_the_confirmation_states_the_numbers(
    desk: Desk, ticket: OrderTicketPanel, qtbot: QtBot
) -> None:
    ticket.form.quantity.set_decimal(Decimal(5000))
    ticket.submit()
    dialog = _confirm(ticket)
    assert "Quantity 5,000 is above the maximum order size 1,000" in dialog.reasons.text()
    dialog.reject()
    assert desk.session.open_trades() == []


@pytest.mark.asyncio
async def test_read_only_ticket_shows_the_reason_and_sends_nothing(
    session: BrokerSession, sim_gateway: SimulatedGateway, qtbot: QtBot
) -> None:
    async with WireTap(sim_gateway.port) as tap:
        desk = await open_desk(session, tap, read_only=True)
        try:
            async with _shown_ticket(session) as panel:
                panel.show_contract(desk.aapl)
                await wait_until(lambda: panel.form.limit.decimal() is not None)
                reason = "Read-only connection: orders are disabled"
                assert not panel.submit_button.isEnabled()
                assert panel.submit_button.toolTip() == reason
                panel.form.quantity.setFocus()
                qtbot.keyClick(panel.form.quantity, Qt.Key.Key_Return)
                assert panel.status.text() == reason and panel._dialog is None
                panel.stage_current()
                panel.stage_current()
                panel._send_group(1)
                assert panel.status.text() == f"Not sent: {reason}"
                assert tap.count(wire.PLACE_ORDER) == 0
        finally:
            desk.handle.release()
            await session.close_connection()


@pytest.mark.asyncio
async def test_presets_keep_everything_but_prices(
    ticket: OrderTicketPanel, qapp: QApplication
) -> None:
    form = ticket.form
    form.sell.setChecked(True)
    form.quantity.set_decimal(Decimal(250))
    form.type.setCurrentIndex(form.type.findData(OrderType.STP))
    form.bracket.setChecked(True)
    form.bracket.take_profit.set_level_text("12", OffsetUnit.TICKS)
    ticket.presets.save_as("Scalp")
    form.buy.setChecked(True)
    form.quantity.set_decimal(Decimal(1))
    form.bracket.setChecked(False)
    ticket.presets.choose("Scalp")
    assert (form.side.value, form.quantity.decimal()) == ("SELL", Decimal(250))
    assert form.type.currentData() is OrderType.STP
    level = form.bracket.take_profit.level()
    assert form.bracket.isChecked() and level is not None and level.value == 12
    assert "Scalp" in ticket.service.settings.presets


@pytest.mark.asyncio
async def test_an_order_state_change_reaches_the_book_with_its_reason(
    desk: Desk, ticket: OrderTicketPanel
) -> None:
    form = ticket.form
    limit = form.limit.decimal()
    assert limit is not None
    form.limit.set_decimal(limit - 2)  # rests
    ticket.service.settings.confirm_orders = False
    try:
        sent: list[list[Trade]] = []
        ticket.sent.connect(sent.append)
        ticket.submit()
        [trade] = sent[0]
        await wait_until(lambda: trade.orderStatus.status == "Submitted")
        ticket.service.cancel(trade)
        record = ticket.service.book.record(trade)
        assert record is not None
        await wait_until(lambda: record.state is State.CANCELLED and record.history[-1].code)
        assert record.history[-1].code == 202
    finally:
        ticket.service.settings.confirm_orders = True


@pytest.mark.asyncio
async def test_staged_orders_go_out_as_one_oca_group(
    desk: Desk, ticket: OrderTicketPanel, qtbot: QtBot
) -> None:
    form = ticket.form
    limit = form.limit.decimal()
    assert limit is not None
    for offset in (1, 2):
        form.limit.set_decimal(limit - offset)
        ticket.stage_current()
    assert ticket.staging.list.count() == 2 and ticket.staging.send.isEnabled()
    ticket.staging.oca_type.setCurrentIndex(ticket.staging.oca_type.findData(3))
    sent: list[list[Trade]] = []
    ticket.sent.connect(sent.append)
    ticket.staging.send.click()
    dialog = _confirm(ticket)
    assert dialog.summary.text().splitlines()[0] == "One OCA group, type 3:"
    dialog.accept()
    await wait_until(lambda: sent)
    first, second = sent[0]
    assert first.order.ocaGroup == second.order.ocaGroup != ""
    assert first.order.ocaType == second.order.ocaType == 3
    assert ticket.staging.list.count() == 0 and not ticket.staging.isVisible()
