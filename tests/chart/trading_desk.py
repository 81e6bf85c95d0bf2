"""A chart panel trading on the simulated gateway through a wire tap (so a test counts the
placeOrder / cancelOrder messages that reached the gateway), with a ticket opener standing in
for the dock manager, and real mouse drags and clicks on its price pane."""

import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

import pyqtgraph as pg
from ib_async import Contract, Stock
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QGraphicsItem

from terminal_app.orders import OrderService, order_service
from terminal_app.orders.intent import OrderIntent, OrderType, Side
from terminal_app.orders.prices import Quote
from terminal_app.session import BrokerSession, ProfileKind, make_profile
from terminal_app.simulator.gateway import SimulatedGateway
from tests.panel_hosting import dispose, hosted_panel
from tests.session import wiretap as wire
from tests.session.wiretap import WireTap
from tests.ticket_opener import TicketOpener
from tests.waiting import wait_until
from ui.chart.order_lines import OrderLine
from ui.chart.panel import ChartPanel
from ui.panel import PanelContext

AAPL = Stock("AAPL", "SMART", "USD")


@dataclass
class ChartDesk:
    session: BrokerSession
    panel: ChartPanel
    tap: WireTap
    opener: TicketOpener

    @property
    def service(self) -> OrderService:
        return order_service(self.session)

    @property
    def contract(self) -> Contract:
        contract = self.panel.orders.contract
        assert contract is not None
        return contract

    async def quote(self) -> Quote:
        orders = self.panel.orders
        await wait_until(lambda: orders.quote().bid is not None, 10, "no live quote")
        return orders.quote()

    async def place(self, intent: OrderIntent) -> None:
        """Through the service, until the gateway has it (its status came back)."""
        before = self.tap.count(wire.PLACE_ORDER)
        trades = self.service.submit(self.contract, intent, self.panel.orders.quote(), True)
        await wait_until(lambda: self.tap.count(wire.PLACE_ORDER) == before + len(trades), 10)
        await wait_until(lambda: all(t.orderStatus.status != "PendingSubmit" for t in trades), 10)

    async def line_at(self, which: str, price: Decimal) -> OrderLine:
        """The line of `which` price at `price`, once the book has it."""

        def found() -> OrderLine | None:
            lines = self.panel.trading.lines.values()
            return next(
                (ln for ln in lines if ln.mark.which == which and ln.mark.price == price), None
            )

        await wait_until(found, 10, f"no {which} line at {price}")
        line = found()
        assert line is not None
        return line


def limit(side: Side, quantity: int, price: Decimal) -> OrderIntent:
    return OrderIntent(side, Decimal(quantity), OrderType.LMT, limit_price=price)


@contextlib.asynccontextmanager
async def chart_desk(
    session: BrokerSession, gateway: SimulatedGateway, read_only: bool = False
) -> AsyncIterator[ChartDesk]:
    async with WireTap(gateway.port) as tap:
        profile = make_profile(ProfileKind.CUSTOM, port=tap.port, client_id=31, read_only=read_only)
        assert await session.open_connection(profile)
        opener = TicketOpener()

        def factory(ctx: PanelContext) -> ChartPanel:
            opener.context = replace(ctx, opener=opener)
            return ChartPanel(opener.context)

        try:
            async with hosted_panel(factory, session, (900, 560)) as panel:
                panel.show_contract(AAPL)
                await wait_until(lambda: panel.feed.live and len(panel.feed.series) > 10, 10)
                yield ChartDesk(session, panel, tap, opener)
                if opener.ticket is not None:
                    dispose(opener.ticket)
        finally:
            await session.close_connection()


# --- the mouse on the price pane ----------------------------------------------------------------
def viewport_point(panel: ChartPanel, price: float, x_fraction: float = 0.5) -> QPoint:
    box = panel.view.price.view
    (x0, x1), _ = box.viewRange()
    scene = box.mapViewToScene(QPointF(x0 + (x1 - x0) * x_fraction, price))
    return panel.view.mapFromScene(scene)


@contextlib.contextmanager
def every_move() -> Iterator[None]:
    """pyqtgraph drops mouse moves closer than 1/mouseRateLimit s apart; synthetic moves come
    microseconds apart, so the limit is off while they are sent."""
    limit = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", 0)
    try:
        yield
    finally:
        pg.setConfigOption("mouseRateLimit", limit)


def send(panel: ChartPanel, kind: QEvent.Type, point: QPoint, button: Qt.MouseButton) -> None:
    """One mouse event to the chart's viewport, delivered at once (no event processing, no
    cursor: QTest's helpers may spin the event loop under the test's running qasync loop)."""
    viewport = panel.view.viewport()
    held = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
    if kind == QEvent.Type.MouseMove:
        button = Qt.MouseButton.NoButton
    event = QMouseEvent(
        kind,
        QPointF(point),
        QPointF(viewport.mapToGlobal(point)),
        button,
        held,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


async def hover(panel: ChartPanel, where: Callable[[], QPoint]) -> QPoint:
    """The mouse onto `where()`. The crosshair's first readout line moves the panes down a
    little: wait until `where()` stays put, then move there."""
    send(panel, QEvent.Type.MouseMove, where(), Qt.MouseButton.NoButton)
    seen: list[QPoint] = []

    def settled() -> bool:
        seen.append(where())
        return len(seen) > 1 and seen[-1] == seen[-2]

    await wait_until(settled, 5, "the chart kept moving")
    send(panel, QEvent.Type.MouseMove, seen[-1], Qt.MouseButton.NoButton)
    return seen[-1]


async def drag(panel: ChartPanel, start: float, end: float, steps: int = 6) -> None:
    """Press on the line at `start`, move in steps, release at `end` (as a user drags)."""
    left = Qt.MouseButton.LeftButton
    with every_move():
        a = await hover(panel, lambda: viewport_point(panel, start))
        b = viewport_point(panel, end)
        send(panel, QEvent.Type.MouseButtonPress, a, left)
        for n in range(1, steps + 1):
            send(panel, QEvent.Type.MouseMove, a + (b - a) * n / steps, left)
        send(panel, QEvent.Type.MouseButtonRelease, b, left)


async def click_at(panel: ChartPanel, item: QGraphicsItem, button: Qt.MouseButton) -> None:
    """A click on the middle of `item` (the price pane's ViewBox, a line's ×)."""
    with every_move():
        point = await hover(
            panel, lambda: panel.view.mapFromScene(item.sceneBoundingRect().center())
        )
        send(panel, QEvent.Type.MouseButtonPress, point, button)
        send(panel, QEvent.Type.MouseButtonRelease, point, button)


def zoom_on(panel: ChartPanel, price: float, half_span: float) -> None:
    """y around `price`, so one pixel is finer than a tick and a drop lands where aimed."""
    panel.view.price.view.setYRange(price - half_span, price + half_span, padding=0)
