"""A live table that shows only the rows a filter accepts, keeping the others for when it changes.

The model's rows (`rowCount`, `row`, `rows`) are the shown ones, so the view, painting and
selection work on them unchanged; `all_rows` keeps every row in order. The filter is asked when a
row comes in and when it is set (`set_filter`, `refilter`), not on every change of a row: a
filter over values that move would make rows jump in and out under the user.
"""

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt

from ui.live_table.columns import ColumnSpec, LiveRow
from ui.live_table.model import Index, LiveTableModel

Accepts = Callable[[Any], bool]


class FilteredLiveTableModel(LiveTableModel):
    def __init__(
        self,
        columns: Sequence[ColumnSpec],
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(columns, parent, clock)
        self._all: list[Any] = []
        self._accepts: Accepts | None = None

    def accepts(self, row: Any) -> bool:
        return self._accepts is None or self._accepts(row)

    def set_filter(self, accepts: Accepts | None) -> None:
        """Show the rows `accepts` says yes to (None: every row)."""
        self._accepts = accepts
        self.refilter()

    def refilter(self) -> None:
        """Ask the filter again about every row (one model reset)."""
        self.beginResetModel()
        self._rows = [row for row in self._all if self.accepts(row)]
        self.endResetModel()

    def all_rows(self) -> list[Any]:
        return list(self._all)

    def total_rows(self) -> int:
        return len(self._all)

    # -- structure: every change of the shown rows is made to all rows too ----------------------

    def reset_rows(self, rows: Sequence[LiveRow]) -> None:
        shown = {id(row) for row in self._rows}
        for row in self._all:
            if id(row) not in shown:
                self.on_removed(row)  # the base lets go of the shown ones
        self._all = list(rows)
        super().reset_rows([row for row in rows if self.accepts(row)])

    def append(self, row: LiveRow, at: int | None = None) -> int:
        """Add `row` before the shown row `at` (None: at the end); returns where it shows, or -1
        when the filter hides it."""
        shown = len(self._rows) if at is None or at < 0 else min(at, len(self._rows))
        before = self._position(self._rows[shown]) if shown < len(self._rows) else len(self._all)
        self._all.insert(before, row)
        return super().append(row, shown) if self.accepts(row) else -1

    def extend(self, rows: Sequence[LiveRow]) -> None:
        """Add `rows` at the end: one `rowsInserted` for the ones the filter shows."""
        self._all.extend(rows)
        shown = [row for row in rows if self.accepts(row)]
        if shown:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(shown) - 1)
            self._rows.extend(shown)
            self.endInsertRows()
            self._forget_sort()

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        gone = {id(r) for r in self._rows[max(row, 0) : row + count]}
        removed = super().removeRows(row, count, parent)
        if removed:
            self._all = [r for r in self._all if id(r) not in gone]
        return removed

    def remove_rows(self, rows: Iterable[LiveRow]) -> None:
        """Remove `rows`, shown or filtered out (e.g. the oldest when a log drops them)."""
        gone = {id(row) for row in rows}
        shown = [i for i, row in enumerate(self._rows) if id(row) in gone]
        for first, last in reversed(_runs(shown)):
            self.removeRows(first, last - first + 1)
        hidden = [row for row in self._all if id(row) in gone]
        if hidden:
            self._all = [row for row in self._all if id(row) not in gone]
            for row in hidden:
                self.on_removed(row)
            self.rows_released.emit(hidden)

    def move_rows(self, sources: Sequence[int], target: int) -> None:
        moving = [self._rows[i] for i in sorted(set(sources)) if 0 <= i < len(self._rows)]
        super().move_rows(sources, target)
        if not moving:
            return
        # Among all rows, the moved ones go just before the shown row that now follows them.
        moved = {id(row) for row in moving}
        after = max(i for i, row in enumerate(self._rows) if id(row) in moved) + 1
        rest = [row for row in self._all if id(row) not in moved]
        at = len(rest)
        if after < len(self._rows):
            at = next(i for i, row in enumerate(rest) if row is self._rows[after])
        self._all = rest[:at] + [row for row in self._rows if id(row) in moved] + rest[at:]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._all = self.sorted_rows(self._all, column, order)
        super().sort(column, order)

    def _position(self, row: Any) -> int:
        return next(i for i, r in enumerate(self._all) if r is row)


def _runs(indices: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted indices as (first, last) runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs
