"""What a chart item draws, over an index range only, as one vectorised QPainterPath per colour.

Per-bar Python calls are the cost in Qt drawing, so every layer turns the numpy slice of the
visible range into paths with `pyqtgraph.arrayToQPath` in a handful of calls. When more bars are
visible than pixel columns, bars are folded `step` at a time first (min/max: candles keep their
extremes, lines keep their peaks), so what is drawn is bounded by the view's width, not the data.
"""

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen

UP = QColor("#26a69a")
DOWN = QColor("#ef5350")
UP_DIM = QColor("#1d6e67")  # opaque: blending a translucent colour costs ~5x per pixel
DOWN_DIM = QColor("#9c3a38")
BODY = 0.7  # body width, in bars


def fold(x: np.ndarray, lo: int, hi: int, step: int, how: np.ufunc) -> np.ndarray:
    """`how`.reduceat over buckets of `step` bars starting at `lo` (aligned, so a pan keeps the
    same buckets)."""
    if step == 1:
        return x[lo:hi]
    return how.reduceat(x[lo:hi], np.arange(0, hi - lo, step))


def firsts(x: np.ndarray, lo: int, hi: int, step: int) -> np.ndarray:
    return x[lo:hi:step]


def lasts(x: np.ndarray, lo: int, hi: int, step: int) -> np.ndarray:
    ends = np.minimum(np.arange(lo, hi, step) + step, hi) - 1
    return x[ends]


def boxes(x0: np.ndarray, x1: np.ndarray, y0: np.ndarray, y1: np.ndarray) -> QPainterPath:
    """Closed rectangles, one path."""
    n = len(x0)
    xs = np.column_stack([x0, x1, x1, x0, x0]).ravel()
    ys = np.column_stack([y0, y0, y1, y1, y0]).ravel()
    connect = np.tile(np.array([1, 1, 1, 1, 0], dtype=np.int32), n)
    return pg.arrayToQPath(xs, ys, connect=connect, finiteCheck=False)


def sticks(x: np.ndarray, y0: np.ndarray, y1: np.ndarray) -> QPainterPath:
    """Vertical segments, one path."""
    return pg.arrayToQPath(
        np.repeat(x, 2), np.column_stack([y0, y1]).ravel(), connect="pairs", finiteCheck=False
    )


class Layer:
    """Draws bars [lo, hi) folded `step` at a time; `count` bars exist."""

    def count(self) -> int:
        raise NotImplementedError

    def draw(self, p: QPainter, lo: int, hi: int, step: int) -> None:
        raise NotImplementedError

    def bounds(self, lo: int, hi: int) -> tuple[float, float]:
        """Lowest and highest value drawn over [lo, hi) (NaN when none)."""
        raise NotImplementedError


Columns = Callable[[], tuple[np.ndarray, ...]]


def _minmax(low: np.ndarray, high: np.ndarray) -> tuple[float, float]:
    """NaN-skipping extremes in one pass each (`fmin` ignores NaN; NaN only if all are)."""
    if not len(low):
        return float("nan"), float("nan")
    return float(np.fmin.reduce(low)), float(np.fmax.reduce(high))


def _pen(color: QColor) -> QPen:
    """A one-pixel cosmetic pen: Qt draws it without stroking (wider pens cost ~100x when the
    path zigzags across the whole height, as folded series do)."""
    pen = QPen(color, 1.0)
    pen.setCosmetic(True)
    return pen


class PriceLayer(Layer):
    """Candles, OHLC bars, a close line or an area, from `columns()` = (open, high, low, close)."""

    STYLES = ("candles", "ohlc", "line", "area")

    def __init__(self, columns: Columns, style: str = "candles") -> None:
        self.columns = columns
        self.style = style

    def count(self) -> int:
        return len(self.columns()[3])

    def bounds(self, lo: int, hi: int) -> tuple[float, float]:
        _o, h, low, c = self.columns()
        if self.style in ("line", "area"):
            return _minmax(c[lo:hi], c[lo:hi])
        return _minmax(low[lo:hi], h[lo:hi])

    def draw(self, p: QPainter, lo: int, hi: int, step: int) -> None:
        o, h, low, c = self.columns()
        x = np.arange(lo, hi, step, dtype=np.float64) + (step - 1) / 2
        if self.style in ("line", "area"):
            close = lasts(c, lo, hi, step)
            if self.style == "area":
                floor = np.full_like(close, float(np.nanmin(close)) if len(close) else 0.0)
                fill = QColor(UP)
                fill.setAlpha(60)
                area = pg.arrayToQPath(
                    np.r_[x, x[::-1]], np.r_[close, floor[::-1]], finiteCheck=False
                )
                p.fillPath(area, QBrush(fill))
            p.setPen(_pen(UP))
            p.drawPath(pg.arrayToQPath(x, close, connect="finite"))
            return
        fo, fc = firsts(o, lo, hi, step), lasts(c, lo, hi, step)
        fh, fl = fold(h, lo, hi, step, np.maximum), fold(low, lo, hi, step, np.minimum)
        half = BODY * step / 2
        for rising, color in ((True, UP), (False, DOWN)):
            m = (fc >= fo) if rising else (fc < fo)
            if not m.any():
                continue
            p.setPen(_pen(color))
            p.drawPath(sticks(x[m], fl[m], fh[m]))
            if self.style == "candles":
                p.fillPath(boxes(x[m] - half, x[m] + half, fo[m], fc[m]), QBrush(color))
            else:
                xm, om, cm = x[m], fo[m], fc[m]
                xs = np.column_stack([xm - half, xm, xm, xm + half]).ravel()
                ys = np.column_stack([om, om, cm, cm]).ravel()
                p.drawPath(pg.arrayToQPath(xs, ys, connect="pairs", finiteCheck=False))


class BarsLayer(Layer):
    """Bars from zero (volume, a MACD histogram), coloured by their bar's direction (`candles()`
    gives the open and close columns) or else by sign."""

    def __init__(self, values: Callable[[], np.ndarray], candles: Columns | None = None) -> None:
        self.values = values
        self.candles = candles

    def count(self) -> int:
        return len(self.values())

    def bounds(self, lo: int, hi: int) -> tuple[float, float]:
        v = self.values()[lo:hi]
        low, high = _minmax(v, v)
        return min(low, 0.0), max(high, 0.0)

    def draw(self, p: QPainter, lo: int, hi: int, step: int) -> None:
        v = self.values()
        # folded by magnitude: the tallest bar of a bucket, with its sign
        top = fold(v, lo, hi, step, np.maximum)
        bottom = fold(v, lo, hi, step, np.minimum)
        value = np.where(np.abs(bottom) > np.abs(top), bottom, top)
        if self.candles is not None:  # only the drawn slice: never a whole-history comparison
            o, c = self.candles()
            up = lasts(c, lo, hi, step) >= firsts(o, lo, hi, step)
        else:
            up = value >= 0
        x = np.arange(lo, hi, step, dtype=np.float64) + (step - 1) / 2
        half = BODY * step / 2
        for mask, fill in ((up, UP_DIM), (~up, DOWN_DIM)):
            m = mask & np.isfinite(value)
            if not m.any():
                continue
            zero = np.zeros(int(m.sum()))
            if step > 1:  # a pixel wide: hairlines take Qt's fast path, filled paths do not
                p.setPen(_pen(fill))
                p.drawPath(sticks(x[m], zero, value[m]))
            else:
                p.fillPath(boxes(x[m] - half, x[m] + half, zero, value[m]), QBrush(fill))


class LineLayer(Layer):
    """An indicator line; folded to each bucket's min and max so peaks survive."""

    def __init__(self, values: Callable[[], np.ndarray], color: QColor) -> None:
        self.values = values
        self.color = color

    def count(self) -> int:
        return len(self.values())

    def bounds(self, lo: int, hi: int) -> tuple[float, float]:
        v = self.values()[lo:hi]
        return _minmax(v, v)

    def draw(self, p: QPainter, lo: int, hi: int, step: int) -> None:
        v = self.values()
        if step == 1:
            x, y = np.arange(lo, hi, dtype=np.float64), v[lo:hi]
        else:
            starts = np.arange(lo, hi, step, dtype=np.float64)
            with np.errstate(all="ignore"):
                y = np.column_stack(
                    [fold(v, lo, hi, step, np.fmin), fold(v, lo, hi, step, np.fmax)]
                ).ravel()
            x = np.column_stack([starts, starts + step / 2]).ravel()
        p.setPen(_pen(self.color))
        p.drawPath(pg.arrayToQPath(x, y, connect="finite"))
