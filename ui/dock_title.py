"""A compact dock title bar: title, link colour chooser (for linked panels), float and close."""

from collections.abc import Callable

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QStyle, QToolButton, QWidget

from ui.link_chooser import LinkColorButton


class DockTitleBar(QWidget):
    """Mouse presses not taken by the buttons reach the QDockWidget, so dragging and
    double-click-to-float still work as with the native title bar."""

    def __init__(
        self, dock: QDockWidget, link: LinkColorButton | None, on_close: Callable[[], None]
    ) -> None:
        super().__init__(dock)
        self.setObjectName("dock-title")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 1, 2, 1)
        layout.setSpacing(4)
        self.link_button = link
        if link is not None:
            layout.addWidget(link)
        self.title = QLabel(dock.windowTitle(), self)
        self.title.setObjectName("dock-title-label")
        layout.addWidget(self.title, 1)
        dock.windowTitleChanged.connect(self.title.setText)
        style = self.style()
        self.float_button = self._button(
            style.standardIcon(QStyle.StandardPixmap.SP_TitleBarNormalButton), "Float / dock"
        )
        self.float_button.clicked.connect(lambda: dock.setFloating(not dock.isFloating()))
        self.close_button = self._button(
            style.standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton),
            "Close panel (frees its market data lines; View menu hides and shows instead)",
        )
        self.close_button.clicked.connect(lambda: on_close())
        layout.addWidget(self.float_button)
        layout.addWidget(self.close_button)

    def _button(self, icon: QIcon, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setAutoRaise(True)
        button.setIcon(icon)
        button.setToolTip(tip)
        return button
