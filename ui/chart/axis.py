"""The chart's axes: laid out once per range change with cached text, and a time axis over bar
indices (no gaps for nights and weekends, labels in exchange time).

pyqtgraph's AxisItem lays out its ticks in Python on every range change (a Point per tick, a font
measurement per label, an all-pairs `isclose` between tick levels) and records the result into a
QPicture that it replays: a few milliseconds per axis, and every axis changes on every pan frame
(the y range follows the visible bars). `FastAxis` keeps pyqtgraph's tick spacing, label density
rules and sizing, but computes tick values with numpy, shapes each label text once (a cached
QStaticText), and paints lines and texts directly.
"""

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPicture, QStaticText, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from ui.chart.layers import Run, paint_runs

CACHE_LIMIT = 4096  # cached label texts per axis (cleared, not evicted one by one: labels repeat)


def time_format(bar_seconds: int, span_seconds: float) -> str:
    if bar_seconds >= 86400:
        return "%Y-%m-%d" if span_seconds < 400 * 86400 else "%Y-%m"
    if span_seconds > 2 * 86400:
        return "%m-%d %H:%M"
    return "%H:%M:%S" if bar_seconds < 60 else "%H:%M"


class FastAxis(pg.AxisItem):
    """An AxisItem ("right" or "bottom") that lays out only when pyqtgraph marks it stale
    (`picture is None`: range, size or style changed) and paints the layout directly."""

    def __init__(self, orientation: str, **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        # no SI prefix: it re-sets the title's HTML on every range change (and prices are not
        # scaled); no sub-minor level: ticks 2 px long, every 2 bars
        self.enableAutoSIPrefix(False)
        self.setStyle(maxTickLevel=1)
        self._texts: dict[str, QStaticText] = {}
        self._line = QLineF()
        self._ticks: list[Run] = []
        self._labels: list[tuple[QPointF, QStaticText]] = []
        self._font = QFont()
        self.layouts = 0

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        """pyqtgraph's levels, each without the ticks of the coarser levels before it."""
        if self.logMode:
            return super().tickValues(minVal, maxVal, size)
        lo, hi = sorted((minVal * self.scale, maxVal * self.scale))
        levels: list[Any] = []
        coarser: list[tuple[float, float]] = []
        for spacing, offset in self.tickSpacing(lo, hi, size):
            start = math.ceil((lo - offset) / spacing) * spacing + offset
            values = np.arange(int((hi - start) / spacing) + 1) * spacing + start
            for wider, wider_offset in coarser:
                ratio = (values - wider_offset) / wider
                values = values[np.abs(ratio - np.round(ratio)) * wider > spacing * 0.01]
            coarser.append((spacing, offset))
            levels.append((spacing / self.scale, (values / self.scale).tolist()))
        return levels

    def relabel(self) -> None:
        """The labels' source changed while the range did not (new bars under the same view)."""
        self.picture = None
        self.update()

    def _text(self, text: str) -> QStaticText:
        static = self._texts.get(text)
        if static is None:
            if len(self._texts) >= CACHE_LIMIT:
                self._texts.clear()
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(QTransform(), self._font)
            self._texts[text] = static
        return static

    def paint(self, p: QPainter, opt: QStyleOptionGraphicsItem, widget: QWidget | None) -> None:
        if self.picture is None:
            font = self.style["tickFont"] or p.font()
            if font != self._font:
                self._font, self._texts = QFont(font), {}
            self.layouts += 1
            self._lay_out()
            # laid out: pyqtgraph's flag, reset to None on every change; never replayed
            self.picture = QPicture()  # type: ignore[assignment]
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(self.pen())
        p.drawLine(self._line)
        paint_runs(p, self._ticks, -math.inf, math.inf, lambda: 0.0)
        p.setPen(self.textPen())
        p.setFont(self._font)
        for point, text in self._labels:
            p.drawStaticText(point, text)

    def _lay_out(self) -> None:
        """Tick lines and label positions for the current range and size (right or bottom)."""
        self._ticks, self._labels = [], []
        bounds: QRectF = self.mapRectFromParent(self.geometry())
        vertical = self.orientation == "right"
        if vertical:
            length, edge = bounds.height(), bounds.left()
            self._line = QLineF(edge + 1, bounds.top() - 1, edge + 1, bounds.bottom() + 1)
        else:
            length, edge = bounds.width(), bounds.top()
            self._line = QLineF(bounds.left() - 1, edge + 1, bounds.right() + 1, edge + 1)
        lo, hi = self.range
        if length <= 0 or hi == lo:
            return
        levels = []
        tick_color = self.tickPen().color()
        for i, (spacing, values) in enumerate(self.tickValues(lo, hi, length)):
            v = np.asarray(values, dtype=np.float64)
            x = (v - lo) * (length / (hi - lo))
            if vertical:
                x = length - x
            keep = (x >= 0) & (x <= length)
            v, x = v[keep], x[keep]
            levels.append((spacing, v, x))
            color = QColor(tick_color)
            color.setAlpha(int(255 / (i + 1)))
            reach = np.full_like(x, edge + self.style["tickLength"] / (i * 0.5 + 1.0))
            base = np.full_like(x, edge)
            quads = (base, x, reach, x) if vertical else (x, base, x, reach)
            keys = np.arange(len(x), dtype=np.float64)
            self._ticks.append(Run("lines", color, keys, np.column_stack(quads)))
        if self.style["showValues"]:
            self._place_labels(levels, length, edge, vertical)

    def _place_labels(self, levels: list[Any], length: float, edge: float, vertical: bool) -> None:
        """pyqtgraph's density rule: the top level always, finer levels while the text fills
        less than `textFillLimits` of the axis. A finer level that would overfill at the labels'
        average size so far is not even formatted (the minor level has tens of ticks a frame)."""
        offset = max(0, self.style["tickLength"]) + self.style["tickTextOffset"][int(not vertical)]
        limits = self.style["textFillLimits"]
        along = across = 0.0
        measured = 0
        for i, (spacing, values, xs) in enumerate(levels[: self.style["maxTextLevel"] + 1]):
            if i > 0 and measured:
                projected = (along + along / measured * len(values)) / length
                if any(len(self._labels) >= n and projected >= lim for n, lim in limits):
                    break
            strings = self.tickStrings(
                values.tolist(), self.autoSIPrefixScale * self.scale, spacing
            )
            placed = []
            for x, string in zip(xs.tolist(), strings, strict=True):
                if not string:
                    continue
                text = self._text(string)
                size = text.size()
                w, h = size.width(), size.height()
                measured += 1
                along += h * 0.8 if vertical else w
                across = max(across, w if vertical else h * 0.8)
                if vertical and x - h / 2 >= 0 and x + h / 2 <= length:
                    placed.append((QPointF(edge + offset, x - h / 2), text))
                elif not vertical and x - w / 2 >= 0 and x + w / 2 <= length:
                    placed.append((QPointF(x - w / 2, edge + offset), text))
            if i > 0 and any(len(self._labels) >= n and along / length >= lim for n, lim in limits):
                break
            self._labels.extend(placed)
        self._updateMaxTextSize(int(across))


class TimeAxis(FastAxis):
    """x is the bar's index, so a chart has no empty stretches where the market was closed; the
    labels map the index back to the bar's time in the exchange's zone, which the title names."""

    def __init__(self, times: Callable[[], np.ndarray], **kwargs: Any) -> None:
        super().__init__("bottom", **kwargs)
        self._times = times
        self.zone: Any = None
        self.bar_seconds = 60
        self._formatted: dict[tuple[int, str, Any], str] = {}

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        """Whole bars only: a fractional index has no time."""
        levels = super().tickValues(minVal, maxVal, size)
        out = []
        for spacing, values in levels:
            whole = [v for v in values if float(v).is_integer()]
            if spacing >= 1 and whole:
                out.append((spacing, whole))
        return out

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        times = self._times()
        if not len(times) or self.zone is None:
            return ["" for _ in values]
        fmt = time_format(self.bar_seconds, spacing * self.bar_seconds)
        if len(self._formatted) >= CACHE_LIMIT:
            self._formatted.clear()
        out = []
        for v in values:
            i = int(v)
            if not 0 <= i < len(times):
                out.append("")
                continue
            key = (int(times[i]), fmt, self.zone)
            text = self._formatted.get(key)
            if text is None:
                text = datetime.fromtimestamp(key[0], self.zone).strftime(fmt)
                self._formatted[key] = text
            out.append(text)
        return out
