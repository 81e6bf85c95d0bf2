"""Order round trip against the simulated gateway (in its own process): submit → Submitted →
filled, one market order at a time, alternating buy and sell.

- terminal (order book): `OrderService.submit` (validation, precautions, builder, the
  session's order gate) to the order book's transitions (`OrderBook.transitioned`), which is
  what every panel reads.
- terminal (blotter paint): the issue's measure. Submit in the order ticket (a MKT order, the
  confirmation off) → the blotter's working table paints the order's row as Submitted (or the
  completed table paints it Filled, when both came in one frame) → the completed table paints
  it Filled. The two tables are shown side by side (in the dock they are tabs, and a hidden
  table paints nothing), timed by the live-table view's `painted` signal.
- baseline: bare ib_async `placeOrder` on the same gateway and the same qasync loop, to the
  Trade's own status events.

p50/p99 in ms of submit → Submitted (or straight to Filled when IB skips it) and submit →
Filled. Prints a table and one JSON line.
`python -m benchmarks bench_order_roundtrip [--orders 200] [--seconds S]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from ib_async import IB, Contract, MarketOrder, Stock, Trade
from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget

from benchmarks.gateway_process import flooding_gateway
from terminal_app.orders import OrderService
from terminal_app.orders.intent import OrderIntent, OrderType, Side
from terminal_app.orders.prices import Quote
from terminal_app.orders.states import OrderRecord, State, Transition
from terminal_app.session import BrokerSession, ProfileKind, SessionSettings, make_profile
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from ui.blotter.columns import ORDER_COLUMNS
from ui.blotter.model import OrderRows
from ui.blotter.panel import BlotterPanel
from ui.live_table.view import LiveTableView
from ui.order_ticket.panel import OrderTicketPanel
from ui.panel import PanelContext

ACKNOWLEDGED = frozenset({State.PRE_SUBMITTED, State.SUBMITTED, State.FILLED})
TIMEOUT = 10.0
STATUS_COLUMN = next(i for i, c in enumerate(ORDER_COLUMNS) if c.key == "status")


class Stopwatch:
    """submit → acknowledged → filled times of the order in flight."""

    def __init__(self) -> None:
        self.started = 0.0
        self.acked: float | None = None
        self.filled = asyncio.get_running_loop().create_future()
        self.acks: list[float] = []
        self.fills: list[float] = []

    def start(self) -> None:
        self.acked = None
        self.filled = asyncio.get_running_loop().create_future()
        self.started = time.perf_counter()

    def status(self, acknowledged: bool, filled: bool) -> None:
        now = time.perf_counter()
        if acknowledged and self.acked is None:
            self.acked = now
            self.acks.append((now - self.started) * 1000)
        if filled and not self.filled.done():
            self.fills.append((now - self.started) * 1000)
            self.filled.set_result(None)

    async def one(self, send: Callable[[], Any]) -> None:
        self.start()
        send()
        await asyncio.wait_for(self.filled, TIMEOUT)


def order_numbers(orders: int, seconds: float) -> Iterator[int]:
    """0, 1, ... up to `orders`, or fewer when `seconds` have passed (a short run)."""
    deadline = time.monotonic() + seconds
    for n in range(orders):
        if n >= 2 and time.monotonic() > deadline:  # two at least: a percentile needs them
            return
        yield n


def _summary(run: str, watch: Stopwatch) -> dict[str, Any]:
    def pct(values: list[float], q: int) -> float:
        return round(statistics.quantiles(values, n=100)[q - 1], 2)

    return {
        "run": run,
        "orders": len(watch.fills),
        "submitted_p50_ms": pct(watch.acks, 50),
        "submitted_p99_ms": pct(watch.acks, 99),
        "filled_p50_ms": pct(watch.fills, 50),
        "filled_p99_ms": pct(watch.fills, 99),
    }


async def _terminal(port: int, orders: int, seconds: float) -> dict[str, Any]:
    session = BrokerSession(SessionSettings())
    try:
        profile = make_profile(ProfileKind.CUSTOM, port=port, client_id=31)
        assert await session.open_connection(profile), session.state.text
        aapl = await session.qualify(Stock("AAPL", "SMART", "USD"))
        handle = session.ticker(aapl)
        service = OrderService(session)
        watch = Stopwatch()

        def on_transition(_record: OrderRecord, transition: Transition) -> None:
            watch.status(transition.after in ACKNOWLEDGED, transition.after is State.FILLED)

        service.book.transitioned.connect(on_transition)
        for n in order_numbers(orders, seconds):
            side = Side.BUY if n % 2 == 0 else Side.SELL
            intent = OrderIntent(side, Decimal(1), OrderType.MKT)
            quote = Quote.of(handle)

            def submit(i: OrderIntent = intent, q: Quote = quote) -> None:
                service.submit(aapl, i, q, confirmed=True)

            await watch.one(submit)
        handle.release()
        return _summary("terminal (order book)", watch)
    finally:
        await session.close()


def _painted_status(model: OrderRows, order_id: int, rows: list[int]) -> str:
    """The Status text a paint drew for `order_id` ("" when it drew another row)."""
    for row in rows:
        if model.record_at(row).trade.order.orderId == order_id:
            return str(model.data(model.index(row, STATUS_COLUMN)))
    return ""


async def _live_quote(ticket: OrderTicketPanel) -> None:
    """A market order without a live quote asks for a confirmation: start once it streams."""
    deadline = time.monotonic() + TIMEOUT
    while ticket.quote().bid is None or ticket.quote().ask is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no live quote in the ticket: {ticket.status.text()}")
        await asyncio.sleep(0.05)


async def _blotter(port: int, orders: int, seconds: float) -> dict[str, Any]:
    session = BrokerSession(SessionSettings())
    window = QWidget()
    try:
        profile = make_profile(ProfileKind.CUSTOM, port=port, client_id=33)
        assert await session.open_connection(profile), session.state.text
        aapl = await session.qualify(Stock("AAPL", "SMART", "USD"))
        ctx = PanelContext(session, LinkGroups(), TaskOwner("bench-blotter"))
        ticket, blotter = OrderTicketPanel(ctx), BlotterPanel(ctx)
        ticket.service.settings.confirm_orders = False
        ticket.show_contract(aapl)
        ticket.form.type.setCurrentIndex(ticket.form.type.findData(OrderType.MKT))
        ticket.form.quantity.set_decimal(Decimal(1))
        working = LiveTableView(blotter.working)
        completed = LiveTableView(blotter.completed)
        layout = QHBoxLayout(window)
        for widget in (ticket, working, completed):
            layout.addWidget(widget)
        window.resize(1600, 500)
        window.show()
        await _live_quote(ticket)
        watch = Stopwatch()
        in_flight = [0]

        def on_working(rows: list[int], _cells: int) -> None:
            shown = _painted_status(blotter.working, in_flight[0], rows)
            watch.status(shown in ("PreSubmitted", "Submitted"), False)

        def on_completed(rows: list[int], _cells: int) -> None:
            filled = _painted_status(blotter.completed, in_flight[0], rows) == "Filled"
            watch.status(filled, filled)

        def sent(trades: list[Trade]) -> None:
            in_flight[0] = trades[0].order.orderId

        working.painted.connect(on_working)
        completed.painted.connect(on_completed)
        ticket.sent.connect(sent)
        for n in order_numbers(orders, seconds):
            (ticket.form.buy if n % 2 == 0 else ticket.form.sell).setChecked(True)
            await watch.one(ticket.submit)
        blotter.release_panel()
        ticket.release_panel()
        return _summary("terminal (blotter paint)", watch)
    finally:
        window.close()
        window.deleteLater()
        await session.close()


async def _baseline(port: int, orders: int, seconds: float) -> dict[str, Any]:
    ib = IB()
    await ib.connectAsync("127.0.0.1", port, clientId=32, timeout=10)
    try:
        [aapl] = await ib.qualifyContractsAsync(Stock("AAPL", "SMART", "USD"))
        assert isinstance(aapl, Contract)
        watch = Stopwatch()

        def on_status(trade: Trade) -> None:
            status = trade.orderStatus.status
            watch.status(status in ("PreSubmitted", "Submitted", "Filled"), status == "Filled")

        for n in order_numbers(orders, seconds):
            order = MarketOrder("BUY" if n % 2 == 0 else "SELL", 1)

            def send(o: Any = order) -> None:
                trade = ib.placeOrder(aapl, o)
                trade.statusEvent += on_status

            await watch.one(send)
        return _summary("bare ib_async", watch)
    finally:
        ib.disconnect()


async def _both(orders: int, seconds: float) -> list[dict[str, Any]]:
    with flooding_gateway(0) as gateway:
        baseline = await _baseline(gateway.port, orders, seconds)
        terminal = await _terminal(gateway.port, orders, seconds)
        painted = await _blotter(gateway.port, orders, seconds)
        gateway.server_cpu()
    return [baseline, terminal, painted]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_order_roundtrip", description=__doc__)
    parser.add_argument("--orders", type=int, default=200, help="orders per run")
    parser.add_argument(
        "--seconds", type=float, default=math.inf, help="per run: stop sooner after this long"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    app = QApplication.instance() or QApplication(["bench_order_roundtrip"])
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        rows = runner.run(_both(args.orders, args.seconds))
    keys = ["orders", "submitted_p50_ms", "submitted_p99_ms", "filled_p50_ms", "filled_p99_ms"]
    print(f"{'metric':<20}" + "".join(f"{r['run']:>24}" for r in rows))
    for key in keys:
        print(f"{key:<20}" + "".join(f"{r[key]:>24}" for r in rows))
    print(json.dumps({"benchmark": "order_roundtrip", "runs": rows}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
