"""A gateway that is slow, noisy or refusing: each refusal reaches the user as a clear message
(the Messages dock's log with IB's code and a plain explanation, and the panel concerned), and
the rest of the terminal keeps working (quotes flow, an order goes through)."""

import dataclasses

import pytest
from ib_async import Stock

from terminal_app.ib_errors import describe
from terminal_app.orders import order_service
from terminal_app.orders.intent import Tif
from terminal_app.orders.states import State
from terminal_app.session import ib_internals
from terminal_app.session.messages import Message
from terminal_app.simulator.market.instruments import Universe
from tests.reliability.terminal_under_test import (
    CLIENT_ID,
    Terminal,
    live_quote,
    red_contract,
    resting_buy,
)
from tests.waiting import wait_until
from ui.watchlist.columns import RowData
from ui.watchlist.panel import WatchlistPanel

pytestmark = pytest.mark.asyncio


def watchlist(term: Terminal) -> WatchlistPanel:
    panel = term.panel("watchlist")
    assert isinstance(panel, WatchlistPanel)
    return panel


def rows(term: Terminal) -> list[RowData]:
    return [r for tab in watchlist(term).lists() for r in tab.model.rows()]


def ib_messages(term: Terminal, code: int) -> list[Message]:
    return [m for m in term.session.messages if m.code == code]


async def still_works(term: Terminal) -> None:
    """Quotes keep coming and a new order is accepted by the gateway."""
    quote = term.session.ticker(red_contract(term))
    try:
        assert quote.ticker is not None
        ticks = len(quote.ticker.ticks)
        seen: list[int] = []
        quote.updated.connect(lambda *_: seen.append(1))
        await wait_until(lambda: seen, 10, f"no quote update ({ticks})")
    finally:
        quote.release()
    assert term.session.trading_allowed, term.session.trading_reason
    [trade] = order_service(term.session).submit(
        red_contract(term), resting_buy(term, 1), live_quote(term)
    )
    await wait_until(lambda: trade.orderStatus.status == "Submitted", 10)


async def test_slow_gateway(terminal: Terminal) -> None:
    """500 ms on everything the gateway says: no false alarm (still connected, nothing
    STALE-marked for good), and orders and quotes still go through, only later."""
    terminal.gateway.control.set_latency(0.5)
    await still_works(terminal)
    assert terminal.session.is_connected and terminal.window.panels_live()
    assert not [m for m in terminal.messages() if "lost" in m]
    assert terminal.count.names["placeOrder"] == 1


async def test_error_burst(terminal: Terminal) -> None:
    """A thousand IB errors at once: all logged (the log is bounded), the session unmoved."""
    control = terminal.gateway.control
    for n in range(1000):
        control.inject_error(2100 + n % 50, f"burst {n}")
    log = terminal.session.messages
    await wait_until(lambda: any(m.text == "burst 999" for m in log), 10)
    assert len(log) <= log.capacity
    assert terminal.session.is_connected
    await still_works(terminal)


async def test_rejected_orders(terminal: Terminal) -> None:
    """The next three orders are rejected (201): each shows as rejected with IB's reason in the
    blotter's record and the log; the fourth goes through; none is sent again."""
    terminal.gateway.control.reject_next_orders(3)
    service = order_service(terminal.session)
    intent, quote = resting_buy(terminal, 1, Tif.DAY), live_quote(terminal)
    trades = [service.submit(red_contract(terminal), intent, quote)[0] for _ in range(3)]
    book = service.book
    records = [book.record(t) for t in trades]
    await wait_until(lambda: all(r is not None and not r.state.working for r in records), 10)
    for record in records:
        assert record is not None and record.state in (State.CANCELLED, State.INACTIVE)
        assert record.history[-1].code == 201, record.history
    assert len(ib_messages(terminal, 201)) == 3
    await still_works(terminal)
    assert len(terminal.count.orders) == 4


async def test_market_data_line_limit(terminal: Terminal) -> None:
    """More watchlist rows than the account's 100 lines: the rows beyond get IB's 101 in the
    row and the log; every other row streams."""
    have = {r.contract.conId for r in rows(terminal)}
    extra = [
        i.contract()
        for i in sorted(Universe.load().instruments, key=lambda i: i.conId)
        if i.secType in ("STK", "CASH") and i.conId not in have
    ][:90]
    assert len(extra) == 90
    lines_before = terminal.baseline["mktData"]
    watchlist(terminal).add_contracts(extra)
    over = lines_before + 90 - 100
    refused = lambda: [r for r in rows(terminal) if "101" in r.error]  # noqa: E731
    await wait_until(lambda: len(refused()) == over, 30, f"{len(refused())} rows got 101")
    assert describe(101).explanation in {m.explanation for m in ib_messages(terminal, 101)}
    conn = terminal.gateway.server.by_client_id[CLIENT_ID]
    assert conn.count("mktData") == 100
    await still_works(terminal)


async def test_history_pacing(terminal: Terminal) -> None:
    """IB's historical pacing is used up (162): the chart's request waits, visibly in the
    status bar, with IB's reason in the log; quotes and orders are untouched."""
    gateway = terminal.gateway
    gateway.config = dataclasses.replace(gateway.config, history_requests_per_window=0)
    msft = await terminal.session.qualify(Stock("MSFT", "SMART", "USD"))
    terminal.window.links.publish("red", msft)
    status = terminal.window.status.history
    await wait_until(lambda: ib_messages(terminal, 162), 10)
    assert "pacing violation" in ib_messages(terminal, 162)[0].text
    await wait_until(lambda: status.isVisible() and "waiting" in status.text(), 10)
    await still_works(terminal)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (354, "Requested market data is not subscribed. Displaying delayed market data."),
        (10197, "No market data during competing live session"),
    ],
)
async def test_market_data_refused_mid_stream(terminal: Terminal, code: int, text: str) -> None:
    """The gateway ends one watchlist row's line with 354 (subscription lapsed) or 10197 (the
    same user logged in elsewhere holds the data): that row says so, the log explains it, the
    other rows keep streaming."""
    row = next(r for r in rows(terminal) if r.ticker is not None)
    assert row.ticker is not None
    req_id = ib_internals.ticker_req_id(terminal.session.ib, row.ticker, ib_internals.MKT_DATA)
    assert terminal.gateway.control.end_stream(CLIENT_ID, req_id, code, text)
    await wait_until(lambda: str(code) in row.error, 5)
    [message] = ib_messages(terminal, code)
    assert message.explanation == describe(code).explanation
    others = [r for r in rows(terminal) if r is not row]
    assert others and not any(r.error for r in others)
    await still_works(terminal)
