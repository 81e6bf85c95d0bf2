"""What a press on the ladder may become: a drag of the working orders in the pressed cell, or
a press on that cell's × (a click there cancels them). Decided at the press, so a drag is only
ever one gesture: the release sends one modify per order dragged, moves in between send nothing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from ui.dom.cells import Col


class DragState:
    def __init__(self, has_orders: Callable[[Col, int], bool]) -> None:
        self._has_orders = has_orders
        self.source: tuple[Col, int] | None = None  # the order cell being dragged
        self.glyph = False  # the press was on the cell's ×
        self.moved = False  # the drag left its row (back on it, the release does nothing)

    def press(self, cell: tuple[Col, int] | None, button: Qt.MouseButton, glyph: bool) -> None:
        left = button == Qt.MouseButton.LeftButton
        grabs = left and cell is not None and self._has_orders(*cell)
        self.glyph = grabs and glyph
        self.source = cell if grabs and not glyph else None
        self.moved = False

    def over(self, index: int | None) -> None:
        if self.source is not None and index != self.source[1]:
            self.moved = True
