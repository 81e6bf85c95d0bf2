"""The Messages dock: every IB error/warning/notice and app problem, filterable, errors highlighted.

`MessagesModel` is a live table (`ui.live_table`) over the session's Qt-free `MessageLog`: new
messages are collected and inserted once per frame, so an error storm costs one `rowsInserted` per
frame, not one per message, and the view paints only the cells that changed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QColor, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from terminal_app.ib_errors import Severity
from terminal_app.session.messages import Message, MessageLog
from ui.app_meanings import app_meaning
from ui.live_table.columns import LiveRow
from ui.live_table.filtered import FilteredLiveTableModel
from ui.live_table.frames import FrameScheduler
from ui.live_table.text_column import TextColumn
from ui.live_table.view import LiveTableView

_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
SEVERITY_FILTERS = (("All messages", 0), ("Warnings and errors", 1), ("Errors only", 2))
_ERROR_BG = QColor(198, 40, 40, 60)
# Severity colours (dark theme, light theme): readable on either background
_WARNING_FG = (QColor("#e0a100"), QColor("#9a6700"))
_ERROR_FG = (QColor("#ff6b6b"), QColor("#b42318"))
_SEVERITY = 1  # the column coloured by severity
_FOREGROUND = {Severity.WARNING: 1, Severity.ERROR: 3}  # + 1 on a light theme


@dataclass(eq=False, kw_only=True)
class MessageRow(LiveRow):
    message: Message


def _meaning(m: Message) -> str:
    return m.explanation or (app_meaning(m.text) if m.source == "app" else "")


def _column(header: str, text: Callable[[Message], str], right: bool = False) -> TextColumn:
    return TextColumn(header.lower(), header, lambda row: text(row.message), align_right=right)


MESSAGE_COLUMNS = (
    _column("Time", lambda m: m.time.astimezone().strftime("%H:%M:%S")),
    _column("Severity", lambda m: m.severity.value.capitalize()),
    _column("Code", lambda m: str(m.code) if m.code else "", right=True),
    _column("Id", lambda m: str(m.req_id) if m.req_id >= 0 else "", right=True),
    _column("Contract", lambda m: m.contract_text),
    _column("Message", lambda m: m.text if m.source == "IB" else f"[app] {m.text}"),
    _column("Meaning", _meaning),
)
COLUMNS = tuple(column.header for column in MESSAGE_COLUMNS)


class MessagesModel(FilteredLiveTableModel):
    """The log's messages as rows; a minimum severity and a text filter choose the ones shown."""

    foreground_colors: ClassVar[list[QColor | None]] = [None, *_WARNING_FG, *_ERROR_FG]
    background_colors: ClassVar[list[QColor | None]] = [None, _ERROR_BG]

    def __init__(self, log: MessageLog, parent: QObject | None = None) -> None:
        super().__init__(MESSAGE_COLUMNS, parent)
        self._log = log
        self._dropped_seen = log.dropped
        self._min_rank = 0
        self._needle = ""
        self._arrivals = FrameScheduler(self.sync, self)
        self.sync()
        self._unsubscribe: Callable[[], None] | None = log.subscribe(self._on_message)

    def detach(self) -> None:
        """Stop following the log (the panel is going away). Idempotent."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if shiboken6.isValid(self):
            self._arrivals.stop()
            super().detach()

    def _on_message(self, _message: Message) -> None:
        if not shiboken6.isValid(self):  # deleted without release_panel(): stop listening
            self.detach()
            return
        if not self._arrivals.is_active():
            self._arrivals.request()

    def sync(self) -> None:
        """Bring the rows in step with the log: drop the ones it let go, append the new ones.
        Row i of `all_rows()` is always the log's entry i."""
        self._arrivals.ran()  # the next batch waits for the next frame
        dropped = min(self._log.dropped - self._dropped_seen, self.total_rows())
        self._dropped_seen = self._log.dropped
        if dropped > 0:
            self.remove_rows(self._all[:dropped])
        taken, total = self.total_rows(), len(self._log)
        if total < taken:  # the log was cleared
            self.reset_rows([MessageRow(message=self._log[i]) for i in range(total)])
        elif total > taken:
            self.extend([MessageRow(message=self._log[i]) for i in range(taken, total)])

    def message(self, row: int) -> Message:
        """The message the shown row `row` holds."""
        return self.row(row).message

    def set_min_severity(self, rank: int) -> None:
        self._min_rank = rank
        self.set_filter(self._accepted)

    def set_text_filter(self, text: str) -> None:
        """Show the messages with `text` in any column, in any case."""
        self._needle = text.casefold()
        self.set_filter(self._accepted)

    def _accepted(self, row: MessageRow) -> bool:
        if _RANK[row.message.severity] < self._min_rank:
            return False
        needle = self._needle
        return not needle or any(needle in text.casefold() for text in self.cells(row)[0])

    def build(self, row: MessageRow) -> tuple[list[str], list[int]]:
        colors = [0] * len(MESSAGE_COLUMNS)
        severity = _FOREGROUND.get(row.message.severity)
        if severity is not None:
            light = QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() > 128
            colors[_SEVERITY] = severity + light
        return self.format_row(row), colors

    def background(self, row: MessageRow) -> int:
        return 1 if row.message.severity is Severity.ERROR else 0

    def tooltip(self, row: MessageRow) -> str | None:
        m = row.message
        return f"{m.text}\n\n{m.explanation}" if m.explanation else m.text


class MessagesPanel(QWidget):
    def __init__(self, log: MessageLog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = MessagesModel(log, self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter messages (text, code, symbol)…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.model.set_text_filter)
        self.severity = QComboBox(self)
        for label, rank in SEVERITY_FILTERS:
            self.severity.addItem(label, rank)
        self.severity.currentIndexChanged.connect(
            lambda _i: self.model.set_min_severity(int(self.severity.currentData()))
        )
        self.count = QLabel(self)
        clear = QPushButton("Clear", self)
        clear.setToolTip("Remove all messages from the list")
        clear.clicked.connect(lambda: self._clear(log))
        self.table = LiveTableView(self.model, self, sortable=False)  # a log keeps its order
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        self.table.setAlternatingRowColors(False)
        copy = QAction("&Copy", self.table)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy.triggered.connect(self.copy_selection)
        self.table.addAction(copy)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
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
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._update_count)
        self._at_bottom = True
        self.model.rowsAboutToBeInserted.connect(self._note_scroll)
        self.model.rowsInserted.connect(self._follow_new_rows)
        self._update_count()

    def copy_selection(self) -> str:
        """Selected messages as tab-separated lines (with their meaning) on the clipboard."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        lines = [
            "\t".join(self.model.index(r, c).data() or "" for c in range(len(COLUMNS)))
            for r in rows
        ]
        text = "\n".join(lines)
        QGuiApplication.clipboard().setText(text)
        return text

    def _clear(self, log: MessageLog) -> None:
        log.clear()
        self.model.sync()

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total_rows()
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
