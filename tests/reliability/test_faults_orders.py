"""Orders caught by a fault: after the reconnect the terminal shows each order's true state from
the gateway's record, never a guess, and no order is sent again by itself."""

import pytest

from terminal_app.orders import order_service
from terminal_app.orders.states import OrderRecord, State
from tests.reliability.terminal_under_test import (
    Terminal,
    live_quote,
    red_contract,
    resting_buy,
)
from tests.waiting import wait_until

pytestmark = pytest.mark.asyncio


def record_of(term: Terminal, order_id: int) -> OrderRecord:
    book = order_service(term.session).book
    [record] = [r for r in book.records() if r.order_id == order_id]
    return record


def gateway_knows(term: Terminal, order_id: int) -> bool:
    return any(o.order_id == order_id for o, _status in term.gateway.engine.open_orders())


async def test_order_lost_with_the_connection_is_not_shown_as_working(
    terminal: Terminal,
) -> None:
    """The connection drops in the same instant the order is sent: the gateway never read it.
    After the reconnect its record says so (not working, with the reason), and it is not
    sent again by itself."""
    service = order_service(terminal.session)
    [trade] = service.submit(red_contract(terminal), resting_buy(terminal, 3), live_quote(terminal))
    order_id = trade.order.orderId
    terminal.gateway.control.drop_clients()  # before the gateway read the placeOrder
    await terminal.wait_restored()
    assert terminal.count.names["placeOrder"] == 0
    assert not gateway_knows(terminal, order_id)
    record = record_of(terminal, order_id)
    await terminal.wait(lambda: not record.state.working, 10, f"still {record.state}")
    assert record.state is State.INACTIVE and "not at the gateway" in record.history[-1].reason
    assert any(f"Order {order_id} (BUY 3 AAPL" in text for text in terminal.messages())
    assert order_id not in [t.order.orderId for t in terminal.session.open_trades()]


async def test_order_accepted_while_the_connection_drops_is_shown_from_the_gateway(
    terminal: Terminal,
) -> None:
    """The gateway accepted the order but its answer was lost with the connection (replies
    delayed 0.5 s, the drop in between): after the reconnect the order shows as working, from
    the gateway's open orders, once."""
    control = terminal.gateway.control
    control.set_latency(0.5)
    service = order_service(terminal.session)
    [trade] = service.submit(red_contract(terminal), resting_buy(terminal, 3), live_quote(terminal))
    order_id = trade.order.orderId
    await wait_until(lambda: gateway_knows(terminal, order_id), 5)
    assert trade.orderStatus.status == "PendingSubmit"  # its answer is still on the way
    control.drop_clients()
    control.set_latency(0)
    await terminal.wait_restored()
    record = record_of(terminal, order_id)
    await terminal.wait(lambda: record.state is State.SUBMITTED, 10, f"still {record.state}")
    assert [t.order.orderId for t in terminal.session.open_trades()] == [order_id]
    assert terminal.count.order_ids() == [order_id]  # sent once, never again
