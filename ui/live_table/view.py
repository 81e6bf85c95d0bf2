"""A table view over a `LiveTableModel` that repaints only the cells whose text or colour changed.

`dataChanged` from the model is compared, row by row, with what this view last queued for the
screen; only the cells that differ are passed to `update(QRect)`, and `paintEvent` draws the
paint region's cells from the model's cache (`GridPainter`). Everything else — selection, keyboard
navigation, tooltips, drag and drop, the movable header — is the stock `QTableView`.
"""

import time
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QPainter,
    QPaintEvent,
    QRegion,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from ui.live_table.grid_paint import PADDING, ColumnSlot, GridPainter, column_slots, row_span
from ui.live_table.model import LiveTableModel

Index = QModelIndex | QPersistentModelIndex
_Drop = QAbstractItemView.DropIndicatorPosition
FIT_WIDTH_MAX = 400  # px: a column sized to its content stops here (long names elide)


class LiveTableView(QTableView):
    painted = Signal(list, int)  # one paint: the rows it drew, how many cells
    queued = Signal(list)  # rows with on-screen cells queued for the frame's paint by a change

    def __init__(
        self, model: LiveTableModel, parent: QWidget | None = None, sortable: bool = True
    ) -> None:
        """`sortable`: a header click (or its menu) sorts the rows once by that column."""
        super().__init__(parent)
        self._sortable = sortable
        self.setModel(model)
        self._live = model
        self._grid = GridPainter(self, model)
        # What each row's cells were when last queued for the screen (row -> texts, colours).
        self._shown: dict[int, tuple[list[str], list[int]]] = {}
        self._drop_line: QRect | None = None
        self._frame_region = QRegion()  # changed cells of the current frame
        self._slots: list[ColumnSlot] | None = None  # shown columns' geometry, None = measure
        for signal in (model.layoutChanged, model.modelReset, model.rowsInserted):
            signal.connect(self._shown.clear)
        model.rowsRemoved.connect(self._shown.clear)
        model.frame_flushed.connect(self._paint_frame)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSortingEnabled(False)  # sorting is a one-shot reorder from the header menu/click
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setDefaultSectionSize(72)
        header.setMinimumSectionSize(36)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.setSortIndicatorShown(False)  # the sorted column's title shows the arrow
        if sortable:
            header.sectionClicked.connect(self._sort_by)
        model.sort_changed.connect(self._show_sort)
        for i, column in enumerate(model.columns):
            header.setSectionHidden(i, not column.visible)
        # `restoreState` emits none of the others, but always `sortIndicatorChanged`.
        for moved in (
            header.sectionResized,
            header.sectionMoved,
            header.sectionCountChanged,
            header.geometriesChanged,
            header.sortIndicatorChanged,
        ):
            moved.connect(self._forget_slots)
        self.horizontalScrollBar().valueChanged.connect(self._forget_slots)

    def _forget_slots(self) -> None:
        self._slots = None

    def column_slots(self) -> list[ColumnSlot]:
        """The shown columns' viewport geometry, measured once per header change."""
        if self._slots is None:
            self._slots = column_slots(self)
        return self._slots

    # -- repainting what changed ------------------------------------------------------------

    def dataChanged(
        self,
        topLeft: Index,
        bottomRight: Index,
        roles: Sequence[int] = (),
    ) -> None:
        """Queue the on-screen cells of the changed rows whose text or colour differs from what
        was last queued; `queued` names the rows that got a cell queued."""
        if not self.isVisible():  # e.g. a list in a background tab: painted whole when shown
            self._shown.clear()
            return
        viewport = self.viewport()
        model = self._live
        span = row_span(self, 0, viewport.height() - 1, model.rowCount())
        first, last = max(topLeft.row(), span.start), min(bottomRight.row(), span.stop - 1)
        if first > last:
            return
        width = viewport.width()
        # Cells scrolled out sideways are left to the paint that scrolls them in.
        slots = [s for s in self.column_slots() if s.x < width and s.x + s.width > 0]
        height = self.verticalHeader().defaultSectionSize()
        offset = self.verticalOffset()
        region = self._frame_region
        queued: list[int] = []
        for r in model.frame_rows(first, last):
            texts, colors = model.cells(model.row(r))
            shown = self._shown.get(r)
            if shown is not None and shown[0] is texts and shown[1] is colors:
                continue
            self._shown[r] = (texts, colors)
            y = r * height - offset
            if shown is None:
                region += QRect(0, y, width, height)
                queued.append(r)
                continue
            old_texts, old_colors = shown
            cells = [
                QRect(slot.x, y, slot.width, height)
                for slot in slots
                if texts[slot.column] != old_texts[slot.column]
                or colors[slot.column] != old_colors[slot.column]
            ]
            if cells:  # else only hidden or scrolled-out columns changed: nothing to paint
                for cell in cells:
                    region += cell
                queued.append(r)
        self._frame_region = region
        if queued:
            self.queued.emit(queued)

    def _paint_frame(self) -> None:
        """The model's frame is done: paint its changed cells now, not a loop turn later."""
        region, self._frame_region = self._frame_region, QRegion()
        if not region.isEmpty():
            self.viewport().repaint(region)

    def paintEvent(self, event: QPaintEvent) -> None:
        started = time.perf_counter()
        painter = QPainter(self.viewport())
        rows, cells = self._grid.paint(painter, event.region(), self.column_slots())
        if self._drop_line is not None:
            painter.setPen(self.palette().text().color())
            painter.drawRect(self._drop_line)
        painter.end()
        self._live.note_paint(time.perf_counter() - started)
        self.painted.emit(rows, cells)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._grid.set_font(self.font())
        super().changeEvent(event)

    # -- drop indicator (the stock one is drawn by the paintEvent this class replaces) --------

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        super().dragMoveEvent(event)
        self._set_drop_line(self._drop_rect(event.position().toPoint()))

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        super().dragLeaveEvent(event)
        self._set_drop_line(None)

    def dropEvent(self, event: QDropEvent) -> None:
        super().dropEvent(event)
        self._set_drop_line(None)

    def _drop_rect(self, position: QPoint) -> QRect | None:
        index = self.indexAt(position)
        where = self.dropIndicatorPosition()
        if not index.isValid() or where == _Drop.OnViewport:
            return None
        top = self.rowViewportPosition(index.row())
        height = self.rowHeight(index.row())
        width = self.viewport().width() - 1
        if where == _Drop.AboveItem:
            return QRect(0, top, width, 0)
        if where == _Drop.BelowItem:
            return QRect(0, top + height - 1, width, 0)
        return QRect(0, top, width, height - 1)

    def drop_line(self) -> QRect | None:
        """Where a drag in progress would drop (a line between rows, or a row's box)."""
        return self._drop_line

    def _set_drop_line(self, rect: QRect | None) -> None:
        if rect != self._drop_line:
            self._drop_line = rect
            self.viewport().update()

    # -- header: one-shot sort, columns shown ----------------------------------------------------

    def _sort_by(self, column: int) -> None:
        """Header click: sort once by that column; a click on the column the arrow shows
        reverses the order."""
        order = Qt.SortOrder.AscendingOrder
        if self._live.sorted_by() == (column, Qt.SortOrder.AscendingOrder):
            order = Qt.SortOrder.DescendingOrder
        self._live.sort(column, order)

    def _show_sort(self) -> None:
        """The sorted column's title gained an arrow (`SORT_ARROWS`): widen it to show it."""
        sorted_by = self._live.sorted_by()
        if sorted_by is not None:
            header = self.horizontalHeader()
            column = sorted_by[0]
            header.resizeSection(
                column, max(header.sectionSize(column), header.sectionSizeHint(column))
            )

    def show_column(self, column: int, shown: bool = True) -> None:
        """Show or hide a column; one shown is sized to its content."""
        self.horizontalHeader().setSectionHidden(column, not shown)
        if shown:
            self.fit_column(column)

    def fit_column(self, column: int) -> None:
        """Size `column` to its title and the widest text its rows show (up to FIT_WIDTH_MAX)."""
        model = self._live
        widest = max(
            (self._grid.text_width(model.cells(row)[0][column]) for row in model.rows()),
            default=0,
        )
        header = self.horizontalHeader()
        width = max(header.sectionSizeHint(column), widest + 2 * PADDING)
        header.resizeSection(column, min(width, FIT_WIDTH_MAX))

    def _header_menu(self, position: QPoint) -> None:
        header = self.horizontalHeader()
        menu = QMenu(self)
        clicked = header.logicalIndexAt(position)
        columns = self._live.columns
        if clicked >= 0 and self._sortable:
            title = menu_text(columns[clicked].header)
            for way, order in (
                ("ascending", Qt.SortOrder.AscendingOrder),
                ("descending", Qt.SortOrder.DescendingOrder),
            ):
                action = menu.addAction(f"Sort by {title} {way}")
                action.triggered.connect(lambda _=False, o=order: self._live.sort(clicked, o))
            menu.addSeparator()
        shown = menu.addMenu("Columns")
        for i, column in enumerate(columns):
            action = shown.addAction(menu_text(column.header))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(i))
            action.setEnabled(i != 0)  # the first column always shows
            action.toggled.connect(lambda on, i=i: self.show_column(i, on))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(header.mapToGlobal(position))


def menu_text(title: str) -> str:
    """A title as a menu item's text: a menu reads "&" as a mnemonic marker ("P&L" showed as
    "PL" with the L underlined), "&&" as the character."""
    return title.replace("&", "&&")
