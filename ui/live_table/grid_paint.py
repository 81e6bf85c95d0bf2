"""Painting a live table's cells straight from the model's per-row cache.

One Python loop over the cells of the paint region: no `data()` call per cell and role, no
delegate, text layouts cached as `QStaticText`. Cost grows with the cells in the region, which the
view keeps to the cells that changed.
"""

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QRegion,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QTableView

from ui.live_table.flash import TINTS
from ui.live_table.model import LEVEL_SHIFT, LiveTableModel

PADDING = 4  # text inset from the cell's edges, px
_CACHE_LIMIT = 8192  # static texts kept; live prices keep adding new ones
CELL_KEY = 4096  # cells are keyed row * CELL_KEY + column


class ColumnSlot:
    """Where a shown column is on the viewport: logical index, left edge, width."""

    __slots__ = ("column", "width", "x")

    def __init__(self, column: int, x: int, width: int) -> None:
        self.column, self.x, self.width = column, x, width


def column_slots(view: QTableView) -> list[ColumnSlot]:
    """The shown columns in visual order with their viewport geometry."""
    header = view.horizontalHeader()
    slots = []
    for visual in range(header.count()):
        column = header.logicalIndex(visual)
        if not header.isSectionHidden(column):
            x = header.sectionViewportPosition(column)
            slots.append(ColumnSlot(column, x, header.sectionSize(column)))
    return slots


def row_span(view: QTableView, top: int, bottom: int, rows: int) -> range:
    """The rows that intersect viewport y from `top` to `bottom`."""
    height = view.verticalHeader().defaultSectionSize()
    offset = view.verticalOffset()
    return range(max(0, (top + offset) // height), min(rows, (bottom + offset) // height + 1))


class GridPainter:
    """Draws cells of one view; keeps the text layouts it made."""

    def __init__(self, view: QTableView, model: LiveTableModel) -> None:
        self._view = view
        self._model = model
        self._texts: dict[str, tuple[QStaticText, int]] = {}
        self._font = QFont(view.font())
        self._metrics = QFontMetrics(self._font)

    def set_font(self, font: QFont) -> None:
        self._font = QFont(font)
        self._metrics = QFontMetrics(self._font)
        self._texts.clear()

    def paint(
        self, painter: QPainter, region: QRegion, slots: list[ColumnSlot]
    ) -> tuple[list[int], int]:
        """Paint every cell that meets `region`; returns the rows and the number of cells."""
        view, model = self._view, self._model
        count = model.rowCount()
        by_column = {slot.column: slot for slot in slots}
        cells: set[int] = set()  # row * CELL_KEY + column: a cell in two rects is painted once
        for rect in region:  # type: ignore[attr-defined]  # PySide6 iterates a QRegion
            left, right = rect.left(), rect.right()
            shown = [s.column for s in slots if s.x <= right and s.x + s.width > left]
            for r in row_span(view, rect.top(), rect.bottom(), count):
                cells.update(r * CELL_KEY + c for c in shown)
        if not cells:
            return [], 0
        height = view.verticalHeader().defaultSectionSize()
        offset = view.verticalOffset()
        text_offset = (height - self._metrics.height()) // 2
        selected = _selected_rows(view)
        palette = view.palette()
        group = (
            QPalette.ColorGroup.Active if view.isActiveWindow() else QPalette.ColorGroup.Inactive
        )
        alternate = palette.color(group, QPalette.ColorRole.AlternateBase)
        highlight = palette.color(group, QPalette.ColorRole.Highlight)
        plain = palette.color(group, QPalette.ColorRole.Text)
        selected_text = palette.color(group, QPalette.ColorRole.HighlightedText)
        alternating = view.alternatingRowColors()
        foregrounds = model.foreground_colors
        right_aligned = [a & Qt.AlignmentFlag.AlignRight.value for a in model.alignments]
        layouts = self._texts
        painter.setFont(self._font)
        pen: QColor | None = None
        last_row = -1
        rows: list[int] = []
        texts: list[str] = []
        colors: list[int] = []
        background: QColor | None = None
        for key in sorted(cells):
            r, column = divmod(key, CELL_KEY)
            if r != last_row:
                last_row = r
                rows.append(r)
                texts, colors = model.cells(model.row(r))
                is_selected = r in selected
                background = (
                    highlight if is_selected else alternate if alternating and r % 2 else None
                )
                y = r * height - offset
                text_y = y + text_offset
            slot = by_column[column]
            x, width = slot.x, slot.width
            if background is not None:
                painter.fillRect(x, y, width, height, background)
            color = colors[column]
            tint = TINTS[color // LEVEL_SHIFT]
            if tint is not None:
                painter.fillRect(x, y, width, height, tint)
            text = texts[column]
            if not text:
                continue
            room = width - 2 * PADDING
            found = layouts.get(text)
            if found is None or found[1] > room:
                found = self._static(text, room)
            wanted = selected_text if is_selected else foregrounds[color % LEVEL_SHIFT] or plain
            if wanted is not pen:
                painter.setPen(wanted)
                pen = wanted
            left = x + width - PADDING - found[1] if right_aligned[column] else x + PADDING
            painter.drawStaticText(left, text_y, found[0])
        return rows, len(cells)

    def text_width(self, text: str) -> int:
        """How wide `text` paints, px (its layout is kept for painting)."""
        found = self._texts.get(text) or self._layout(text)
        return found[1]

    def _static(self, text: str, room: int) -> tuple[QStaticText, int]:
        """The cached layout of `text`, elided to `room` px when it does not fit."""
        found = self._texts.get(text)
        if found is None:
            found = self._layout(text)
        if found[1] <= room:
            return found
        elided = self._metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(room, 0))
        return self._texts.get(elided) or self._layout(elided)

    def _layout(self, text: str) -> tuple[QStaticText, int]:
        if len(self._texts) >= _CACHE_LIMIT:
            self._texts.clear()
        static = QStaticText(text)
        static.setTextFormat(Qt.TextFormat.PlainText)
        static.prepare(QTransform(), self._font)
        found = (static, math.ceil(static.size().width()))
        self._texts[text] = found
        return found


def _selected_rows(view: QTableView) -> set[int]:
    rows: set[int] = set()
    selection = view.selectionModel().selection()
    for i in range(selection.count()):
        selected = selection.at(i)
        rows.update(range(selected.top(), selected.bottom() + 1))
    return rows
