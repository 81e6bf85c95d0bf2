"""A row background (e.g. the Messages dock's error highlight) on the live-table base: drawn under
the row's cells, and a change of it repaints that row's cells and nothing else."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.live_table.columns import LiveRow
from ui.live_table.model import LiveTableModel
from ui.live_table.text_column import TextColumn
from ui.live_table.view import LiveTableView

MARK = QColor(200, 30, 30)


@dataclass(eq=False, kw_only=True)
class Item(LiveRow):
    name: str
    marked: bool = False


class Items(LiveTableModel):
    background_colors: ClassVar[list[QColor | None]] = [None, MARK]

    def background(self, row: Item) -> int:
        return 1 if row.marked else 0


def _column(key: str) -> TextColumn:
    return TextColumn(key, key.title(), lambda row: f"{row.name} {key}")


COLUMNS = [_column(key) for key in ("a", "b", "c")]


@pytest.fixture
def view(qapp: QApplication, qtbot: QtBot) -> Iterator[LiveTableView]:
    model = Items(COLUMNS)
    model.reset_rows([Item(name=f"r{i}") for i in range(10)])
    shown = LiveTableView(model)
    shown.setAlternatingRowColors(False)
    shown.resize(500, 400)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    model.detach()
    shown.close()
    shown.deleteLater()


def test_a_row_background_change_repaints_that_rows_cells_only(
    view: LiveTableView, qtbot: QtBot
) -> None:
    model = view.model()
    assert isinstance(model, Items)
    paints: list[tuple[list[int], int]] = []
    view.painted.connect(lambda rows, cells: paints.append((list(rows), cells)))
    model.row(4).marked = True
    with qtbot.waitSignal(view.painted, timeout=1000):
        model.mark_dirty(model.row(4))
    assert paints == [([4], 3)]  # the row's three cells, no other row
    image = view.viewport().grab().toImage()
    x = view.columnViewportPosition(2) + view.columnWidth(2) - 2  # right of the text
    assert image.pixelColor(x, view.rowViewportPosition(4) + 2) == MARK
    assert image.pixelColor(x, view.rowViewportPosition(5) + 2) != MARK
    assert model.index(4, 0).data(Qt.ItemDataRole.BackgroundRole) == MARK
    assert model.index(5, 0).data(Qt.ItemDataRole.BackgroundRole) is None

    paints.clear()
    model.row(4).marked = False
    with qtbot.waitSignal(view.painted, timeout=1000):
        model.mark_dirty(model.row(4))
    assert paints == [([4], 3)]
    image = view.viewport().grab().toImage()
    assert image.pixelColor(x, view.rowViewportPosition(4) + 2) != MARK


def test_a_selected_row_shows_the_selection_not_its_background(
    view: LiveTableView, qtbot: QtBot
) -> None:
    model = view.model()
    assert isinstance(model, Items)
    model.row(2).marked = True
    model.mark_dirty(model.row(2))
    qtbot.waitUntil(lambda: not model.frame_pending(), timeout=1000)
    view.selectRow(2)
    qtbot.waitUntil(lambda: view.selectionModel().isRowSelected(2))
    image = view.viewport().grab().toImage()
    x = view.columnViewportPosition(1) + view.columnWidth(1) - 2
    highlight = view.palette().color(view.palette().ColorRole.Highlight)
    assert image.pixelColor(x, view.rowViewportPosition(2) + 2) == highlight
