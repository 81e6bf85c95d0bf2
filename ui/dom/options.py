"""The ladder's view switches, in one menu beside the header: cumulative depth, SMART depth
(only where IB aggregates depth for the contract) and auto-centre."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget


class LadderOptions(QToolButton):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText("View")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        self.cumulative = self._switch(menu, "Cumulative depth", False)
        self.cumulative.setToolTip("Bid and ask sizes summed from the inside market outward")
        self.smart = self._switch(menu, "SMART depth", True)
        self.smart.setToolTip("Depth from every exchange, aggregated (SMART-routed contracts)")
        self.auto_centre = self._switch(menu, "Auto-centre", True)
        self.auto_centre.setToolTip("Follow the inside market; off: Space or C recentres")
        self.setMenu(menu)

    @staticmethod
    def _switch(menu: QMenu, text: str, on: bool) -> QAction:
        action = menu.addAction(text)
        action.setCheckable(True)
        action.setChecked(on)
        return action
