"""Trading on the chart's price pane: the working orders of the chart's contract as lines that
follow the order book, dragged to modify (one modify on release, at the nearest tick) and
cancelled by their ×; the position's average price; the fills on their bars; and a right-click
menu that opens the ticket with a limit or stop at the clicked price (the ticket sends, after
its own review and confirmation; nothing here places an order).

Items are persistent: a change in the book moves, relabels, adds or removes lines, never
rebuilds them all.
"""

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QMenu, QWidget

from terminal_app.chart.chart_orders import ChartOrders
from terminal_app.chart.order_marks import fill_marks
from terminal_app.orders.intent import OrderType, Side
from terminal_app.price_format import format_price
from ui.chart.order_lines import FillMarkers, OrderLine, PositionLine
from ui.chart.view import ChartView
from ui.dom.order_bar import ConfirmBar

OpenTicket = Callable[[Side, OrderType, Decimal], None]
MENU_ENTRIES = (
    (Side.BUY, OrderType.LMT, "Buy limit"),
    (Side.SELL, OrderType.LMT, "Sell limit"),
    (Side.BUY, OrderType.STP, "Buy stop"),
    (Side.SELL, OrderType.STP, "Sell stop"),
)


class ChartTrading(QObject):
    def __init__(
        self,
        orders: ChartOrders,
        view: ChartView,
        times: Callable[[], np.ndarray],
        open_ticket: OpenTicket,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.orders = orders
        self._chart = view
        self._plot = view.price.plot
        self._times = times
        self._open_ticket = open_ticket
        self.lines: dict[Any, OrderLine] = {}
        self.position_line = PositionLine()
        self.fill_markers = FillMarkers()
        for item in (self.position_line, *self.fill_markers.items()):
            self._plot.addItem(item, ignoreBounds=True)
        self.menu: QMenu | None = None
        self.confirm_bar = ConfirmBar(orders)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.hide()  # shown while it says what became of a drag, a cancel
        view.price.view.setMenuEnabled(False)  # right-click is the order menu here
        view.scene().sigMouseClicked.connect(self._on_click)
        orders.changed.connect(self.refresh)
        orders.notice.connect(self._say)
        orders.confirmNeeded.connect(lambda _text: self.notice.hide())

    def widgets(self) -> tuple[QWidget, QWidget]:
        """The confirmation bar and the notice line, for the panel to lay out."""
        return self.confirm_bar, self.notice

    # --- following the book ----------------------------------------------------------------------
    def refresh(self) -> None:
        marks = {m.key: m for m in self.orders.marks()}
        tick = self.orders.min_tick
        for key in [k for k in self.lines if k not in marks]:
            self._plot.removeItem(self.lines.pop(key))
        for key, mark in marks.items():
            line = self.lines.get(key)
            if line is None:
                line = self.lines[key] = OrderLine(mark, tick, self._dropped, self._cancel)
                self._plot.addItem(line, ignoreBounds=True)
            else:
                line.show_mark(mark, tick)
        self.position_line.show_position(self.orders.position())
        self.bars_changed()

    def bars_changed(self) -> None:
        """Bars reset, prepended or a new one started: put the fills on their bars again."""
        self.fill_markers.show_fills(fill_marks(self.orders.fills(), self._times()))

    # --- the user --------------------------------------------------------------------------------
    def _dropped(self, line: OrderLine) -> None:
        sent = self.orders.move(line.mark, line.price)
        if sent is None:
            line.back()
        else:
            line.setValue(float(sent))

    def _cancel(self, line: OrderLine) -> None:
        self.orders.cancel(line.mark)

    def _on_click(self, ev: Any) -> None:
        if ev.button() != Qt.MouseButton.RightButton or ev.isAccepted():
            return
        box = self._chart.price.view
        if self.orders.contract is None or not box.sceneBoundingRect().contains(ev.scenePos()):
            return
        price = self.orders.snap(box.mapSceneToView(ev.scenePos()).y())
        self.menu = self.price_menu(price)
        self.menu.popup(ev.screenPos().toPoint())

    def price_menu(self, price: Decimal) -> QMenu:
        """ "Buy limit @ 101.25" … for the clicked price; each opens the ticket pre-filled."""
        if self.menu is not None:
            self.menu.deleteLater()
        menu = QMenu(self._chart)
        text = format_price(float(price), self.orders.min_tick)
        for side, kind, name in MENU_ENTRIES:
            menu.addAction(f"{name} @ {text}", partial(self._open_ticket, side, kind, price))
        return menu

    def _say(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()

    def stop(self) -> None:
        self.orders.stop()
        self._chart.scene().sigMouseClicked.disconnect(self._on_click)
