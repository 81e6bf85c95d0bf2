"""Opening a live table's header menu as a right-click does, and finding its actions by what
they read on screen."""

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QTableView


def open_header_menu(view: QTableView, column: int) -> QMenu:
    """Right-click the header over `column`; the menu the view pops up."""
    header = view.horizontalHeader()
    at = QPoint(header.sectionViewportPosition(column) + 4, header.height() // 2)
    header.customContextMenuRequested.emit(at)
    shown = [m for m in view.findChildren(QMenu) if m.isVisible() and m.parent() is view]
    assert shown, "the header menu did not open"
    return shown[0]


def menu_action(menu: QMenu, shown_text: str) -> QAction:
    """The action, in `menu` or its submenus, whose text reads `shown_text` on screen (the text
    with its mnemonic markers stripped, as the menu draws it)."""
    found = [a for a in _actions(menu) if a.iconText() == shown_text]
    assert found, f"no {shown_text!r} in {[a.iconText() for a in _actions(menu)]}"
    return found[0]


def _actions(menu: QMenu) -> list[QAction]:
    actions: list[QAction] = []
    for action in menu.actions():
        submenu = action.menu()
        actions.extend(_actions(submenu) if isinstance(submenu, QMenu) else [action])
    return actions
