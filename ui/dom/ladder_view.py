"""The ladder itself: one widget painting a fixed grid of price rows.

Per the painting rules, feed changes only mark rows dirty; a frame (at most one per display
frame, none while idle) turns the dirty rows whose texts or marks really changed into one
`update(region)`, and `paintEvent` draws just those rows with cached `QStaticText`. The window
follows the inside market unless the mouse is pressed (`LadderWindow.held`).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QRegion,
    QResizeEvent,
    QStaticText,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from terminal_app.dom.feed import DomFeed
from terminal_app.dom.window import LadderWindow
from ui.dom.cells import ORDER_COLUMNS, WIDTHS, Col, row_texts, titles
from ui.dom.drag import DragState
from ui.live_table.frames import FrameScheduler

PADDING = 4
STOP_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
_CACHE_LIMIT = 4096
BID_BG = QColor(28, 52, 92)
ASK_BG = QColor(92, 30, 34)
BEST_BID_BG = QColor(40, 90, 170)
BEST_ASK_BG = QColor(170, 46, 52)
LAST_BG = QColor(150, 130, 20)
VOLUME_BAR = QColor(70, 110, 70)
GRID_BG = QColor(22, 22, 26)
HEADER_BG = QColor(40, 40, 46)
TEXT = QColor(225, 225, 225)
SPREAD_BG = QColor(34, 34, 40)
DROP_BG = QColor(120, 120, 40)
CANCEL_GLYPH = "×"

Marks = tuple[bool, bool, bool, int, bool]  # best bid, ask, last trade, volume bar px, drop
Content = tuple[tuple[str, ...], Marks]


class LadderView(QWidget):
    rowPainted = Signal(int)  # tick index, at the end of the paint that drew its row (benchmark)
    cellClicked = Signal(int, int, bool)  # column, tick index, stop modifier
    cancelClicked = Signal(int, int)  # column, tick index: the × of a working order's cell
    menuRequested = Signal(int, int, QPoint)  # column, tick index, where (global)
    orderDragged = Signal(int, int, int)  # column, from tick index, to tick index

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumWidth(360)
        self.window_ = LadderWindow()
        self.feed: DomFeed | None = None
        self._metrics = QFontMetrics(self.font())
        self._row_h = self._metrics.height() + 4
        self._texts: dict[str, tuple[QStaticText, int]] = {}  # text -> layout, width
        self._pressed: tuple[Col, int] | None = None  # the cell under a pressed button
        self._drag = DragState(self.has_orders)
        self._drop: int | None = None  # the row a dragged order would go to
        self._bars_scale = 0.0  # the largest volume the bars were drawn against
        self._shown: dict[int, Content] = {}  # row -> what it shows
        self._next: dict[int, tuple[int, Content]] = {}  # row -> tick, content found by a frame
        self._cols: list[tuple[int, int]] = []  # column -> (x, width) at the current width
        self._dirty: set[int] = set()  # tick indices changed since the last frame
        self._all_dirty = True
        self._frames = FrameScheduler(self._frame, self)
        self.paint_seconds = 0.0

    # ----------------------------------------------------------------- feed
    def set_feed(self, feed: DomFeed | None) -> None:
        if self.feed is not None:
            self.feed.changed.disconnect(self.mark)
            self.feed.regridded.disconnect(self.reset)
        self.feed = feed
        if feed is not None:
            feed.changed.connect(self.mark)
            feed.regridded.connect(self.reset)
        self.reset()

    def reset(self) -> None:
        """Everything afresh: a new feed, or rows that mean other prices (a new grid)."""
        self.window_.centre = None
        self._dirty.clear()
        self.invalidate()

    def mark(self, indices: set[int]) -> None:
        self._dirty |= indices
        self._frames.request()

    def recentre(self) -> None:
        book = self.feed.book if self.feed is not None else None
        if book is not None and self.window_.recentre(book.best_bid, book.best_ask):
            self.invalidate()

    def invalidate(self) -> None:
        """Repaint every row (and the header) at the next frame."""
        self._all_dirty = True
        self._frames.request()

    # ---------------------------------------------------------------- frame
    def _frame(self) -> None:
        self._frames.ran()
        feed = self.feed
        if feed is None:
            self.update()
            return
        window = self.window_
        moved = window.follow(feed.book.best_bid, feed.book.best_ask)
        dirty, self._dirty = self._dirty, set()
        rescaled = feed.book.volume.largest > 1.1 * self._bars_scale
        if moved or rescaled or self._all_dirty:
            self._bars_scale = feed.book.volume.largest
            self._all_dirty = False
            self._next.clear()
            self.update()
            return
        # Marks move with the inside market and the last trade: recheck every row in range.
        region = QRegion()
        for index in dirty:
            row = window.row_of(index)
            if row is None:
                continue
            content = self._content(feed, index)
            if content != self._shown.get(row):
                self._next[row] = (index, content)  # the paint draws this, no second read
                region += self._row_rect(row)
        if not region.isEmpty():
            self.update(region)

    def _content(self, feed: DomFeed, index: int) -> Content:
        book = feed.book
        largest = book.volume.largest
        volume = book.volume.get(index)
        bar = int(self._col_width(Col.VOLUME) * volume / largest) if largest else 0
        marks = (
            index == book.best_bid,
            index == book.best_ask,
            index == book.last_index,
            bar,
            index == self._drop,
        )
        return row_texts(feed, index), marks

    # ------------------------------------------------------------- geometry
    def _col_width(self, col: int) -> int:
        return self._columns()[col][1]

    def _col_x(self, col: int) -> int:
        return self._columns()[col][0]

    def _columns(self) -> list[tuple[int, int]]:
        """(x, width) of every column, worked out once per width: the paint asks per cell."""
        if not self._cols:
            width, total = self.width(), sum(WIDTHS)
            self._cols = [
                (int(width * sum(WIDTHS[:col]) / total), int(width * WIDTHS[col] / total))
                for col in range(len(WIDTHS))
            ]
        return self._cols

    def _cell(self, col: int, y: int) -> QRect:
        return QRect(self._col_x(col), y, self._col_width(col), self._row_h - 1)

    def _row_rect(self, row: int) -> QRect:
        return QRect(0, self._row_h * (row + 1), self.width(), self._row_h)

    def row_at(self, y: int) -> int | None:
        row = y // self._row_h - 1
        return row if 0 <= row < self.window_.rows else None

    def column_at(self, x: int) -> Col:
        col = 0
        while col < len(WIDTHS) - 1 and x >= self._col_x(col + 1):
            col += 1
        return Col(col)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.window_.resize(max(3, self.height() // self._row_h - 1))
        self._cols = []
        self.invalidate()
        super().resizeEvent(event)

    # ---------------------------------------------------------------- mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        """The window holds still while a button is down (`LadderWindow.held`)."""
        self.window_.held = True
        cell = self._pressed = self._cell_at(event)
        self._drag.press(cell, event.button(), self._glyph_hit(event))
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag.source is not None:
            index = self._index_at_y(int(event.position().y()))
            self._drag.over(index)
            self._set_drop(index)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A click is a press and release on one cell; a drag from a cell with working orders
        to another row moves them (one modify each, sent here, on release)."""
        pressed, self._pressed = self._pressed, None
        self.window_.held = False
        glyph = self._drag.glyph and self._glyph_hit(event)
        source, self._drag.source = self._drag.source, None
        drop = self._drop
        self._set_drop(None)
        cell = self._cell_at(event)
        if source is not None and drop is not None and drop != source[1]:
            self.orderDragged.emit(int(source[0]), source[1], drop)
        elif cell is not None and cell == pressed and not (source and self._drag.moved):
            # (a drag taken away and back to its own row is no click)
            col, index = cell
            if event.button() == Qt.MouseButton.RightButton:
                self.menuRequested.emit(int(col), index, event.globalPosition().toPoint())
            elif glyph:
                self.cancelClicked.emit(int(col), index)
            else:
                self.cellClicked.emit(int(col), index, bool(event.modifiers() & STOP_MODIFIERS))
        event.accept()

    def _cell_at(self, event: QMouseEvent) -> tuple[Col, int] | None:
        index = self._index_at_y(int(event.position().y()))
        if index is None:
            return None
        return self.column_at(int(event.position().x())), index

    def _index_at_y(self, y: int) -> int | None:
        row = self.row_at(y)
        if row is None or self.window_.centre is None:
            return None
        return self.window_.index_at(row)

    def has_orders(self, col: Col, index: int) -> bool:
        """Working orders of the column's side at that price (the cells that drag and show ×)."""
        feed = self.feed
        if feed is None or col not in ORDER_COLUMNS:
            return False
        return bool((feed.buy_orders if col == Col.BUYS else feed.sell_orders).get(index))

    def _glyph_hit(self, event: QMouseEvent) -> bool:
        """The press or release is on the × of a cell holding working orders."""
        cell = self._cell_at(event)
        if cell is None or not self.has_orders(*cell):
            return False
        return int(event.position().x()) < self._col_x(cell[0]) + self._row_h + PADDING

    def _set_drop(self, index: int | None) -> None:
        """Where a dragged order would go: that row is marked until the release."""
        if index != self._drop:
            changed = {i for i in (self._drop, index) if i is not None}
            self._drop = index
            self.mark(changed)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() // 120
        if steps and self.window_.centre is not None and not self.window_.held:
            self.window_.scroll(steps * 3)
            self.invalidate()
        event.accept()

    # ---------------------------------------------------------------- paint
    def paintEvent(self, event: QPaintEvent) -> None:
        started = time.perf_counter()
        painter = QPainter(self)
        painter.setPen(TEXT)
        rect = event.rect()
        if rect.top() < self._row_h:
            self._paint_header(painter)
        feed = self.feed
        rows: set[int] = set()  # the region's own rects: two far-apart rows are not a block
        for part in event.region():  # type: ignore[attr-defined]  # PySide6 iterates a QRegion
            first = max(0, part.top() // self._row_h - 1)
            last = min(self.window_.rows - 1, part.bottom() // self._row_h - 1)
            rows.update(range(first, last + 1))
        drawn: list[int] = []
        for row in sorted(rows):
            if feed is None or self.window_.centre is None:
                painter.fillRect(self._row_rect(row), GRID_BG)
                continue
            index = self.window_.index_at(row)
            found = self._next.pop(row, None)
            content = found[1] if found and found[0] == index else self._content(feed, index)
            self._shown[row] = content
            self._paint_row(painter, row, content)
            drawn.append(index)
        below = self._row_h * (self.window_.rows + 1)
        if rect.bottom() >= below:
            painter.fillRect(QRect(0, below, self.width(), self.height() - below), GRID_BG)
        painter.end()
        self.paint_seconds = time.perf_counter() - started
        self._frames.note_paint(self.paint_seconds)
        for index in drawn:
            self.rowPainted.emit(index)

    def _paint_header(self, painter: QPainter) -> None:
        painter.fillRect(QRect(0, 0, self.width(), self._row_h), HEADER_BG)
        for col, title in enumerate(titles(self.feed)):
            self._text(painter, col, 0, title)

    def _paint_row(self, painter: QPainter, row: int, content: Content) -> None:
        texts, (best_bid, best_ask, last, bar, drop) = content
        y = self._row_h * (row + 1)
        h = self._row_h
        painter.fillRect(QRect(0, y, self.width(), h), GRID_BG)
        if texts[Col.BID]:
            bid_bg = BEST_BID_BG if best_bid else BID_BG
            painter.fillRect(self._cell(Col.BID, y), bid_bg)
        if texts[Col.ASK]:
            painter.fillRect(self._cell(Col.ASK, y), BEST_ASK_BG if best_ask else ASK_BG)
        price_bg = LAST_BG if last else SPREAD_BG
        painter.fillRect(self._cell(Col.PRICE, y), price_bg)
        if bar:
            painter.fillRect(QRect(self._col_x(Col.VOLUME), y + 2, bar, h - 4), VOLUME_BAR)
        source = self._drag.source
        if drop and source is not None:
            painter.fillRect(self._cell(source[0], y), DROP_BG)
        for col, text in enumerate(texts):
            if text:
                self._text(painter, col, y, text)
                if col in ORDER_COLUMNS:  # the × that cancels the cell's orders
                    self._text(painter, col, y, CANCEL_GLYPH, left=True)

    def _text(self, painter: QPainter, col: int, y: int, text: str, left: bool = False) -> None:
        cached = self._texts.get(text)
        if cached is None:
            if len(self._texts) > _CACHE_LIMIT:
                self._texts.clear()
            static = QStaticText(text)
            static.prepare(font=self.font())
            cached = self._texts[text] = (static, self._metrics.horizontalAdvance(text))
        static, width = cached
        x = self._col_x(col) + (PADDING if left else self._col_width(col) - width - PADDING)
        painter.drawStaticText(x, y + 2, static)
