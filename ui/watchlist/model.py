"""The watchlist's table model: live ib_async Tickers on the live-table base (`ui.live_table`).

Ticker events only mark rows dirty (`LiveTableModel.changed`); the base coalesces them into one
frame and the view repaints only the cells that changed. This module adds what is the watchlist's
own: the rows' tickers, their colours and tooltips, and contracts dragged between lists.
"""

import json
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from ib_async import Contract, Ticker
from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor

from ui.live_table.flash import DOWN, FLASH_MS, UP
from ui.live_table.frames import FRAME_MS, MAX_FRAME_MS
from ui.live_table.model import ROW_ROLE, SORT_ROLE, Index, LiveTableModel
from ui.watchlist.columns import COLUMN_INDEX, COLUMNS, SIGNED_COLUMNS, RowData

__all__ = ["FLASH_MS", "FRAME_MS", "MAX_FRAME_MS", "MIME_TYPE", "ROW_ROLE", "SORT_ROLE"]

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
_SIGNED = [i for i, c in enumerate(COLUMNS) if c.key in SIGNED_COLUMNS]
_UP_COLOR, _DOWN_COLOR, _STALE_COLOR, _ERROR_COLOR = 1, 2, 3, 4
_STALE_TIP = "Market data is stale: its data farm or the connection is down."


def contract_to_dict(contract: Contract) -> dict[str, Any]:
    return {name: getattr(contract, name) for name in _CONTRACT_FIELDS}


def contract_from_dict(data: dict[str, Any]) -> Contract:
    return Contract(**{k: v for k, v in data.items() if k in _CONTRACT_FIELDS})


class WatchlistModel(LiveTableModel):
    """Rows of one watchlist. Subscriptions are the owner's job: the model only shows them."""

    contracts_dropped = Signal(list, int)  # list[Contract] from another list, target row
    foreground_colors: ClassVar[list[QColor | None]] = [
        None,
        UP,
        DOWN,
        QColor(128, 128, 128),  # stale
        QColor(230, 126, 34),  # error
    ]

    def __init__(
        self, parent: QObject | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(COLUMNS, parent, clock)
        self._handlers: dict[int, tuple[Ticker, Callable[[Ticker], None]]] = {}
        # Tickers outlive the model: unhook them when Qt deletes it (the lambda holds no `self`).
        handlers = self._handlers
        self.destroyed.connect(lambda *_: _unhook_all(handlers))

    def contracts(self) -> list[Contract]:
        return [r.contract for r in self._rows]

    def find(self, con_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.contract.conId == con_id), -1)

    def append(self, row: RowData, at: int | None = None) -> int:  # type: ignore[override]
        position = super().append(row, at)
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

    def on_removed(self, row: RowData) -> None:
        if row.ticker is not None:
            self._unwatch(row, row.ticker)

    def detach(self) -> None:
        """Stop listening to every ticker and stop repainting (the panel is going away)."""
        _unhook_all(self._handlers)
        super().detach()

    def _watch(self, row: RowData, ticker: Ticker) -> None:
        def on_update(_ticker: Ticker) -> None:
            self.changed(row)

        self._handlers[id(row)] = (ticker, on_update)
        ticker.updateEvent += on_update

    def _unwatch(self, row: RowData, ticker: Ticker) -> None:
        hooked = self._handlers.pop(id(row), None)
        if hooked is not None:
            ticker.updateEvent -= hooked[1]

    # -- how a row reads ----------------------------------------------------------------------

    def format_key(self, row: RowData) -> object:
        return row.min_tick

    def build(self, row: RowData) -> tuple[list[str], list[int]]:
        texts = self.format_row(row)
        if row.error:
            texts = list(texts)  # the memo keeps the plain texts
            texts[0] = f"⚠ {texts[0]}"
        colors = [_ERROR_COLOR if row.error else _STALE_COLOR if row.stale else 0] * len(COLUMNS)
        if not row.error and not row.stale:
            values = row.memo[0] if row.memo is not None else [c.get(row) for c in COLUMNS]
            for i in _SIGNED:
                value = values[i]
                if isinstance(value, float) and value:
                    colors[i] = _UP_COLOR if value > 0 else _DOWN_COLOR
        return texts, colors

    def tooltip(self, row: RowData) -> str | None:
        if row.error:
            return row.error
        if row.stale:
            return _STALE_TIP
        return row.description or None

    def shows_flash(self, row: RowData) -> bool:
        return not row.stale

    # -- drag and drop ------------------------------------------------------------------------

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
