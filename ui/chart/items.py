"""The two pyqtgraph items every chart layer is drawn with.

`HistoryItem` draws every bar but the live one. It builds the primitives (`Layer.build`) for a
window three times the visible range once, and paints the visible slice of them on every frame:
a pan inside the window costs the paint alone, a pan past it or a zoom (another fold step)
rebuilds. It paints only the part of the view Qt asks for (the exposed rectangle), so a repaint
of the live bar's few pixels touches a bar or two of history, not the visible range.
`LiveItem` draws the last bar alone (and the step into it, for lines), inside a bounding
rectangle that stays put while the bar moves within it: a live update repaints those pixels.
`drawn` records what the last paint covered and `builds` counts window builds; the tests assert
on both.
"""

import math
from typing import Any, NamedTuple

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from ui.chart.layers import Layer, Run, paint_runs

MARGIN = 1.0  # window built on each side of the visible range, in visible ranges


class Drawn(NamedTuple):
    lo: int  # first bar index drawn
    hi: int  # one past the last
    step: int  # bars folded into one drawn bar

    @property
    def marks(self) -> int:
        """How many (folded) bars were drawn."""
        return math.ceil((self.hi - self.lo) / self.step) if self.hi > self.lo else 0


class Window(NamedTuple):
    """Primitives built for bars [lo, hi) of `bars`, folded `step` at a time."""

    lo: int
    hi: int
    step: int
    bars: int
    runs: list[Run]

    def covers(self, lo: int, hi: int, step: int, bars: int) -> bool:
        return step == self.step and bars == self.bars and self.lo <= lo and hi <= self.hi


def visible(view: Any, count: int) -> tuple[int, int, int]:
    """The index range [lo, hi) the view shows, and the fold step for its pixel width."""
    (x0, x1), _ = view.viewRange()
    lo = max(0, math.floor(x0))
    hi = min(count, math.ceil(x1) + 1)
    pixels = max(1, int(view.width()))
    # from the span, not from lo/hi: a pan keeps the step (and the built window)
    step = max(1, math.ceil((x1 - x0) / pixels - 1e-9))
    return lo - lo % step, hi, step  # buckets aligned to the step, stable while panning


def _floor(view: Any) -> float:
    return float(view.viewRange()[1][0])


class _LayerItem(pg.GraphicsObject):
    def __init__(self, layer: Layer) -> None:
        super().__init__()
        self.layer = layer
        self.drawn = Drawn(0, 0, 1)
        self._rect = QRectF()
        # Qt passes the part to repaint (`exposedRect`): a live update dirties a few pixels
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    def boundingRect(self) -> QRectF:
        return self._rect

    def set_extent(self, rect: QRectF) -> None:
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect


class HistoryItem(_LayerItem):
    """Every bar but the last, over the visible range."""

    def __init__(self, layer: Layer) -> None:
        super().__init__(layer)
        self._window: Window | None = None
        self.builds = 0

    def invalidate(self) -> None:
        """The bars changed (not only the live one)."""
        self._window = None
        self.update()

    def _window_for(self, lo: int, hi: int, step: int, count: int) -> Window:
        window = self._window
        if window is None or not window.covers(lo, hi, step, count):
            margin = math.ceil((hi - lo) * MARGIN)
            wlo = max(0, lo - margin)
            wlo -= wlo % step
            whi = min(count, hi + margin)
            window = Window(wlo, whi, step, count, self.layer.build(wlo, whi, step))
            self._window = window
            self.builds += 1
        return window

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, *_args: Any) -> None:
        view = self.getViewBox()
        count = self.layer.count() - 1
        if view is None or count <= 0:
            self.drawn = Drawn(0, 0, 1)
            return
        lo, hi, step = visible(view, count)
        exposed = option.exposedRect
        # bars whose drawing can reach into the exposed part (a segment reaches one bar right)
        a = max(lo, math.floor(exposed.left()) - 1)
        a -= a % step
        b = min(hi, math.ceil(exposed.right()) + 2)
        self.drawn = Drawn(a, max(a, b), step)
        if b <= a:
            return
        window = self._window_for(lo, hi, step, count)
        paint_runs(painter, window.runs, a, b, lambda: _floor(view))


class LiveItem(_LayerItem):
    """The bar in progress: repainted on every live update."""

    def __init__(self, layer: Layer, lead: int = 0) -> None:
        super().__init__(layer)
        self.lead = lead  # bars before the last drawn with it (1 for a line's last segment)

    def paint(self, painter: QPainter, *_args: Any) -> None:
        count = self.layer.count()
        view = self.getViewBox()
        if count == 0 or view is None:
            return
        lo = max(0, count - 1 - self.lead)
        paint_runs(painter, self.layer.build(lo, count, 1), lo, count, lambda: _floor(view))
        self.drawn = Drawn(lo, count, 1)


class CrossLine(pg.GraphicsObject):
    """The crosshair's vertical line in one pane, hidden until the mouse is over the chart.

    pyqtgraph's InfiniteLine sizes its bounding rectangle on every range change by mapping pixel
    vectors in Python (about 8% of a pan frame for two panes); this one spans the view's y range
    two pixels wide, from numbers the view already has."""

    def __init__(self) -> None:
        super().__init__()
        self._rect = QRectF()
        self._pen = QPen(QColor("#888"), 1.0)
        self._pen.setCosmetic(True)
        self.hide()

    def show_at(self, x: float) -> None:
        self.setPos(x, 0)
        self.show()

    def boundingRect(self) -> QRectF:
        return self._rect

    def viewTransformChanged(self) -> None:
        super().viewTransformChanged()
        view = self.getViewBox()
        if not isinstance(view, pg.ViewBox):  # not in a plot yet (or no longer)
            return
        (x0, x1), (y0, y1) = view.viewRange()
        half = 2 * (x1 - x0) / max(1.0, view.width())
        rect = QRectF(-half, y0, 2 * half, y1 - y0)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect

    def paint(self, painter: QPainter, *_args: Any) -> None:
        painter.setPen(self._pen)
        painter.drawLine(QLineF(0, self._rect.top(), 0, self._rect.bottom()))
