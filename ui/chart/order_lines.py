"""The pyqtgraph items of trading on the chart: a working order's line (draggable, snapped to
the tick while dragged, with its label and a × that cancels it), the position's average-price
line, and the fill markers. They draw; `ui.chart.trading` decides what they show and what a
drag or a click does."""

from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from terminal_app.chart.order_marks import FillMarks, OrderMark
from terminal_app.price_format import format_price
from ui.order_ticket.form import BUY_COLOR, SELL_COLOR

POSITION_COLOR = "#f9a825"
FILL_SIZE = 11  # pixels
# Where along the line its label sits: a stop-limit's two lines are a few ticks apart, so their
# labels stand side by side instead of on top of each other.
LABEL_AT = {"limit": 0.02, "stop": 0.3, "trail": 0.3}


def side_color(buying: bool) -> str:
    return BUY_COLOR if buying else SELL_COLOR


class CancelMark(pg.InfLineLabel):
    """The × at the right end of an order line: a left click cancels the order."""

    def __init__(self, line: pg.InfiniteLine, color: str, clicked: Callable[[], None]) -> None:
        super().__init__(
            line, "×", position=0.985, anchors=[(1, 0.5), (1, 0.5)], color="w", fill=color
        )
        self._clicked = clicked
        self.setToolTip("Cancel this order")

    def hoverEvent(self, ev: Any) -> None:
        if not ev.isExit():
            ev.acceptClicks(Qt.MouseButton.LeftButton)

    def mouseClickEvent(self, ev: Any) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self._clicked()


class OrderLine(pg.InfiniteLine):
    """One price of a working order. `dropped(line)` is called once when a drag ends; while
    dragging, the line snaps to `tick` and its label shows where it would go."""

    def __init__(
        self,
        mark: OrderMark,
        tick: float,
        dropped: Callable[["OrderLine"], None],
        cancel: Callable[["OrderLine"], None],
    ) -> None:
        color = side_color(mark.buying)
        style = Qt.PenStyle.SolidLine if mark.which == "limit" else Qt.PenStyle.DashLine
        super().__init__(
            pos=float(mark.price),
            angle=0,
            movable=mark.movable,
            pen=pg.mkPen(color, width=1, style=style),
            hoverPen=pg.mkPen(color, width=3, style=style),
        )
        self.tick = tick
        self.mark = mark
        self.setCursor(Qt.CursorShape.SizeVerCursor if mark.movable else Qt.CursorShape.ArrowCursor)
        self.label = pg.InfLineLabel(
            self,
            mark.label,
            position=LABEL_AT.get(mark.which, 0.02),
            anchors=[(0, 1), (0, 1)],
            color="w",
            fill=color,
        )
        self.cancel_mark = CancelMark(self, color, lambda: cancel(self))
        self.sigDragged.connect(self._dragging)
        self.sigPositionChangeFinished.connect(lambda: dropped(self))

    @property
    def price(self) -> float:
        return float(self.value())

    def show_mark(self, mark: OrderMark, tick: float) -> None:
        """The order changed (price, quantity, state); a line being dragged keeps its place."""
        self.mark, self.tick = mark, tick
        self.setMovable(mark.movable)
        if not self.moving:
            self.label.setFormat(mark.label)
            self.setValue(float(mark.price))

    def back(self) -> None:
        """The drop was not sent: back to the order's price."""
        self.label.setFormat(self.mark.label)
        self.setValue(float(self.mark.price))

    def setPos(self, pos: Any) -> None:
        tick = getattr(self, "tick", 0.0)
        if tick and getattr(self, "moving", False) and isinstance(pos, QPointF):
            pos = QPointF(pos.x(), round(pos.y() / tick) * tick)
        super().setPos(pos)

    def _dragging(self) -> None:
        if self.moving:
            self.label.setFormat(f"{self.mark.label} → {format_price(self.price, self.tick)}")


class PositionLine(pg.InfiniteLine):
    """The position's average price; hidden while flat."""

    def __init__(self) -> None:
        super().__init__(
            angle=0,
            movable=False,
            pen=pg.mkPen(POSITION_COLOR, width=1, style=Qt.PenStyle.DotLine),
        )
        self.label = pg.InfLineLabel(
            self, "", position=0.5, anchors=[(0.5, 1), (0.5, 1)], color=POSITION_COLOR
        )
        self.setVisible(False)

    def show_position(self, position: tuple[Any, str] | None) -> None:
        if position is None:
            self.setVisible(False)
            return
        price, text = position
        self.label.setFormat(text)
        self.setValue(float(price))
        self.setVisible(True)


class FillMarkers:
    """Buys as up triangles, sells as down triangles, at the fill's bar and price."""

    def __init__(self) -> None:
        self.buys = pg.ScatterPlotItem(
            symbol="t1", size=FILL_SIZE, brush=pg.mkBrush(BUY_COLOR), pen=pg.mkPen("w", width=0)
        )
        self.sells = pg.ScatterPlotItem(
            symbol="t", size=FILL_SIZE, brush=pg.mkBrush(SELL_COLOR), pen=pg.mkPen("w", width=0)
        )

    def items(self) -> tuple[pg.ScatterPlotItem, pg.ScatterPlotItem]:
        return self.buys, self.sells

    def show_fills(self, marks: FillMarks) -> None:
        self.buys.setData(x=marks.x[marks.buy], y=marks.y[marks.buy])
        sell = np.logical_not(marks.buy)
        self.sells.setData(x=marks.x[sell], y=marks.y[sell])
