"""The watchlist's table model: rows over live ib_async Tickers, repainted at most once a frame.

Ticker events only mark rows dirty; a frame timer turns the dirty rows into one `dataChanged` per
contiguous range. A frame is 16 ms, or longer when painting is slow: the view reports what its
paints cost and the next frame waits at least three times that (at most 100 ms), so repainting
never takes more than about a third of the event loop however busy the feed.

Bid/ask/last flashes are a per-cell start time that `data()` turns into a fading tint, so no timer
per cell: while any flash is fading its row stays dirty for the next frame.
"""

import json
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ib_async import Contract, Ticker
from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor

from ui.watchlist.columns import (
    COLUMN_INDEX,
    COLUMNS,
    FLASH_COLUMNS,
    SIGNED_COLUMNS,
    Kind,
    RowData,
)

FRAME_MS = 16
MAX_FRAME_MS = 100
PAINT_SHARE = 3  # a frame lasts at least this many times the recent paint cost
FLASH_MS = 600
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
MIME_TYPE = "application/x-ib-terminal-contracts"
_CONTRACT_FIELDS = (
    "conId",
    "symbol",
    "secType",
    "lastTradeDateOrContractMonth",
    "multiplier",
    "exchange",
    "primaryExchange",
    "currency",
    "localSymbol",
    "tradingClass",
)
_UP = QColor(38, 166, 91)
_DOWN = QColor(214, 69, 65)
_STALE = QColor(128, 128, 128)
_ERROR = QColor(230, 126, 34)
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ALIGNMENTS = [_LEFT if c.kind is Kind.TEXT else _RIGHT for c in COLUMNS]
_SIGNED = [i for i, c in enumerate(COLUMNS) if c.key in SIGNED_COLUMNS]
# Foreground colours by index (0 = the view's own text colour).
_PALETTE: list[QColor | None] = [None, _UP, _DOWN, _STALE, _ERROR]
_UP_COLOR, _DOWN_COLOR, _STALE_COLOR, _ERROR_COLOR = 1, 2, 3, 4
_ROW_FLAGS = (
    Qt.ItemFlag.ItemIsDropEnabled
    | Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsDragEnabled
)

Index = QModelIndex | QPersistentModelIndex


def contract_to_dict(contract: Contract) -> dict[str, Any]:
    return {name: getattr(contract, name) for name in _CONTRACT_FIELDS}


def contract_from_dict(data: dict[str, Any]) -> Contract:
    return Contract(**{k: v for k, v in data.items() if k in _CONTRACT_FIELDS})


class WatchlistModel(QAbstractTableModel):
    """Rows of one watchlist. Subscriptions are the owner's job: the model only shows them."""

    rows_released = Signal(list)  # list[RowData] removed from the model (drag-move, Delete)
    contracts_dropped = Signal(list, int)  # list[Contract] from another list, target row
    frame_flushed = Signal(int)  # number of dataChanged ranges emitted by one frame

    def __init__(
        self, parent: QObject | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self._rows: list[RowData] = []
        self._dirty: set[int] = set()
        self._handlers: dict[int, tuple[Ticker, Callable[[Ticker], None]]] = {}
        self._clock = clock
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FRAME_MS)
        self._paint_ms = 0.0  # recent paint cost, smoothed
        self._timer.timeout.connect(self.flush)
        # Tickers outlive the model: unhook them when Qt deletes it (the lambda holds no `self`).
        handlers = self._handlers
        self.destroyed.connect(lambda *_: _unhook_all(handlers))

    # -- structure --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def rows(self) -> list[RowData]:
        return list(self._rows)

    def row(self, index: int) -> RowData:
        return self._rows[index]

    def contracts(self) -> list[Contract]:
        return [r.contract for r in self._rows]

    def find(self, con_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.contract.conId == con_id), -1)

    def append(self, row: RowData, at: int | None = None) -> int:
        position = len(self._rows) if at is None or at < 0 else min(at, len(self._rows))
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, row)
        self.endInsertRows()
        if row.ticker is not None:
            self._watch(row, row.ticker)
        return position

    def set_ticker(self, row: RowData, ticker: Ticker | None) -> None:
        if row.ticker is not None:
            self._unwatch(row, row.ticker)
        row.ticker = ticker
        row.seen.clear()
        if ticker is not None:
            self._watch(row, ticker)
        self.mark_dirty(row)

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or row < 0 or count <= 0 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        removed = self._rows[row : row + count]
        del self._rows[row : row + count]
        self.endRemoveRows()
        for item in removed:
            if item.ticker is not None:
                self._unwatch(item, item.ticker)
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
        moving = [self._rows[i] for i in picked]
        before = sum(1 for i in picked if i < target)
        rest = [r for i, r in enumerate(self._rows) if i not in set(picked)]
        at = max(0, min(target - before, len(rest)))
        self._rows = rest[:at] + moving + rest[at:]
        self._remap_persistent()
        self.layoutChanged.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder the list once by a column (as TWS does): live values do not keep re-sorting."""
        spec = COLUMNS[column]
        reverse = order == Qt.SortOrder.DescendingOrder

        def key(row: RowData) -> tuple[int, Any]:
            value = spec.get(row)
            missing = value is None or value == ""
            # Blanks go last whichever the direction.
            return (1 if missing else 0, value if not missing else 0)

        self.layoutAboutToBeChanged.emit()
        filled = [r for r in self._rows if not key(r)[0]]
        blank = [r for r in self._rows if key(r)[0]]
        filled.sort(key=lambda r: key(r)[1], reverse=reverse)
        self._rows = filled + blank
        self._remap_persistent()
        self.layoutChanged.emit()

    def _remap_persistent(self) -> None:
        old = self.persistentIndexList()
        position = {id(r): i for i, r in enumerate(self._rows)}
        new = []
        for index in old:
            row = index.data(ROW_ROLE)
            target = position.get(id(row), -1) if row is not None else -1
            new.append(self.index(target, index.column()) if target >= 0 else QModelIndex())
        self.changePersistentIndexList(old, new)

    # -- live updates -------------------------------------------------------------------------

    def _watch(self, row: RowData, ticker: Ticker) -> None:
        def on_update(_ticker: Ticker) -> None:
            self._on_tick(row)

        self._handlers[id(row)] = (ticker, on_update)
        ticker.updateEvent += on_update

    def _unwatch(self, row: RowData, ticker: Ticker) -> None:
        hooked = self._handlers.pop(id(row), None)
        if hooked is not None:
            ticker.updateEvent -= hooked[1]

    def _on_tick(self, row: RowData) -> None:
        now = self._clock() * 1000.0
        for column in FLASH_COLUMNS:
            value = COLUMNS[column].get(row)
            if not isinstance(value, float):
                continue
            previous = row.seen.get(column)
            row.seen[column] = value
            if previous is not None and value != previous:
                row.flashes[column] = (1 if value > previous else -1, now)
        self.mark_dirty(row)

    def note_paint(self, seconds: float) -> None:
        """The view painted for `seconds`: stretch the frame so painting stays a minor share."""
        self._paint_ms = 0.7 * self._paint_ms + 0.3 * seconds * 1000.0

    def frame_interval(self) -> int:
        """Milliseconds from the first change of a frame to its repaint."""
        return int(min(MAX_FRAME_MS, max(FRAME_MS, PAINT_SHARE * self._paint_ms)))

    def detach(self) -> None:
        """Stop listening to every ticker and stop repainting (the panel is going away)."""
        _unhook_all(self._handlers)
        self._dirty.clear()
        self._timer.stop()

    def mark_dirty(self, row: RowData) -> None:
        """The row's data changed: rebuild its texts and repaint it in the next frame."""
        row.texts = row.colors = None
        self._repaint(row)

    def _repaint(self, row: RowData) -> None:
        self._dirty.add(id(row))
        if not self._timer.isActive():
            self._timer.start(self.frame_interval())

    def flush(self) -> int:
        """Emit one dataChanged per contiguous dirty range; returns how many were emitted."""
        if not self._dirty:
            return 0
        now = self._clock() * 1000.0
        dirty_rows: list[int] = []
        fading: list[RowData] = []
        for i, row in enumerate(self._rows):
            if id(row) not in self._dirty:
                continue
            dirty_rows.append(i)
            if row.flashes:
                row.flashes = {c: f for c, f in row.flashes.items() if now - f[1] < FLASH_MS}
                if row.flashes:
                    fading.append(row)
        self._dirty.clear()
        ranges = _contiguous(dirty_rows)
        last_column = len(COLUMNS) - 1
        for first, last in ranges:
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_column))
        for row in fading:
            self._repaint(row)  # the tint fades: repaint, texts unchanged
        self.frame_flushed.emit(len(ranges))
        return len(ranges)

    # -- data ---------------------------------------------------------------------------------

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind is not Kind.TEXT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Hot path: called per visible cell and role on every repaint. Plain int roles, texts and
        # colours built once per row change.
        if not index.isValid():
            return None
        role = int(role)
        row = self._rows[index.row()]
        column = index.column()
        if role == _DISPLAY:
            texts = row.texts
            if texts is None:
                texts = self._build(row)
            return texts[column]
        if role == _BACKGROUND:
            return self._flash_tint(row, column) if row.flashes else None
        if role == _FOREGROUND:
            if row.colors is None:
                self._build(row)
            assert row.colors is not None
            return _PALETTE[row.colors[column]]
        if role == _ALIGNMENT:
            return _ALIGNMENTS[column]
        if role == SORT_ROLE:
            return COLUMNS[column].get(row)
        if role == ROW_ROLE:
            return row
        if role == _TOOLTIP:
            if row.error:
                return row.error
            if row.stale:
                return "Market data is stale: its data farm or the connection is down."
            return row.description or None
        return None

    def _build(self, row: RowData) -> list[str]:
        texts = [column.text(row) for column in COLUMNS]
        if row.error:
            texts[0] = f"⚠ {texts[0]}"
        colors = [_ERROR_COLOR if row.error else _STALE_COLOR if row.stale else 0] * len(COLUMNS)
        if not row.error and not row.stale:
            for i in _SIGNED:
                value = COLUMNS[i].get(row)
                if isinstance(value, float) and value:
                    colors[i] = _UP_COLOR if value > 0 else _DOWN_COLOR
        row.texts, row.colors = texts, colors
        return texts

    def _flash_tint(self, row: RowData, column: int) -> QColor | None:
        flash = row.flashes.get(column)
        if flash is None or row.stale:
            return None
        elapsed = self._clock() * 1000.0 - flash[1]
        if elapsed >= FLASH_MS:
            return None
        tint = QColor(_UP if flash[0] > 0 else _DOWN)
        tint.setAlpha(int(150 * (1.0 - elapsed / FLASH_MS)))
        return tint

    # -- drag and drop ------------------------------------------------------------------------

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        return (
            base
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | (Qt.ItemFlag.ItemIsDragEnabled)
        )

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE, "text/plain"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        payload = {
            "source": id(self),
            "rows": rows,
            "contracts": [contract_to_dict(self._rows[r].contract) for r in rows],
        }
        mime = QMimeData()
        mime.setData(MIME_TYPE, QByteArray(json.dumps(payload).encode()))
        mime.setText("\n".join(COLUMNS[COLUMN_INDEX["symbol"]].text(self._rows[r]) for r in rows))
        return mime

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        return data.hasFormat(MIME_TYPE)

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if not data.hasFormat(MIME_TYPE) or action == Qt.DropAction.IgnoreAction:
            return False
        payload = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(self._rows))
        if payload.get("source") == id(self):
            self.move_rows(payload["rows"], target)
            return False  # handled here; the view must not remove the dragged rows afterwards
        self.contracts_dropped.emit([contract_from_dict(c) for c in payload["contracts"]], target)
        return True


def _unhook_all(handlers: dict[int, tuple[Ticker, Callable[[Ticker], None]]]) -> None:
    for ticker, handler in handlers.values():
        ticker.updateEvent -= handler
    handlers.clear()


def _contiguous(rows: Sequence[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for r in rows:
        if ranges and ranges[-1][1] == r - 1:
            ranges[-1] = (ranges[-1][0], r)
        else:
            ranges.append((r, r))
    return ranges
