"""Bad input typed into the order ticket (issue 22), on a session connected to the simulated
gateway through a wire tap: every case ends in a sentence next to its field or in the status
line, or in the confirmation showing exactly what would be sent (never confirmed here), and no
placeOrder reaches the gateway.

Number fields are typed key by key, as a user types: the fields refuse keys that cannot be part
of a number, so what matters is that what the field then shows is what the ticket would send.
"""

import itertools
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from functools import partial

import pytest
import pytest_asyncio
from PySide6.QtCore import QDateTime, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from terminal_app.orders.intent import AlgoChoice, OffsetUnit, OrderType, Tif
from tests.orders.conftest import Desk
from tests.panel_hosting import hosted_panel
from tests.reliability.conftest_input import SIM_NOW, placed_so_far, tapped_desk, tried
from tests.waiting import wait_until
from ui.order_ticket.confirm import ConfirmDialog
from ui.order_ticket.panel import OrderTicketPanel
from ui.order_ticket.price_box import DecimalSpinBox

__all__ = ["tapped_desk"]  # the fixture, for pytest

pytestmark = pytest.mark.asyncio

#: What lands in a number field: words, signs, exponents, other scripts, separators, junk.
TYPED = ["abc", "NaN", "nan", "inf", "-inf", "Infinity", "-5", "-0", "0", "0.0", "00", "1e5"]
TYPED += ["1e400", "1,0,0", "1..5", "١٢٣", "五", "💥", "1/2", "--1", "0x10", "1_000", " ", "%"]
TYPED += ["$100", "99999999999999", "0.000001", "12abc", "abc12", "'; DROP TABLE", "+-+", "∞"]


@pytest_asyncio.fixture
async def ticket(tapped_desk: Desk) -> AsyncIterator[OrderTicketPanel]:
    async with hosted_panel(OrderTicketPanel, tapped_desk.session, (460, 720)) as panel:
        panel.show_contract(tapped_desk.aapl)
        await wait_until(lambda: panel.form.limit.decimal() is not None, message="no pre-fill")
        yield panel


def _outcome(ticket: OrderTicketPanel) -> str:
    """Submit as Enter does; 'refused' (a sentence shown, no confirmation), 'asks' (the
    confirmation lists the reasons), or 'confirm' (the plain confirmation). Dialogs are
    cancelled: nothing is ever sent from here."""
    ticket._dialog = None
    ticket.submit()
    dialog: ConfirmDialog | None = ticket._dialog
    if dialog is None:
        status = ticket.status.text()
        hints = [h.text() for h in ticket.form.hints.values() if h.text()]
        assert status.startswith(("Not sent", "Choose a symbol")), status
        assert hints or "Choose a symbol" in status or ": " in status
        return "refused"
    assert dialog.isVisible()
    reasons = dialog.reasons.text()
    dialog.reject()
    return "asks" if reasons else "confirm"


def _typed(qtbot: QtBot, box: DecimalSpinBox, text: str) -> None:
    """Clear the field and type `text` key by key (key events carrying the character, so
    scripts QTest's key table lacks, like ١٢٣ or 五, go through the field's validator too)."""
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Backspace)
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(box, event)


def _reset(ticket: OrderTicketPanel) -> None:
    form = ticket.form
    ticket.clear()
    form.buy.setChecked(True)
    form.type.setCurrentIndex(form.type.findData(OrderType.LMT))
    form.tif.setCurrentIndex(form.tif.findData(Tif.DAY))
    form.quantity.set_decimal(Decimal(10))
    form.prefill(ticket.quote())


async def test_typed_garbage_in_number_fields_is_refused_or_shown_as_sent(
    tapped_desk: Desk, ticket: OrderTicketPanel, qtbot: QtBot
) -> None:
    form = ticket.form
    before = await placed_so_far(tapped_desk)
    fields: dict[str, Callable[[], DecimalSpinBox]] = {
        "quantity": lambda: form.quantity,
        "limit": lambda: form.limit,
        "stop": lambda: form.aux,
    }
    outcomes: dict[str, int] = {}
    for (name, box), text in itertools.product(fields.items(), TYPED):
        _reset(ticket)
        if name == "stop":
            form.type.setCurrentIndex(form.type.findData(OrderType.STP_LMT))
            form.prefill(ticket.quote())
        _typed(qtbot, box(), text)
        shown = box().lineEdit().text()
        value = box().decimal()
        outcome = _outcome(ticket)
        if outcome != "refused":  # sent as the field shows it, nothing else
            assert value is not None and Decimal(shown.replace(",", "")) == value, (name, text)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert await placed_so_far(tapped_desk) == before
    tried(f"order ticket typed numbers {outcomes}", len(fields) * len(TYPED))


async def test_bad_orders_from_the_ticket_get_a_sentence_and_send_nothing(
    tapped_desk: Desk, ticket: OrderTicketPanel, qtbot: QtBot
) -> None:
    form = ticket.form
    quote = ticket.quote()
    assert quote.bid is not None and quote.ask is not None
    before = await placed_so_far(tapped_desk)

    def stop(price: Decimal, sell: bool = False) -> None:
        (form.sell if sell else form.buy).setChecked(True)
        form.type.setCurrentIndex(form.type.findData(OrderType.STP))
        form.aux.set_decimal(price)

    def bracket(take_profit: str, stop_loss: str, unit: OffsetUnit) -> None:
        form.bracket.setChecked(True)
        form.bracket.take_profit.set_level_text(take_profit, unit)
        form.bracket.stop_loss.set_level_text(stop_loss, unit)

    def gtd(when: QDateTime) -> None:
        form.tif.setCurrentIndex(form.tif.findData(Tif.GTD))
        form.good_till.setDateTime(when)

    def algo(strategy: str, start: str, end: str) -> None:
        form.algo.set_choice(AlgoChoice(strategy, {"startTime": start, "endTime": end}))

    sim_now = QDateTime.fromSecsSinceEpoch(int(SIM_NOW.timestamp()))
    limit = quote.bid
    cases: dict[str, tuple[Callable[[], None], str]] = {}

    def wrong_side_stop(ticks: int, sell: bool) -> None:
        """A buy stop under the bid, a sell stop over the ask, as the market is now."""
        now = ticket.quote()
        assert now.bid is not None and now.ask is not None
        away = Decimal(ticks) / 100
        stop(now.ask + away if sell else now.bid - away, sell)

    for ticks, sell in itertools.product((1, 5, 50), (False, True)):
        cases[f"{'sell' if sell else 'buy'} stop {ticks} ticks on the wrong side"] = (
            partial(wrong_side_stop, ticks, sell),
            "asks",
        )
    # Distances cannot be typed negative (the field refuses "-"); none at all, or a stop-loss
    # further than the price itself, is what can go wrong.
    far = {OffsetUnit.TICKS: "99999999", OffsetUnit.POINTS: "100000", OffsetUnit.PERCENT: "150"}
    for unit, beyond in far.items():
        cases[f"bracket 0/0 {unit.value}"] = (partial(bracket, "0", "0", unit), "refused")
        cases[f"bracket stop-loss {beyond} {unit.value}"] = (
            partial(bracket, "1", beyond, unit),
            "refused",
        )
    inverted = [(str(limit - 1), str(limit + 1)), (str(limit), str(limit)), ("0.01", "0.01")]
    for tp, sl in inverted:
        cases[f"bracket prices tp {tp} sl {sl}"] = (
            partial(bracket, tp, sl, OffsetUnit.PRICE),
            "refused",
        )
    for seconds in (60, 3600, 86400, 86400 * 400):
        cases[f"GTD {seconds}s ago"] = (partial(gtd, sim_now.addSecs(-seconds)), "refused")
    for strategy, (start, end) in itertools.product(
        ("Twap", "Vwap", "ArrivalPx"), (("", "09:00"), ("9:00", "9:30"), ("11:00", "10:30"))
    ):
        cases[f"{strategy} {start}-{end}"] = (
            partial(algo, strategy, start, end),
            "refused",
        )
    for strategy, end in itertools.product(
        ("Twap", "Vwap"), ("25:00", "noon", "10:00 Nowhere/Land")
    ):
        cases[f"{strategy} end {end}"] = (partial(algo, strategy, "", end), "refused")
    cases["far limit"] = (partial(form.limit.set_decimal, limit * 2), "asks")
    cases["huge quantity"] = (partial(form.quantity.set_decimal, Decimal(50_000)), "asks")
    for name, (arrange, expected) in cases.items():
        _reset(ticket)
        arrange()
        assert _outcome(ticket) == expected, (name, ticket.status.text())
    assert await placed_so_far(tapped_desk) == before
    tried("order ticket orders", len(cases))


SYMBOLS = ["", " ", "ZZZZZZ", "???", "A" * 41, "AAPL:XYZ", "/", "/ES/", "EUR.EUR", "EUR.XYZ"]
SYMBOLS += ["::", "AAPL:STK:NOWHERE", "1234567890", "ÄPPLE", "AAPL AAPL", "\t", "-", ".", "ESZ99"]


async def test_unknown_symbols_in_the_ticket_are_said_and_keep_no_contract(
    tapped_desk: Desk, qtbot: QtBot
) -> None:
    async with hosted_panel(OrderTicketPanel, tapped_desk.session, (460, 720)) as ticket:
        ticket.submit()
        assert ticket.status.text() == "Choose a symbol first"
        for text in SYMBOLS:
            ticket.symbol.setText(text)
            ticket.status.clear()
            ticket._symbol_entered()  # what Enter in the symbol field does
            if text.strip():
                await wait_until(lambda: ticket.status.text(), message=f"nothing said for {text!r}")
            assert ticket.shown_contract() is None, text
        ticket.submit()
        assert ticket.status.text() == "Choose a symbol first"
    assert await placed_so_far(tapped_desk) == 0
    tried("order ticket symbols", len(SYMBOLS))
