"""One pane of a chart (price, volume, an oscillator): a plot with layers drawn as item pairs,
its y range fitted to what is visible."""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from ui.chart.items import HistoryItem, LiveItem
from ui.chart.layers import Layer


class Visual:
    """A layer drawn as a cached history picture plus the live bar."""

    def __init__(self, layer: Layer, owner: object, lead: int) -> None:
        self.layer = layer
        self.owner = owner
        self.history = HistoryItem(layer)
        self.live = LiveItem(layer, lead)


class Pane:
    def __init__(self, name: str, plot: pg.PlotItem) -> None:
        self.name = name
        self.plot = plot
        self.visuals: list[Visual] = []
        vb = plot.getViewBox()
        vb.setMouseEnabled(x=True, y=False)
        vb.disableAutoRange()
        plot.hideButtons()
        plot.showGrid(x=False, y=False)

    @property
    def view(self) -> pg.ViewBox:
        return self.plot.getViewBox()

    def add(self, layer: Layer, owner: object = None, lead: int = 0) -> Visual:
        visual = Visual(layer, owner, lead)
        self.plot.addItem(visual.history)
        self.plot.addItem(visual.live)
        self.visuals.append(visual)
        self.refresh_extent()
        return visual

    def remove_owned(self, owner: object) -> None:
        for visual in [v for v in self.visuals if v.owner is owner]:
            self.plot.removeItem(visual.history)
            self.plot.removeItem(visual.live)
            self.visuals.remove(visual)

    def invalidate(self, appended: bool = False) -> None:
        """Bars other than the live one changed (`appended`: the live bar became history)."""
        self.refresh_extent(appended)
        for visual in self.visuals:
            visual.history.invalidate()

    def refresh_extent(self, appended: bool = False) -> None:
        """Bounding rectangles over the history bars (for Qt's culling): over all of them on a
        load, widened by the one new history bar on an append (not a whole-history scan)."""
        for visual in self.visuals:
            count = visual.layer.count()
            old = visual.history.boundingRect()
            grow = appended and not old.isEmpty()
            low, high = visual.layer.bounds(max(0, count - 2) if grow else 0, count - 1)
            if grow:
                low, high = float(np.fmin(low, old.top())), float(np.fmax(high, old.bottom()))
            if math.isnan(low):
                low, high = 0.0, 1.0
            visual.history.set_extent(QRectF(-1, low, count + 1, high - low))
            self._live_extent(visual)

    def tick(self) -> None:
        """The live bar changed: repaint it; refit y only when the bar is in view and reaches
        past the shown range (the fit's margin absorbs a bar that grows tick by tick, as
        volume does, instead of a whole-pane repaint on every tick)."""
        (x0, x1), (y0, y1) = self.view.viewRange()
        refit = False
        for visual in self.visuals:
            self._live_extent(visual)
            visual.live.update()
            count = visual.layer.count()
            if x0 <= count - 1 <= x1:
                low, high = visual.layer.bounds(count - 1, count)
                refit = refit or low < y0 or high > y1  # NaN: False
        if refit:
            self.fit_range(*self._range_of_view())

    def _live_extent(self, visual: Visual) -> None:
        """The live item's rectangle: from the middle between the previous bar and this one (the
        history's drawing stops there), with room above and below, so it changes only when the
        bar leaves it or a new bar starts, not on every update."""
        count = visual.layer.count()
        lead = visual.live.lead
        low, high = visual.layer.bounds(max(0, count - 1 - lead), count)
        if math.isnan(low):
            return
        left = count - 1.5 - lead
        rect = visual.live.boundingRect()
        if rect.left() == left and rect.top() <= low and high <= rect.bottom():
            return
        pad = max(high - low, abs(high) * 1e-6, 1e-9)
        visual.live.set_extent(QRectF(left, low - pad, lead + 1, high - low + 2 * pad))

    def _range_of_view(self) -> tuple[int, int]:
        (x0, x1), _ = self.view.viewRange()
        return max(0, math.floor(x0)), math.ceil(x1) + 1

    def fit_range(self, lo: int, hi: int) -> None:
        """y range = what the visible bars span (never the whole history)."""
        lows, highs = [], []
        for visual in self.visuals:
            count = visual.layer.count()
            a, b = visual.layer.bounds(min(lo, count), min(hi, count))
            if not math.isnan(a):
                lows.append(a)
                highs.append(b)
        if not lows:
            return
        low, high = min(lows), max(highs)
        span = high - low or max(abs(high) * 0.01, 1.0)
        self.view.setYRange(low - span * 0.05, high + span * 0.05, padding=0)
