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
from ui.live_table.model import BG_SHIFT, LEVEL_SHIFT, LiveTableModel

PADDING = 4  # text inset from the cell's edges, px
_CACHE_LIMIT = 8192  # static texts kept; live prices keep adding new ones
# Enum members looked up once: each lookup through the binding costs about a microsecond.
_RIGHT = Qt.AlignmentFlag.AlignRight.value
_ACTIVE, _INACTIVE = QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive
_ALTERNATE, _HIGHLIGHT = QPalette.ColorRole.AlternateBase, QPalette.ColorRole.Highlight
_TEXT, _HIGHLIGHTED_TEXT = QPalette.ColorRole.Text, QPalette.ColorRole.HighlightedText


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
        self._right_aligned = [bool(a & _RIGHT) for a in model.alignments]
        self._font = QFont(view.font())
        self._metrics = QFontMetrics(self._font)

    def set_font(self, font: QFont) -> None:
        self._font = QFont(font)
        self._metrics = QFontMetrics(self._font)
        self._texts.clear()

    def paint(
        self, painter: QPainter, region: QRegion, slots: list[ColumnSlot]
    ) -> tuple[list[int], int]:
        """Paint every cell that meets `region`; returns the rows and the number of cells.

        The painter is clipped to the region, so a row's background is one fill across the
        row whatever number of its cells are painted."""
        view, model = self._view, self._model
        height = view.verticalHeader().defaultSectionSize()
        offset = view.verticalOffset()
        last_row = model.rowCount() - 1
        by_row: dict[int, set[ColumnSlot]] = {}
        for rect in region:  # type: ignore[attr-defined]  # PySide6 iterates a QRegion
            left, top, right, bottom = rect.getCoords()
            shown = [s for s in slots if s.x <= right and s.x + s.width > left]
            if not shown:
                continue
            for r in range(
                max(0, (top + offset) // height), min(last_row, (bottom + offset) // height) + 1
            ):
                cells = by_row.get(r)
                if cells is None:
                    by_row[r] = set(shown)
                else:
                    cells.update(shown)
        if not by_row:
            return [], 0
        text_offset = (height - self._metrics.height()) // 2
        selected = _selected_rows(view)
        palette = view.palette()
        group = _ACTIVE if view.isActiveWindow() else _INACTIVE
        alternate = palette.color(group, _ALTERNATE)
        highlight = palette.color(group, _HIGHLIGHT)
        plain = palette.color(group, _TEXT)
        selected_text = palette.color(group, _HIGHLIGHTED_TEXT)
        alternating = view.alternatingRowColors()
        width = view.viewport().width()
        foregrounds = model.foreground_colors
        backgrounds = model.background_colors
        right_aligned = self._right_aligned
        layouts = self._texts
        painter.setFont(self._font)
        pen: QColor | None = None
        rows = sorted(by_row)
        painted = 0
        for r in rows:
            texts, colors = model.cells(model.row(r))
            y = r * height - offset
            text_y = y + text_offset
            is_selected = r in selected
            if is_selected:
                painter.fillRect(0, y, width, height, highlight)
            else:
                if alternating and r % 2:
                    painter.fillRect(0, y, width, height, alternate)
                shade = backgrounds[colors[0] // BG_SHIFT]
                if shade is not None:
                    painter.fillRect(0, y, width, height, shade)
            cells = by_row[r]
            painted += len(cells)
            for slot in cells:
                column, x, cell_width = slot.column, slot.x, slot.width
                color = colors[column]
                tint = TINTS[color % BG_SHIFT // LEVEL_SHIFT]
                if tint is not None:
                    painter.fillRect(x, y, cell_width, height, tint)
                text = texts[column]
                if not text:
                    continue
                room = cell_width - 2 * PADDING
                found = layouts.get(text)
                if found is None or found[1] > room:
                    found = self._static(text, room)
                wanted = selected_text if is_selected else foregrounds[color % LEVEL_SHIFT] or plain
                if wanted is not pen:
                    painter.setPen(wanted)
                    pen = wanted
                if right_aligned[column]:
                    painter.drawStaticText(x + cell_width - PADDING - found[1], text_y, found[0])
                else:
                    painter.drawStaticText(x + PADDING, text_y, found[0])
        return rows, painted

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
    model = view.selectionModel()
    if not model.hasSelection():  # the usual case, without copying the selection out
        return rows
    selection = model.selection()
    for i in range(selection.count()):
        selected = selection.at(i)
        rows.update(range(selected.top(), selected.bottom() + 1))
    return rows
