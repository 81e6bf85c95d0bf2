"""The two pyqtgraph items every chart layer is drawn with.

`HistoryItem` draws the visible range up to the bar before the live one, folded to at most one
bar per pixel column, and keeps the result as a QPicture until the range, the width or the bars
change; `LiveItem` draws the last bar alone (and the step into it, for lines). A live update of the
bar in progress therefore repaints a few pixels, not the picture. `drawn` records what the last
paint covered, which the tests assert on.
"""

import math
from typing import Any, NamedTuple

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPicture
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from ui.chart.layers import Layer


class Drawn(NamedTuple):
    lo: int  # first bar index drawn
    hi: int  # one past the last
    step: int  # bars folded into one drawn bar

    @property
    def marks(self) -> int:
        """How many (folded) bars were drawn."""
        return math.ceil((self.hi - self.lo) / self.step) if self.hi > self.lo else 0


def visible(view: Any, count: int) -> tuple[int, int, int]:
    """The index range [lo, hi) the view shows, and the fold step for its pixel width."""
    (x0, x1), _ = view.viewRange()
    lo = max(0, math.floor(x0))
    hi = min(count, math.ceil(x1) + 1)
    pixels = max(1, int(view.width()))
    step = max(1, math.ceil((hi - lo) / pixels)) if hi > lo else 1
    return lo - lo % step, hi, step  # buckets aligned to the step, stable while panning


class _LayerItem(pg.GraphicsObject):
    def __init__(self, layer: Layer) -> None:
        super().__init__()
        self.layer = layer
        self.drawn = Drawn(0, 0, 1)
        self._rect = QRectF()

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
        self._picture: QPicture | None = None
        self._key: tuple[int, ...] = ()
        # to see which part Qt repaints: a live update dirties only the live bar's rectangle
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    def invalidate(self) -> None:
        """The bars changed (not only the live one)."""
        self._picture = None
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, *_args: Any) -> None:
        view = self.getViewBox()
        count = self.layer.count() - 1
        if view is None or count <= 0:
            self.drawn = Drawn(0, 0, 1)
            return
        if option.exposedRect.left() > count - 0.5:  # only the live bar's area is repainted
            return
        lo, hi, step = visible(view, count)
        key = (lo, hi, step, count)
        if self._picture is None or key != self._key:
            self._picture = QPicture()
            p = QPainter(self._picture)
            if hi > lo:
                self.layer.draw(p, lo, hi, step)
            p.end()
            self._key = key
            self.drawn = Drawn(lo, hi, step)
        self._picture.play(painter)


class LiveItem(_LayerItem):
    """The bar in progress: repainted on every live update."""

    def __init__(self, layer: Layer, lead: int = 0) -> None:
        super().__init__(layer)
        self.lead = lead  # bars before the last drawn with it (1 for a line's last segment)

    def paint(self, painter: QPainter, *_args: Any) -> None:
        count = self.layer.count()
        if count == 0:
            return
        lo = max(0, count - 1 - self.lead)
        self.layer.draw(painter, lo, count, 1)
        self.drawn = Drawn(lo, count, 1)
