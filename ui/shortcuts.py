"""Help → Shortcuts: every keyboard shortcut of the window and its panels.

The list is collected from the live menus, actions and QShortcuts (described by their
`whatsThis()`), so it cannot drift from what the keys really do.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def collect_shortcuts(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(where, what, keys) for each action with a shortcut, in menu order, without duplicates."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()

    def visit(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                visit(sub, f"{path} › {_clean(sub.title())}")
            else:
                add(action, path)

    def add(binding: QAction | QShortcut, where: str) -> None:
        if isinstance(binding, QAction):
            keys, what = binding.shortcuts(), binding.text()
        else:
            keys, what = binding.keys(), binding.whatsThis() or binding.objectName()
        if not keys or id(binding) in seen:
            return
        seen.add(id(binding))
        text = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        rows.append((where, _clean(what), text))

    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu):
            visit(menu, _clean(menu.title()))
    for action in window.actions():
        add(action, "Window")
    for shortcut in window.findChildren(
        QShortcut, options=Qt.FindChildOption.FindDirectChildrenOnly
    ):
        add(shortcut, "Window")
    shown: set[str] = set()
    for dock in window.findChildren(QDockWidget):
        widget = dock.widget()
        kind = dock.objectName().partition(":")[0]
        if widget is None or kind in shown:
            continue
        shown.add(kind)  # one of each kind: three charts have the same keys
        title = dock.windowTitle().rstrip("0123456789 ")
        for action in widget.findChildren(QAction):
            add(action, f"{title} panel")
        for shortcut in widget.findChildren(QShortcut):
            add(shortcut, f"{title} panel")
    return rows


def _clean(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        rows = collect_shortcuts(window)
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels(["Keys", "Action", "Menu"])
        for r, (where, what, keys) in enumerate(rows):
            for c, text in enumerate((keys, what, where)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(r, c, item)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(520, 420)
