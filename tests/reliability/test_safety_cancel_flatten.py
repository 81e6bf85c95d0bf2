"""Global cancel and flatten send exactly what their confirmation listed, nothing more: counted
where it arrives, at the gateway, and compared with the confirmation's text."""

from decimal import Decimal

import pytest
from ib_async import Contract, LimitOrder, Stock, Trade
from PySide6.QtWidgets import QMessageBox

from terminal_app.orders import order_service
from terminal_app.orders.intent import OrderIntent, OrderType, Side
from terminal_app.orders.prices import Quote
from terminal_app.orders.summary import order_line
from tests.reliability.terminal_under_test import (
    Terminal,
    live_quote,
    red_contract,
    resting_buy,
)
from tests.sim_fixtures import SIM_ACCOUNT, connected_ib, qualified
from tests.waiting import wait_until
from ui.portfolio.panel import PortfolioPanel

pytestmark = pytest.mark.asyncio
OTHER_CLIENT = 5


async def working_orders(term: Terminal) -> list[Trade]:
    """Two resting orders of the terminal's own."""
    service = order_service(term.session)
    trades = [
        service.submit(red_contract(term), resting_buy(term, n), live_quote(term))[0]
        for n in (1, 2)
    ]
    await wait_until(lambda: all(t.orderStatus.status == "Submitted" for t in trades), 10)
    return trades


async def positions(term: Terminal) -> dict[str, float]:
    """Long 10 AAPL and short 5 MSFT, bought and sold through the order service."""
    service = order_service(term.session)
    msft = await term.session.qualify(Stock("MSFT", "SMART", "USD"))
    plan: list[tuple[Contract, Side, int]] = [
        (red_contract(term), Side.BUY, 10),
        (msft, Side.SELL, 5),
    ]
    for contract, side, quantity in plan:
        intent = OrderIntent(side, Decimal(quantity), OrderType.MKT)
        service.submit(contract, intent, _quote(term, contract), confirmed=True)
    want = {"AAPL": 10.0, "MSFT": -5.0}
    await wait_until(lambda: held(term) == want, 10, f"positions {held(term)}")
    await wait_until(lambda: len(portfolio(term).model.holding_rows()) == 2, 10)
    return want


def _quote(term: Terminal, contract: Contract) -> Quote:
    handle = term.session.ticker(contract)
    try:
        return Quote.of(handle)
    finally:
        handle.release()


def held(term: Terminal) -> dict[str, float]:
    return {p.contract.symbol: p.position for p in term.session.positions() if p.position}


def portfolio(term: Terminal) -> PortfolioPanel:
    widget = term.panel("portfolio")
    assert isinstance(widget, PortfolioPanel)
    return widget


def press(box: QMessageBox, button: QMessageBox.StandardButton) -> None:
    found = box.button(button)
    assert found is not None, box.text()
    found.click()


def since(term: Terminal, mark: dict[str, int], *names: str) -> dict[str, int]:
    return {name: term.count.names[name] - mark.get(name, 0) for name in names}


ORDER_REQUESTS = ("placeOrder", "cancelOrder", "reqGlobalCancel")


async def test_global_cancel_sends_one_global_cancel(terminal: Terminal) -> None:
    ours = await working_orders(terminal)
    async with connected_ib(terminal.gateway, client_id=OTHER_CLIENT) as other:
        aapl = await qualified(other, red_contract(terminal))
        price = ours[0].order.lmtPrice
        assert isinstance(price, float)
        theirs = other.placeOrder(aapl, LimitOrder("BUY", 1, price))
        await wait_until(lambda: theirs.orderStatus.status == "Submitted", 10)
        mark = dict(terminal.count.names)
        box = terminal.window.confirm_cancel_all()
        text = box.text()
        assert "2 known to this terminal" in text
        assert "other API clients are cancelled too" in text
        press(box, QMessageBox.StandardButton.No)  # No sends nothing
        assert since(terminal, mark, *ORDER_REQUESTS) == dict.fromkeys(ORDER_REQUESTS, 0)
        box = terminal.window.confirm_cancel_all()
        press(box, QMessageBox.StandardButton.Yes)
        await wait_until(lambda: not terminal.gateway.engine.open_orders(), 10)
        assert since(terminal, mark, *ORDER_REQUESTS) == {
            "placeOrder": 0,
            "cancelOrder": 0,
            "reqGlobalCancel": 1,
        }
        await wait_until(lambda: theirs.orderStatus.status == "Cancelled", 10)
    await wait_until(lambda: all(t.orderStatus.status == "Cancelled" for t in ours), 10)


async def test_flatten_sends_exactly_the_listed_orders(terminal: Terminal) -> None:
    """ "Cancel all + flatten": the confirmation lists the global cancel and one market order per
    position; OK sends exactly those (the same sides, sizes and symbols) and nothing else."""
    await working_orders(terminal)
    await positions(terminal)
    mark = dict(terminal.count.names)
    placed_before = len(terminal.count.orders)
    panel = portfolio(terminal)
    panel.flatten(cancel_all=True)
    box = panel.confirmation
    assert box is not None
    listed = [line.removeprefix("• ") for line in box.text().splitlines() if line.startswith("• ")]
    assert listed == [
        "Cancel every working order of every account (global cancel)",
        f"SELL 10 AAPL MKT DAY ({SIM_ACCOUNT})",
        f"BUY 5 MSFT MKT DAY ({SIM_ACCOUNT})",
    ]
    press(box, QMessageBox.StandardButton.Ok)
    await wait_until(lambda: not held(terminal), 10, f"still holding {held(terminal)}")
    await wait_until(lambda: not terminal.gateway.engine.open_orders(), 10)
    sent = [
        f"{order_line(r['contract'], r['order'])} ({r['order'].account})"
        for r in terminal.count.orders[placed_before:]
    ]
    assert ["Cancel every working order of every account (global cancel)", *sent] == listed
    assert since(terminal, mark, "cancelOrder", "reqGlobalCancel") == {
        "cancelOrder": 0,
        "reqGlobalCancel": 1,
    }
