"""The Messages dock: every IB error/warning/notice and app problem, filterable, errors highlighted.

`MessagesModel` is a table over the session's Qt-free `MessageLog`. New messages are collected and
inserted once per frame, so an error storm costs one `rowsInserted` per ~16 ms, not one per message.
"""

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QBrush, QColor, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from terminal_app.ib_errors import Severity
from terminal_app.session.messages import Message, MessageLog
from ui.app_meanings import app_meaning
from ui.table_model import ColumnsModel, ModelIndex

COLUMNS = ("Time", "Severity", "Code", "Id", "Contract", "Message", "Meaning")
_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
SEVERITY_FILTERS = (("All messages", 0), ("Warnings and errors", 1), ("Errors only", 2))
_ERROR_BG = QColor(198, 40, 40, 60)
# (dark theme, light theme): readable on either background
_WARNING_FG = (QColor("#e0a100"), QColor("#9a6700"))
_ERROR_FG = (QColor("#ff6b6b"), QColor("#b42318"))
FRAME_MS = 16


class MessagesModel(ColumnsModel):
    columns = COLUMNS

    def __init__(self, log: MessageLog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._log = log
        self._rows = len(log)
        self._dropped_seen = log.dropped
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(FRAME_MS)
        self._flush.timeout.connect(self.sync)
        self._unsubscribe: Callable[[], None] | None = log.subscribe(self._on_message)

    def detach(self) -> None:
        """Stop following the log (the panel is going away). Idempotent."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if shiboken6.isValid(self._flush):
            self._flush.stop()

    def _on_message(self, _message: Message) -> None:
        if not shiboken6.isValid(self._flush):  # deleted without release_panel(): stop listening
            self.detach()
            return
        if not self._flush.isActive():
            self._flush.start()

    def sync(self) -> None:
        """Bring the rows in step with the log: drop the ones it let go, append the new ones."""
        dropped = min(self._log.dropped - self._dropped_seen, self._rows)
        self._dropped_seen = self._log.dropped
        if dropped > 0:
            self.beginRemoveRows(QModelIndex(), 0, dropped - 1)
            self._rows -= dropped
            self.endRemoveRows()
        total = len(self._log)
        if total < self._rows:  # the log was cleared
            self.beginResetModel()
            self._rows = total
            self.endResetModel()
        elif total > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, total - 1)
            self._rows = total
            self.endInsertRows()

    def message(self, row: int) -> Message:
        return self._log[row]

    def row_count(self) -> int:
        return self._rows

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= min(self._rows, len(self._log)):
            return None
        m = self._log[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(m, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{m.text}\n\n{m.explanation}" if m.explanation else m.text
        if role == Qt.ItemDataRole.UserRole:
            return _RANK[m.severity]
        if role == Qt.ItemDataRole.BackgroundRole and m.severity is Severity.ERROR:
            return QBrush(_ERROR_BG)
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            light = QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() > 128
            if m.severity is Severity.ERROR:
                return QBrush(_ERROR_FG[light])
            if m.severity is Severity.WARNING:
                return QBrush(_WARNING_FG[light])
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _text(m: Message, col: int) -> str:
    if col == 0:
        return m.time.astimezone().strftime("%H:%M:%S")
    if col == 1:
        return m.severity.value.capitalize()
    if col == 2:
        return str(m.code) if m.code else ""
    if col == 3:
        return str(m.req_id) if m.req_id >= 0 else ""
    if col == 4:
        return m.contract_text
    if col == 5:
        return m.text if m.source == "IB" else f"[app] {m.text}"
    return m.explanation or (app_meaning(m.text) if m.source == "app" else "")


class MessagesFilter(QSortFilterProxyModel):
    """Minimum severity plus a case-insensitive text match on any column."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._min_rank = 0
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)

    def set_min_severity(self, rank: int) -> None:
        self.beginFilterChange()
        self._min_rank = rank
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        rank = model.index(source_row, 0, source_parent).data(Qt.ItemDataRole.UserRole)
        if rank is not None and rank < self._min_rank:
            return False
        return super().filterAcceptsRow(source_row, source_parent)


class MessagesPanel(QWidget):
    def __init__(self, log: MessageLog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = MessagesModel(log, self)
        self.proxy = MessagesFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter messages (text, code, symbol)…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.severity = QComboBox(self)
        for label, rank in SEVERITY_FILTERS:
            self.severity.addItem(label, rank)
        self.severity.currentIndexChanged.connect(
            lambda _i: self.proxy.set_min_severity(int(self.severity.currentData()))
        )
        self.count = QLabel(self)
        clear = QPushButton("Clear", self)
        clear.setToolTip("Remove all messages from the list")
        clear.clicked.connect(lambda: self._clear(log))
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        copy = QAction("&Copy", self.table)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy.triggered.connect(self.copy_selection)
        self.table.addAction(copy)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(20)
        header = self.table.horizontalHeader()
        for col, width in enumerate((64, 64, 48, 48, 140, 380)):
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.severity)
        bar.addWidget(self.count)
        bar.addWidget(clear)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset):
            signal.connect(self._update_count)
        self._at_bottom = True
        self.proxy.rowsAboutToBeInserted.connect(self._note_scroll)
        self.proxy.rowsInserted.connect(self._follow_new_rows)
        self._update_count()

    def copy_selection(self) -> str:
        """Selected messages as tab-separated lines (with their meaning) on the clipboard."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        lines = [
            "\t".join(self.proxy.index(r, c).data() or "" for c in range(len(COLUMNS)))
            for r in rows
        ]
        text = "\n".join(lines)
        QGuiApplication.clipboard().setText(text)
        return text

    def _clear(self, log: MessageLog) -> None:
        log.clear()
        self.model.sync()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{shown}" if shown == total else f"{shown} of {total}")

    def _note_scroll(self) -> None:
        bar = self.table.verticalScrollBar()
        self._at_bottom = bar.value() >= bar.maximum() - 2

    def _follow_new_rows(self) -> None:
        """Keep showing the newest messages, unless the user scrolled up to read older ones."""
        if self._at_bottom:
            self.table.scrollToBottom()

    def release_panel(self) -> None:
        self.model.detach()

    def panel_state(self) -> dict[str, Any]:
        return {"filter": self.search.text(), "min_severity": int(self.severity.currentData())}

    def restore_panel_state(self, state: dict[str, Any]) -> None:
        self.search.setText(str(state.get("filter", "")))
        rank = int(state.get("min_severity", 0))
        index = self.severity.findData(rank)
        self.severity.setCurrentIndex(max(0, index))
