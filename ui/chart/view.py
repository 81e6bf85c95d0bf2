"""The chart's plots: price and volume panes plus one per oscillator, all on one x axis of bar
indices, with a crosshair readout, wheel zoom / drag pan, y fitted to the visible bars, "follow
live" while the newest bar is in view, and a request for older bars at the left edge."""

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene

from terminal_app.chart.indicators import SHOWN, Indicator
from terminal_app.chart.series import BarSeries
from ui.chart.axis import FastAxis, TimeAxis
from ui.chart.items import CrossLine
from ui.chart.layers import BarsLayer, LineLayer, PriceLayer
from ui.chart.panes import Pane

INITIAL_BARS = 150
LEFT_EDGE_BARS = 20  # closer than this to the first bar asks for older history
PALETTE = ("#f9a825", "#42a5f5", "#ab47bc", "#8d6e63", "#26c6da", "#ec407a")


class ChartView(pg.GraphicsLayoutWidget):
    """Draws `series()`; the owner tells it when bars were reset, prepended or ticked."""

    needs_history = Signal()
    following_changed = Signal(bool)

    def __init__(self, series: Callable[[], BarSeries], parent: Any = None) -> None:
        super().__init__(parent)
        # a solid background: filling it costs less than blitting pyqtgraph's cached pixmap
        self.setCacheMode(self.CacheModeFlag.CacheNone)
        # every item moves on a pan: a BSP index would be rebuilt each frame (Qt's advice for
        # dynamic scenes); a few dozen items are found faster by a walk
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self._series = series
        self.zone: Any = None
        self.bar_seconds = 60
        self.following = True
        self._readout = pg.LabelItem(justify="left", size="9pt")
        self.addItem(self._readout, row=0, col=0)
        self.panes: dict[str, Pane] = {}
        self._cross: list[CrossLine] = []
        self.price_layer = PriceLayer(lambda: self._ohlc())
        self.price = self._add_pane("price", stretch=4)
        self.price.add(self.price_layer)
        self.volume = self._add_pane("volume", stretch=1)
        s = self._series
        self.volume.add(BarsLayer(lambda: s().volume, lambda: (s().open, s().close)))
        self._indicators: dict[int, tuple[Indicator, str]] = {}
        self.scene().sigMouseMoved.connect(self._on_mouse)
        self.price.view.sigXRangeChanged.connect(self._on_x_range)

    # --- panes -----------------------------------------------------------------------------------
    def _ohlc(self) -> tuple[np.ndarray, ...]:
        s = self._series()
        return s.open, s.high, s.low, s.close

    def _add_pane(self, name: str, stretch: int) -> Pane:
        axis = TimeAxis(lambda: self._series().time)
        plot = self.addPlot(
            row=len(self.panes) + 1, col=0, axisItems={"bottom": axis, "right": FastAxis("right")}
        )
        self.ci.layout.setRowStretchFactor(len(self.panes) + 1, stretch)
        plot.setLabel("right", "")
        plot.showAxis("right")
        plot.hideAxis("left")
        for hidden in ("left", "top"):  # never shown: not worth a relayout per range change
            plot.getAxis(hidden).unlinkFromView()
        for pane in self.panes.values():
            pane.plot.hideAxis("bottom")  # one time axis, under the lowest pane
        if self.panes:
            plot.setXLink(self.price.plot)
        pane = self.panes[name] = Pane(name, plot)
        line = CrossLine()
        plot.addItem(line, ignoreBounds=True)
        self._cross.append(line)
        self._apply_axis(axis)
        return pane

    def _apply_axis(self, axis: TimeAxis) -> None:
        axis.zone = self.zone
        axis.bar_seconds = self.bar_seconds
        axis.setLabel(f"time ({self.zone})" if self.zone else "time")

    def set_time_info(self, zone: Any, bar_seconds: int) -> None:
        self.zone, self.bar_seconds = zone, bar_seconds
        for pane in self.panes.values():
            self._apply_axis(pane.plot.getAxis("bottom"))
        for pane in list(self.panes.values())[:-1]:
            pane.plot.getAxis("bottom").setLabel("")

    def set_style(self, style: str) -> None:
        self.price_layer.style = style
        self.price.invalidate()
        self.price.fit_range(*self._visible())

    # --- indicators ------------------------------------------------------------------------------
    def add_indicator(self, indicator: Indicator) -> None:
        spec = indicator.spec
        pane = self.price if spec.pane == "price" else self.panes.get(spec.pane)
        if pane is None:
            pane = self._add_pane(spec.pane, stretch=1)
            self.set_time_info(self.zone, self.bar_seconds)
        color_at = len(self._indicators)
        for k, name in enumerate(SHOWN[spec.kind]):
            values = partial(indicator.output, name)
            if name == "hist":
                pane.add(BarsLayer(values), owner=indicator)
            else:
                color = QColor(PALETTE[(color_at + k) % len(PALETTE)])
                pane.add(LineLayer(values, color), owner=indicator, lead=1)
        self._indicators[id(indicator)] = (indicator, pane.name)
        pane.fit_range(*self._visible())

    def remove_indicator(self, indicator: Indicator) -> None:
        _, name = self._indicators.pop(id(indicator))
        pane = self.panes[name]
        pane.remove_owned(indicator)
        if name not in ("price", "volume") and not pane.visuals:
            self.removeItem(pane.plot)
            del self.panes[name]
            self._cross = [c for c in self._cross if c.scene() is not None]
            self._relayout()

    def _relayout(self) -> None:
        for row, pane in enumerate(self.panes.values(), start=1):
            self.ci.removeItem(pane.plot)
            self.addItem(pane.plot, row=row, col=0)
            pane.plot.hideAxis("bottom")
        list(self.panes.values())[-1].plot.showAxis("bottom")
        self.set_time_info(self.zone, self.bar_seconds)

    # --- bars changed ----------------------------------------------------------------------------
    def bars_reset(self) -> None:
        """All bars new: show the newest `INITIAL_BARS`, following live."""
        n = len(self._series())
        for pane in self.panes.values():
            pane.invalidate()
            pane.plot.getAxis("bottom").relabel()
        self.following = True
        self.price.view.setXRange(max(0, n - INITIAL_BARS), n + 2, padding=0)
        self._fit_all()

    def bars_prepended(self, count: int) -> None:
        """Older bars in front: the same bars stay in view (their indices moved by `count`)."""
        for pane in self.panes.values():
            pane.invalidate()
        (x0, x1), _ = self.price.view.viewRange()
        self.price.view.setXRange(x0 + count, x1 + count, padding=0)

    def bar_ticked(self, appended: bool) -> None:
        """The live bar changed: redraw it alone; on a new bar shift the view when following."""
        if appended:
            for pane in self.panes.values():
                pane.invalidate(appended=True)
            if self.following:
                (x0, x1), _ = self.price.view.viewRange()
                self.price.view.setXRange(x0 + 1, x1 + 1, padding=0)
        for pane in self.panes.values():
            pane.tick()

    def go_live(self) -> None:
        (x0, x1), _ = self.price.view.viewRange()
        n = len(self._series())
        self.price.view.setXRange(n + 2 - (x1 - x0), n + 2, padding=0)

    # --- view changes ----------------------------------------------------------------------------
    def _visible(self) -> tuple[int, int]:
        (x0, x1), _ = self.price.view.viewRange()
        return max(0, int(x0)), int(x1) + 2

    def _fit_all(self) -> None:
        lo, hi = self._visible()
        for pane in self.panes.values():
            pane.fit_range(lo, hi)

    def _on_x_range(self, *_args: Any) -> None:
        self._fit_all()
        (x0, x1), _ = self.price.view.viewRange()
        n = len(self._series())
        following = x1 >= n - 1
        if following != self.following:
            self.following = following
            self.following_changed.emit(following)
        if n and x0 < LEFT_EDGE_BARS:
            self.needs_history.emit()

    def say(self, text: str) -> None:
        """A line in the readout's place (no symbol yet)."""
        self._readout.setText(text)

    # --- crosshair -------------------------------------------------------------------------------
    def _on_mouse(self, pos: QPointF) -> None:
        if not self.price.plot.sceneBoundingRect().contains(pos) and not any(
            p.plot.sceneBoundingRect().contains(pos) for p in self.panes.values()
        ):
            return
        x = self.price.view.mapSceneToView(pos).x()
        i = round(x)
        for line in self._cross:
            line.show_at(i)
        self._readout.setText(self.readout(i))

    def readout(self, i: int) -> str:
        """The bar under the crosshair: exchange time, OHLCV and each indicator's values."""
        s = self._series()
        if not 0 <= i < len(s) or self.zone is None:
            return ""
        t, o, h, low, c, v = s.bar(i)
        when = datetime.fromtimestamp(t, self.zone).strftime("%Y-%m-%d %H:%M:%S %Z")
        parts = [f"{when}  O {o:g}  H {h:g}  L {low:g}  C {c:g}  V {v:g}"]
        for indicator, _ in self._indicators.values():
            values = [indicator.output(n) for n in SHOWN[indicator.spec.kind]]
            shown = " ".join(f"{float(col[i]):.4g}" for col in values if i < len(col))
            parts.append(f"{indicator.spec.label} {shown}")
        return "   ".join(parts)
