"""The link colour chooser in a dock's title bar: a coloured square with a menu of colours."""

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from terminal_app.workspace.link_groups import LINK_COLORS, NOT_LINKED, link_color


def color_icon(key: str, size: int = 12) -> QIcon:
    """A filled square in the link colour; "not linked" is an outlined grey square."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    color = link_color(key)
    if color.hex is None:
        painter.setPen(QColor("#8a8f98"))
        painter.drawRect(1, 1, size - 3, size - 3)
    else:
        painter.fillRect(1, 1, size - 2, size - 2, QColor(color.hex))
    painter.end()
    return QIcon(pixmap)


class LinkColorButton(QToolButton):
    color_chosen = Signal(str)

    def __init__(self, color: str = NOT_LINKED, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoRaise(True)
        self.setIconSize(QSize(12, 12))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        self._group = QActionGroup(self)
        self._actions: dict[str, QAction] = {}
        for c in LINK_COLORS:
            action = QAction(color_icon(c.key), c.label, menu)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, key=c.key: self._choose(key))
            self._group.addAction(action)
            menu.addAction(action)
            self._actions[c.key] = action
        self.setMenu(menu)
        self._color = NOT_LINKED
        self.set_color(color)

    @property
    def color(self) -> str:
        return self._color

    def set_color(self, key: str) -> None:
        key = link_color(key).key
        self._color = key
        self._actions[key].setChecked(True)
        self.setIcon(color_icon(key))
        self.setToolTip(f"Link group: {link_color(key).label}")

    def _choose(self, key: str) -> None:
        if key != self._color:
            self.set_color(key)
            self.color_chosen.emit(key)
