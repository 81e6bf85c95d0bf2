"""What a chart item draws: bars turned into arrays of Qt primitives (rectangles, line segments),
built once for a window of bars and painted a slice at a time.

Per-bar Python calls are the cost in Qt drawing, and so is replaying a recorded QPicture (about
4x drawing the same primitives directly). A layer therefore builds, with numpy, one `Run` per
colour and primitive kind: a (n, 4) float64 array laid out as QRectF / QLineF, keyed by the bar
each primitive belongs to. Painting hands QPainter a pointer into that array (`drawRects(ptr,
count)`), so drawing any range of bars is one C++ call per run with no Python per bar. When more
bars are visible than pixel columns, bars are folded `step` at a time first (min/max: candles keep
their extremes, lines keep their peaks), so what is built is bounded by the view's width.
"""

from collections.abc import Callable
from typing import TypeVar, cast

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from shiboken6 import wrapInstance

UP = QColor("#26a69a")
DOWN = QColor("#ef5350")
UP_DIM = QColor("#1d6e67")  # opaque: blending a translucent colour costs ~5x per pixel
DOWN_DIM = QColor("#9c3a38")
AREA = QColor(UP)
AREA.setAlpha(60)
BODY = 0.7  # body width, in bars
PRIMITIVE_BYTES = 32  # four float64
T = TypeVar("T")


class Run:
    """Primitives of one kind and colour, ordered by `keys` (the first bar of each one's bucket).

    kind: "rects" (x, y, w, h), "lines" (x0, y0, x1, y1) or "area" (x, y, -, -: the top of an
    area filled down to a floor). The pen or brush and the array's address are made once here,
    not per paint."""

    __slots__ = ("address", "brush", "keys", "kind", "pen", "prims")

    def __init__(self, kind: str, color: QColor, keys: np.ndarray, prims: np.ndarray) -> None:
        self.kind = kind
        self.keys = keys
        self.prims = np.ascontiguousarray(prims, dtype=np.float64).reshape(-1, 4)
        self.address: int = self.prims.ctypes.data
        self.pen = _pen(color)
        self.brush = QBrush(color)


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


def _quads(*columns: np.ndarray) -> np.ndarray:
    """Rows of float64, four per primitive: the memory layout of QRectF / QLineF."""
    return np.column_stack(columns)


def rects(keys: np.ndarray, color: QColor, x0: np.ndarray, x1: np.ndarray, y0: np.ndarray,
          y1: np.ndarray) -> Run:  # fmt: skip
    return Run("rects", color, keys, _quads(x0, np.minimum(y0, y1), x1 - x0, np.abs(y1 - y0)))


def sticks(keys: np.ndarray, color: QColor, x: np.ndarray, y0: np.ndarray, y1: np.ndarray) -> Run:
    """Vertical segments."""
    return Run("lines", color, keys, _quads(x, y0, x, y1))


def polyline(keys: np.ndarray, color: QColor, x: np.ndarray, y: np.ndarray) -> Run:
    """Segments between consecutive points, each keyed by its first point; segments touching a
    NaN are left out (a gap, as `connect='finite'`)."""
    if len(x) < 2:
        return Run("lines", color, keys[:0], np.empty((0, 4)))
    seg = _quads(x[:-1], y[:-1], x[1:], y[1:])
    finite = np.isfinite(seg).all(axis=1)
    return Run("lines", color, keys[:-1][finite], seg[finite])


def _pen(color: QColor) -> QPen:
    """A one-pixel cosmetic pen: Qt draws it without stroking (wider pens cost ~100x when the
    path zigzags across the whole height, as folded series do)."""
    pen = QPen(color, 1.0)
    pen.setCosmetic(True)
    return pen


def _at(address: int, kind: type[T]) -> T:
    """A `kind` that points into a primitive array: QPainter's (pointer, count) overloads then
    read the whole slice in C++."""
    return cast(T, wrapInstance(address, kind))


def paint_runs(
    p: QPainter, runs: list[Run], lo: float, hi: float, floor: Callable[[], float]
) -> int:
    """Paint the primitives keyed in [lo, hi), areas down to `floor()` (the view's bottom: the
    same for any slice, so a partial repaint matches the rest); returns how many."""
    painted = 0
    for run in runs:
        i0, i1 = run.keys.searchsorted((lo, hi)).tolist()
        count = i1 - i0
        if count <= 0:
            continue
        painted += count
        if run.kind == "rects":
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(run.brush)
            p.drawRects(_at(run.address + i0 * PRIMITIVE_BYTES, QRectF), count)
        elif run.kind == "lines":
            p.setPen(run.pen)
            p.drawLines(_at(run.address + i0 * PRIMITIVE_BYTES, QLineF), count)
        else:
            x, y = run.prims[i0:i1, 0], run.prims[i0:i1, 1]
            base = np.full_like(y, floor())
            outline = pg.arrayToQPath(np.r_[x, x[::-1]], np.r_[y, base], connect="finite")
            p.fillPath(outline, run.brush)
    return painted


class Layer:
    """Builds bars [lo, hi) folded `step` at a time; `count` bars exist."""

    def count(self) -> int:
        raise NotImplementedError

    def build(self, lo: int, hi: int, step: int) -> list[Run]:
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


def _buckets(lo: int, hi: int, step: int) -> tuple[np.ndarray, np.ndarray]:
    """Each bucket's first bar (the key) and its centre (where it is drawn)."""
    keys = np.arange(lo, hi, step, dtype=np.float64)
    return keys, keys + (step - 1) / 2


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

    def build(self, lo: int, hi: int, step: int) -> list[Run]:
        o, h, low, c = self.columns()
        keys, x = _buckets(lo, hi, step)
        if self.style in ("line", "area"):
            close = lasts(c, lo, hi, step)
            line = polyline(keys, UP, x, close)
            if self.style == "line":
                return [line]
            area = Run("area", AREA, keys, _quads(x, close, x, close))
            return [area, line]
        fo, fc = firsts(o, lo, hi, step), lasts(c, lo, hi, step)
        fh, fl = fold(h, lo, hi, step, np.maximum), fold(low, lo, hi, step, np.minimum)
        half = BODY * step / 2
        runs = []
        for m, color in ((fc >= fo, UP), (fc < fo, DOWN)):
            k, xm, om, cm = keys[m], x[m], fo[m], fc[m]
            runs.append(sticks(k, color, xm, fl[m], fh[m]))
            if self.style == "candles":
                runs.append(rects(k, color, xm - half, xm + half, om, cm))
            else:  # the open's tick left, the close's right, after each bar's stick
                ticks = _quads(xm - half, om, xm, om, xm, cm, xm + half, cm)
                runs.append(Run("lines", color, np.repeat(k, 2), ticks))
        return runs


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

    def build(self, lo: int, hi: int, step: int) -> list[Run]:
        v = self.values()
        # folded by magnitude: the tallest bar of a bucket, with its sign
        top = fold(v, lo, hi, step, np.maximum)
        bottom = fold(v, lo, hi, step, np.minimum)
        value = np.where(np.abs(bottom) > np.abs(top), bottom, top)
        if self.candles is not None:  # only the built slice: never a whole-history comparison
            o, c = self.candles()
            up = lasts(c, lo, hi, step) >= firsts(o, lo, hi, step)
        else:
            up = value >= 0
        keys, x = _buckets(lo, hi, step)
        half = BODY * step / 2
        runs = []
        for mask, fill in ((up, UP_DIM), (~up, DOWN_DIM)):
            m = mask & np.isfinite(value)
            zero = np.zeros(int(m.sum()))
            if step > 1:  # a pixel wide: hairlines take Qt's fast path
                runs.append(sticks(keys[m], fill, x[m], zero, value[m]))
            else:
                runs.append(rects(keys[m], fill, x[m] - half, x[m] + half, zero, value[m]))
        return runs


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

    def build(self, lo: int, hi: int, step: int) -> list[Run]:
        v = self.values()
        if step == 1:
            keys = np.arange(lo, hi, dtype=np.float64)
            return [polyline(keys, self.color, keys, v[lo:hi])]
        starts = np.arange(lo, hi, step, dtype=np.float64)
        with np.errstate(all="ignore"):
            y = np.column_stack(
                [fold(v, lo, hi, step, np.fmin), fold(v, lo, hi, step, np.fmax)]
            ).ravel()
        x = np.column_stack([starts, starts + step / 2]).ravel()
        return [polyline(np.repeat(starts, 2), self.color, x, y)]
