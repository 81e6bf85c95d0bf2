"""The watchlist's table view: the live table plus removing and pasting rows from the keyboard."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ui.live_table.view import LiveTableView
from ui.watchlist.model import WatchlistModel


class WatchlistView(LiveTableView):
    delete_requested = Signal(list)  # selected row numbers
    paste_requested = Signal()

    def __init__(self, model: WatchlistModel, parent: QWidget | None = None) -> None:
        super().__init__(model, parent)
        self._watchlist = model
        self.horizontalHeader().resizeSection(0, 96)
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

    def watchlist_model(self) -> WatchlistModel:
        return self._watchlist

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.selectionModel().selectedRows()})
