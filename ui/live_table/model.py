"""A table model over live rows: changes mark rows dirty, one frame turns them into `dataChanged`.

Texts and colours are built once per row change, when a view shows the row, and kept on the row
(`LiveRow`); painting reads them directly instead of asking `data()` per cell and role. A value
that moves flashes its cell in two steps (see `flash`), so a fading row is refreshed at the step
times, not on every frame.
"""

import bisect
import math
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from ui.live_table import flash
from ui.live_table.columns import ColumnSpec, LiveRow
from ui.live_table.frames import FrameScheduler

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
# The sorted column's title ends in TWS's arrow. In the title, not the style's sort indicator:
# Fusion draws that over a right-aligned title ("Last" lost its "t").
SORT_ARROWS = {Qt.SortOrder.AscendingOrder: "▲", Qt.SortOrder.DescendingOrder: "▼"}
LEVEL_SHIFT = 16  # colors[c] = foreground + LEVEL_SHIFT * flash level + BG_SHIFT * background
BG_SHIFT = LEVEL_SHIFT * flash.LEVELS
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ROW_FLAGS = (
    Qt.ItemFlag.ItemIsDropEnabled
    | Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsDragEnabled
)

Index = QModelIndex | QPersistentModelIndex


class LiveTableModel(QAbstractTableModel):
    """Rows of `LiveRow`s under declarative columns. Subclasses say how a row reads (`build`)."""

    rows_released = Signal(list)  # rows removed from the model (drag-move, Delete)
    sort_changed = Signal()  # a sort, or the order it made no longer holds (`sorted_by`)
    frame_flushed = Signal(int)  # one frame is out: how many rows it changed
    # Foreground colours by index; 0 = the view's own text colour.
    foreground_colors: ClassVar[list[QColor | None]] = [None]
    # Row backgrounds by index (`background`), drawn over the base; 0 = none.
    background_colors: ClassVar[list[QColor | None]] = [None]

    def __init__(
        self,
        columns: Sequence[ColumnSpec],
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.alignments = [RIGHT if c.align_right else LEFT for c in self.columns]
        self._flashing = [i for i, c in enumerate(self.columns) if c.flashes]
        self._rows: list[Any] = []
        self._dirty: set[int] = set()
        self._frame_asked = False  # a frame for changed rows is on its way
        self._frame_rows: list[int] | None = None  # the changed rows while a frame is emitted
        self._clock = clock
        self._frames = FrameScheduler(self.flush, self)
        self._sorted: tuple[int, Qt.SortOrder] | None = None  # the order the rows still keep

    # -- what subclasses say ------------------------------------------------------------------

    def build(self, row: Any) -> tuple[list[str], list[int]]:
        """The row's texts and foreground colour indexes, one per column."""
        return self.format_row(row), [0] * len(self.columns)

    def format_key(self, row: Any) -> object:
        """What formatting depends on besides the values (e.g. the tick size): a change of it
        reformats every column."""
        return None

    def format_row(self, row: LiveRow) -> list[str]:
        """Every column's text, formatting only the values that moved since the last build."""
        columns = self.columns
        values = [c.get(row) for c in columns]
        key = self.format_key(row)
        memo = row.memo
        if memo is None or memo[2] != key:
            texts = [c.format(v, row) for c, v in zip(columns, values, strict=True)]
        else:
            old_values, old_texts, _ = memo
            texts = [
                old if value == before else column.format(value, row)
                for column, value, before, old in zip(
                    columns, values, old_values, old_texts, strict=True
                )
            ]
        row.memo = (values, texts, key)
        return texts

    def background(self, row: Any) -> int:
        """The row's background index (`background_colors`), e.g. to mark an error row."""
        return 0

    def tooltip(self, row: Any) -> str | None:
        return None

    def shows_flash(self, row: Any) -> bool:
        return True

    def on_removed(self, row: Any) -> None:
        """A row left the model (stop listening to its source)."""

    # -- structure ----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row(self, index: int) -> Any:
        return self._rows[index]

    def reset_rows(self, rows: Sequence[LiveRow]) -> None:
        """Replace every row at once (one `modelReset`), e.g. a new set of search results."""
        self.beginResetModel()
        for row in self._rows:
            self.on_removed(row)
        self._rows = list(rows)
        self._dirty.clear()
        self.endResetModel()

    def append(self, row: LiveRow, at: int | None = None) -> int:
        position = len(self._rows) if at is None or at < 0 else min(at, len(self._rows))
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, row)
        self.endInsertRows()
        self._forget_sort()  # a new row takes the place it is given, not its sorted place
        return position

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or row < 0 or count <= 0 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        removed = self._rows[row : row + count]
        del self._rows[row : row + count]
        self.endRemoveRows()
        for item in removed:
            self.on_removed(item)
            self._dirty.discard(id(item))
        self.rows_released.emit(removed)
        return True

    def remove_indices(self, indices: Iterable[int]) -> None:
        for index in sorted(set(indices), reverse=True):
            self.removeRows(index, 1)

    def move_rows(self, sources: Sequence[int], target: int) -> None:
        """Move the rows `sources` (any order) so they stand, in order, before row `target`."""
        picked = sorted(set(i for i in sources if 0 <= i < len(self._rows)))
        if not picked:
            return
        self.layoutAboutToBeChanged.emit()
        old = self._rows
        moving = [old[i] for i in picked]
        before = sum(1 for i in picked if i < target)
        rest = [r for i, r in enumerate(old) if i not in set(picked)]
        at = max(0, min(target - before, len(rest)))
        self._rows = rest[:at] + moving + rest[at:]
        self._remap_persistent(old)
        self.layoutChanged.emit()
        self._forget_sort()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder the rows once by a column (as TWS does): live values do not keep re-sorting.
        The order is remembered (`sorted_by`) until a row is added or moved."""
        self.layoutAboutToBeChanged.emit()
        old = self._rows
        self._rows = self.sorted_rows(old, column, order)
        self._remap_persistent(old)
        self.layoutChanged.emit()
        self._sorted = (column, order)
        self._announce_sort()

    def sorted_rows(self, rows: Sequence[Any], column: int, order: Qt.SortOrder) -> list[Any]:
        """`rows` in the order of `column`'s values; blanks last whichever the direction."""
        get = self.columns[column].get
        values = [(get(row), row) for row in rows]
        filled = [(v, r) for v, r in values if v is not None and v != ""]
        blank = [r for v, r in values if v is None or v == ""]
        filled.sort(key=lambda pair: pair[0], reverse=order == Qt.SortOrder.DescendingOrder)
        return [r for _, r in filled] + blank

    def sorted_by(self) -> tuple[int, Qt.SortOrder] | None:
        """The column and direction of the last sort while the rows still stand in its order."""
        return self._sorted

    def _forget_sort(self) -> None:
        if self._sorted is not None:
            self._sorted = None
            self._announce_sort()

    def _announce_sort(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        self.sort_changed.emit()

    def _remap_persistent(self, old_rows: Sequence[Any]) -> None:
        """Keep selections and the current index on the same rows after the rows were reordered
        from `old_rows` (the persistent indexes still hold the old row numbers)."""
        old = self.persistentIndexList()
        position = {id(r): i for i, r in enumerate(self._rows)}
        new = []
        for index in old:
            row = old_rows[index.row()] if 0 <= index.row() < len(old_rows) else None
            target = position.get(id(row), -1) if row is not None else -1
            new.append(self.index(target, index.column()) if target >= 0 else QModelIndex())
        self.changePersistentIndexList(old, new)

    # -- live updates -------------------------------------------------------------------------

    def changed(self, row: LiveRow) -> None:
        """The row's source moved: flash the flashing columns whose value moved, repaint."""
        now = self._clock() * 1000.0
        seen = row.seen
        for column in self._flashing:
            value = self.columns[column].get(row)
            if not isinstance(value, float):
                continue
            previous = seen.get(column)
            seen[column] = value
            if previous is not None and value != previous:
                row.flashes[column] = (1 if value > previous else -1, now)
        self.mark_dirty(row)

    def mark_dirty(self, row: LiveRow) -> None:
        """The row's data changed: rebuild its texts and repaint it in the next frame."""
        row.outdated = True
        self._dirty.add(id(row))
        if not self._frame_asked:
            self._frame_asked = True
            self._frames.request()

    def note_paint(self, seconds: float) -> None:
        """The view painted for `seconds`: stretch the frame so painting stays a minor share."""
        self._frames.note_paint(seconds)

    def frame_interval(self) -> int:
        return self._frames.interval()

    def frame_pending(self) -> bool:
        return self._frames.is_active()

    def detach(self) -> None:
        """Stop repainting (the panel is going away)."""
        self._dirty.clear()
        self._frames.stop()
        self._frame_asked = False

    def cells(self, row: LiveRow) -> tuple[list[str], list[int]]:
        """The row's texts and colours as painting shows them."""
        if row.outdated or row.colors is None:
            self._refresh(row, self._clock() * 1000.0)
        assert row.texts is not None and row.colors is not None
        return row.texts, row.colors

    def flush(self) -> int:
        """Emit one `dataChanged` over the rows changed since the last frame; returns how many
        rows changed. The range may cover unchanged rows between them: a view asks
        `frame_rows` for the changed ones instead of comparing every row in the range."""
        self._frame_asked = False
        if not self._dirty:
            return 0
        self._frames.ran()
        now = self._clock() * 1000.0
        dirty, fading = self._dirty, set()
        dirty_rows: list[int] = []
        next_step = math.inf
        for i, row in enumerate(self._rows):
            if id(row) not in dirty:
                continue
            if row.outdated:  # built when a view shows it (`cells`): no texts for hidden rows
                step = _next_flash_step(row, now)
                dirty_rows.append(i)
            elif row.next_step <= now:  # a flash steps: new colours, same texts
                step = self._refresh(row, now)
                dirty_rows.append(i)
            else:  # fading, its next step not due: nothing to show this frame
                step = row.next_step
            if step < math.inf:
                fading.add(id(row))
                next_step = min(next_step, step)
        # A fading row stays dirty; its next level is due at `next_step`, not next frame.
        self._dirty = fading
        if dirty_rows:
            self._frame_rows = dirty_rows
            last_column = len(self.columns) - 1
            top, bottom = self.index(dirty_rows[0], 0), self.index(dirty_rows[-1], last_column)
            self.dataChanged.emit(top, bottom)
            self._frame_rows = None
        if fading:
            self._frames.request(next_step - now)
        self.frame_flushed.emit(len(dirty_rows))
        return len(dirty_rows)

    def frame_rows(self, first: int, last: int) -> Sequence[int]:
        """The rows from `first` to `last` that changed: while a frame's `dataChanged` is out,
        only its changed rows; otherwise every row in the range."""
        rows = self._frame_rows
        if rows is None:
            return range(first, last + 1)
        return rows[bisect.bisect_left(rows, first) : bisect.bisect_right(rows, last)]

    def _refresh(self, row: LiveRow, now: float) -> float:
        """Bring the row's texts and colours up to date; returns when its flash next steps."""
        if row.outdated or row.foregrounds is None:
            row.texts, foregrounds = self.build(row)
            shade = self.background(row)
            if shade:  # in every cell's colour: a change repaints the row's cells, no others
                foregrounds = [f + BG_SHIFT * shade for f in foregrounds]
            row.foregrounds = foregrounds
            row.outdated = False
        colors = row.foregrounds
        next_step = math.inf
        if row.flashes:
            shown = self.shows_flash(row)
            for column, (direction, start) in list(row.flashes.items()):
                level = flash.level(direction, now - start)
                if not level:
                    del row.flashes[column]
                    continue
                next_step = min(next_step, flash.next_step_ms(start, now))
                if shown:
                    if colors is row.foregrounds:
                        colors = list(colors)
                    colors[column] += LEVEL_SHIFT * level
        if colors != row.colors:
            row.colors = colors
        row.next_step = next_step
        return next_step

    # -- data ---------------------------------------------------------------------------------

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            if self._sorted is not None and self._sorted[0] == section:
                return f"{column.header} {SORT_ARROWS[self._sorted[1]]}"
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole:
            if self._sorted is not None and self._sorted[0] == section:
                return sort_tooltip(column.tooltip, self._sorted[1])
            return column.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return RIGHT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Not on the paint path (the view paints from `cells`): drag pixmaps, tooltips, tests.
        if not index.isValid():
            return None
        role = int(role)
        row = self._rows[index.row()]
        column = index.column()
        if role == _DISPLAY:
            return self.cells(row)[0][column]
        if role == _BACKGROUND:
            return self._background(row, column)
        if role == _FOREGROUND:
            return self.foreground_colors[self.cells(row)[1][column] % LEVEL_SHIFT]
        if role == _ALIGNMENT:
            return self.alignments[column]
        if role == SORT_ROLE:
            return self.columns[column].get(row)
        if role == ROW_ROLE:
            return row
        if role == _TOOLTIP:
            return self.tooltip(row)
        return None

    def _background(self, row: LiveRow, column: int) -> QColor | None:
        """The cell's flash tint, else the row's background."""
        started = row.flashes.get(column)
        if started is not None and self.shows_flash(row):
            direction, start = started
            tint = flash.TINTS[flash.level(direction, self._clock() * 1000.0 - start)]
            if tint is not None:
                return tint
        return self.background_colors[self.cells(row)[1][column] // BG_SHIFT]

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.ItemIsDropEnabled


def sort_tooltip(tooltip: str, order: Qt.SortOrder) -> str:
    """The sorted column's header tooltip: what the arrow promises, and what clears it."""
    way = "ascending" if order == Qt.SortOrder.AscendingOrder else "descending"
    note = (
        f"Sorted once, {way}: rows keep their places as values change; click to sort again "
        "(a click on the sorted column reverses it). New rows are added at the end; a new or "
        "dragged row clears the arrow."
    )
    return f"{tooltip}\n{note}" if tooltip else note


def _next_flash_step(row: LiveRow, now: float) -> float:
    """When the row's flashes next change level; forgets the flashes that are over."""
    for column, (direction, start) in list(row.flashes.items()):
        if not flash.level(direction, now - start):
            del row.flashes[column]
    return min(
        (flash.next_step_ms(start, now) for _, start in row.flashes.values()), default=math.inf
    )
