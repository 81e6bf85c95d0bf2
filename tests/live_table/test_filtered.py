"""The filtered live table: shown rows are the ones the filter accepts, the others are kept in
order, and every structural change applies to both."""

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui.live_table.columns import LiveRow
from ui.live_table.filtered import FilteredLiveTableModel
from ui.live_table.text_column import TextColumn


@dataclass(eq=False, kw_only=True)
class Item(LiveRow):
    name: str
    size: int


COLUMNS = [
    TextColumn("name", "Name", lambda r: r.name),
    TextColumn("size", "Size", lambda r: str(r.size)),
]


def _model(*sizes: int) -> FilteredLiveTableModel:
    model = FilteredLiveTableModel(COLUMNS)
    model.reset_rows([Item(name=f"i{n}", size=n) for n in sizes])
    return model


def _names(rows: list[Item]) -> list[str]:
    return [r.name for r in rows]


def test_the_filter_shows_what_it_accepts_and_keeps_the_rest(qapp: QApplication) -> None:
    model = _model(1, 2, 3, 4, 5, 6)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.set_filter(lambda r: r.size % 2 == 0)
    assert _names(model.rows()) == ["i2", "i4", "i6"]
    assert model.rowCount() == 3 and model.total_rows() == 6
    assert model.index(1, 0).data() == "i4"
    model.set_filter(None)
    assert _names(model.rows()) == ["i1", "i2", "i3", "i4", "i5", "i6"]
    assert len(resets) == 2


def test_rows_added_under_a_filter_keep_their_place_among_all(qapp: QApplication) -> None:
    model = _model(1, 2, 3, 4)
    model.set_filter(lambda r: r.size % 2 == 0)
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    assert model.append(Item(name="i8", size=8), at=1) == 1  # before the shown i4
    assert model.append(Item(name="i7", size=7)) == -1  # hidden, kept at the end
    model.extend([Item(name="i9", size=9), Item(name="i10", size=10), Item(name="i12", size=12)])
    assert inserted == [(1, 1), (3, 4)]  # one insert for the batch's shown rows
    assert _names(model.rows()) == ["i2", "i8", "i4", "i10", "i12"]
    assert _names(model.all_rows()) == ["i1", "i2", "i3", "i8", "i4", "i7", "i9", "i10", "i12"]


def test_removing_moving_and_sorting_under_a_filter(qapp: QApplication) -> None:
    model = _model(1, 2, 3, 4, 5, 6)
    released: list[list[str]] = []
    model.rows_released.connect(lambda rows: released.append(_names(rows)))
    model.set_filter(lambda r: r.size % 2 == 0)
    everything = model.all_rows()
    model.remove_rows([everything[0], everything[1], everything[4]])  # i1 hidden, i2 shown, i5
    assert _names(model.rows()) == ["i4", "i6"]
    assert _names(model.all_rows()) == ["i3", "i4", "i6"]
    assert sorted(name for names in released for name in names) == ["i1", "i2", "i5"]
    model.move_rows([1], 0)  # i6 before i4
    assert _names(model.rows()) == ["i6", "i4"]
    assert _names(model.all_rows()) == ["i3", "i6", "i4"]
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert _names(model.all_rows()) == ["i6", "i4", "i3"]
    assert model.sorted_by() == (1, Qt.SortOrder.DescendingOrder)
    model.set_filter(None)
    assert _names(model.rows()) == ["i6", "i4", "i3"]
    assert model.removeRows(0, 1)
    assert _names(model.all_rows()) == ["i4", "i3"]
