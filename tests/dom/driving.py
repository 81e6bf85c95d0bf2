"""Driving the ladder with the mouse the way a user does: points of cells, clicks, drags."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from ui.dom.cells import Col
from ui.dom.panel import DomPanel


def bring_on_screen(panel: DomPanel, index: int) -> None:
    """Centre the window on `index`, as scrolling there would."""
    panel.ladder.window_.centre = index


def point(panel: DomPanel, col: Col, index: int, glyph: bool = False) -> QPoint:
    """Inside the cell of `col` at `index` (on its × when `glyph`, else away from it)."""
    ladder = panel.ladder
    row = ladder.window_.row_of(index)
    assert row is not None, f"tick {index} is not on screen"
    x = ladder._col_x(col) + (4 if glyph else ladder._col_width(col) - 6)
    return QPoint(x, ladder._row_rect(row).center().y())


def click(
    panel: DomPanel,
    col: Col,
    index: int,
    button: Qt.MouseButton = Qt.MouseButton.LeftButton,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    glyph: bool = False,
) -> None:
    bring_on_screen(panel, index)
    QTest.mouseClick(panel.ladder, button, modifier, point(panel, col, index, glyph))
