"""The watchlist's table view: columns the user shows, hides and reorders, drag to reorder."""

import time

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from ui.watchlist.columns import COLUMNS
from ui.watchlist.model import WatchlistModel


class WatchlistView(QTableView):
    delete_requested = Signal(list)  # selected row numbers
    paste_requested = Signal()

    def __init__(self, model: WatchlistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
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
        header.setSortIndicatorShown(False)
        header.sectionClicked.connect(self._sort_by)
        self._sorted: tuple[int, Qt.SortOrder] | None = None
        for i, column in enumerate(COLUMNS):
            header.setSectionHidden(i, not column.visible)
        header.resizeSection(0, 96)
        delete = QAction("Remove", self)
        delete.setShortcuts(
            [QKeySequence(QKeySequence.StandardKey.Delete), QKeySequence("Backspace")]
        )
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(lambda: self.delete_requested.emit(self.selected_rows()))
        self.addAction(delete)
        paste = QAction("Paste symbols", self)
        paste.setShortcut(QKeySequence.StandardKey.Paste)
        paste.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        paste.triggered.connect(self.paste_requested.emit)
        self.addAction(paste)

    def paintEvent(self, event: QPaintEvent) -> None:
        started = time.perf_counter()
        super().paintEvent(event)
        self.watchlist_model().note_paint(time.perf_counter() - started)

    def watchlist_model(self) -> WatchlistModel:
        model = self.model()
        assert isinstance(model, WatchlistModel)
        return model

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.selectionModel().selectedRows()})

    def _sort_by(self, column: int) -> None:
        """Header click: sort once by that column; a second click on it reverses the order."""
        order = Qt.SortOrder.AscendingOrder
        if self._sorted == (column, Qt.SortOrder.AscendingOrder):
            order = Qt.SortOrder.DescendingOrder
        self._sorted = (column, order)
        self.watchlist_model().sort(column, order)

    def _header_menu(self, position: QPoint) -> None:
        header = self.horizontalHeader()
        menu = QMenu(self)
        clicked = header.logicalIndexAt(position)
        if clicked >= 0:
            title = COLUMNS[clicked].header
            ascending = menu.addAction(f"Sort by {title} ascending")
            ascending.triggered.connect(
                lambda: self.watchlist_model().sort(clicked, Qt.SortOrder.AscendingOrder)
            )
            descending = menu.addAction(f"Sort by {title} descending")
            descending.triggered.connect(
                lambda: self.watchlist_model().sort(clicked, Qt.SortOrder.DescendingOrder)
            )
            menu.addSeparator()
        columns = menu.addMenu("Columns")
        for i, column in enumerate(COLUMNS):
            action = columns.addAction(column.header)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(i))
            action.setEnabled(i != 0)  # the symbol column always shows
            action.toggled.connect(lambda on, i=i: header.setSectionHidden(i, not on))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(header.mapToGlobal(position))
