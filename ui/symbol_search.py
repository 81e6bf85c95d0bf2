"""Quick-open symbol search (Ctrl+K): type, pick, and the active link group follows.

Searches run through the session (`search_symbols`, then `qualify` for the pick) as owned tasks:
typing debounces and a newer search cancels the older one, so a slow answer never overwrites a
fresher one. Futures show their listed expiries as rows of their own, so a specific month can be
picked; nothing found shows the session's explanation instead of an empty list.
"""

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from ib_async import Contract
from PySide6.QtCore import (
    QEvent,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from terminal_app.session.contracts import ContractError, SymbolMatch
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups, link_color
from ui.live_table.columns import LiveRow
from ui.live_table.model import LiveTableModel
from ui.live_table.text_column import TextColumn
from ui.live_table.view import LiveTableView

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250
MAX_EXPIRY_ROWS = 6


class SymbolSource(Protocol):
    """What the search needs from the session."""

    async def search_symbols(self, pattern: str) -> list[SymbolMatch]: ...

    async def qualify(self, contract: Contract) -> Contract: ...


class ResultRow(LiveRow):
    """One pickable row: a match, or one futures expiry of a match."""

    def __init__(self, match: SymbolMatch, expiry: str = "") -> None:
        super().__init__()
        self.match = match
        self.expiry = expiry

    def contract(self) -> Contract:
        """What to qualify; a future's own row means its front month (the first expiry)."""
        c = self.match.contract
        expiry = self.expiry
        if not expiry and c.secType == "FUT" and self.match.expiries:
            expiry = self.match.expiries[0]
        if not expiry:
            return c
        return Contract(
            secType="FUT",
            symbol=c.symbol,
            currency=c.currency,
            exchange=c.exchange if c.secType == "FUT" else "",
            lastTradeDateOrContractMonth=expiry,
        )

    def cells(self) -> tuple[str, ...]:
        m = self.match
        exchange = m.exchange if m.sec_type == "FUT" else ""
        if self.expiry:
            label = f"   {m.contract.symbol} {_expiry_text(self.expiry)}"
            return (label, "FUT", exchange, m.currency, m.description)
        derivs = ", ".join(t for t in m.derivative_sec_types if t != m.sec_type)
        description = m.description + (f"  (also {derivs})" if derivs else "")
        if m.sec_type == "FUT" and m.expiries:
            description += f"  · front month {_expiry_text(m.expiries[0])}"
        return (m.contract.symbol, m.sec_type, m.exchange, m.currency, description)


def _expiry_text(expiry: str) -> str:
    for fmt in ("%Y%m%d", "%Y%m"):
        try:
            return datetime.strptime(expiry, fmt).strftime("%b %Y" if fmt == "%Y%m" else "%d %b %Y")
        except ValueError:
            continue
    return expiry


def result_rows(matches: list[SymbolMatch]) -> list[ResultRow]:
    rows: list[ResultRow] = []
    for match in matches:
        rows.append(ResultRow(match))
        rows.extend(ResultRow(match, e) for e in match.expiries[:MAX_EXPIRY_ROWS])
    return rows


def count_text(matches: int, rows: int) -> str:
    """What the status line says over the rows: every row is a pick, so the count is of rows;
    futures months listed under their instrument are said apart."""
    text = f"{rows} match{'es' if rows != 1 else ''}"
    months = rows - matches
    if months:
        text += f" ({matches} instrument{'s' if matches != 1 else ''}"
        text += f", {months} futures month{'s' if months != 1 else ''})"
    return text


def _cell(column: int) -> Callable[[ResultRow], str]:
    return lambda row: row.cells()[column]


COLUMNS = tuple(
    TextColumn(header.lower(), header, _cell(i))
    for i, header in enumerate(("Symbol", "Type", "Exchange", "Currency", "Description"))
)


class ResultsModel(LiveTableModel):
    """Search results: rows change only when a new search answers (`reset_rows`)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)

    def tooltip(self, row: ResultRow) -> str | None:
        if not row.match.expiries or row.expiry:
            return None
        listed = ", ".join(_expiry_text(e) for e in row.match.expiries)
        front = " (this row: the front month)" if row.match.sec_type == "FUT" else ""
        return f"Listed expiries{front}: {listed}"


class SymbolSearch(QDialog):
    """Non-modal popup; `contract_picked` carries the qualified contract."""

    contract_picked = Signal(object)

    def __init__(
        self,
        source: SymbolSource,
        links: LinkGroups,
        tasks: TaskOwner,
        parent: QWidget | None = None,
        describe_target: Callable[[], str] | None = None,
    ) -> None:
        """`describe_target` says where a pick will land, when more than the link group
        decides it (the window's Ctrl+K: see `ui.pick_router`)."""
        super().__init__(parent)
        self.setWindowTitle("Symbol search")
        self.setObjectName("symbol-search")
        self._source = source
        self._links = links
        self._tasks = tasks
        self._describe_target = describe_target
        self._search_task: asyncio.Task[None] | None = None
        self._pick_task: asyncio.Task[None] | None = None
        self._pick_first_result = False
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Symbol or company name, e.g. AAPL, EUR.USD, ES, Apple")
        self.edit.setClearButtonEnabled(True)
        self.edit.installEventFilter(self)
        self.model = ResultsModel(self)
        self.table = LiveTableView(self.model, self)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        header = self.table.horizontalHeader()
        for col, width in enumerate((150, 50, 80, 72)):
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.activated.connect(lambda index: self.pick(index.row()))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.target = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.target)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)
        self.edit.textChanged.connect(lambda _t: self._debounce.start())
        self.edit.returnPressed.connect(self._pick_current)
        links.active_color_changed.connect(self._show_target)
        self._show_target()
        self.resize(640, 360)

    def popup(self) -> None:
        """Show (or re-focus) the box with its text selected, ready to type over."""
        self._show_target()
        self.show()
        self.raise_()
        self.activateWindow()
        self.edit.setFocus()
        self.edit.selectAll()

    def _show_target(self) -> None:
        if self._describe_target is not None:
            self.target.setText(self._describe_target())
            return
        color = link_color(self._links.active_color)
        self.target.setText(f"The pick goes to the {color.label.lower()} link group.")

    # -- searching -----------------------------------------------------------------------------

    def search_now(self) -> None:
        self._debounce.stop()
        if self._search_task is not None:
            self._search_task.cancel()
        text = self.edit.text().strip()
        if not text:
            self.model.reset_rows([])
            self.status.setText("")
            return
        self._pick_first_result = False
        self.status.setText(f"Searching for {text!r}…")
        self._search_task = self._tasks.spawn(self._search(text), name=f"symbol-search {text}")

    async def _search(self, text: str) -> None:
        try:
            matches = await self._source.search_symbols(text)
        except ContractError as exc:
            self.model.reset_rows([])
            self.status.setText(str(exc))
            return
        except ConnectionError as exc:
            self.model.reset_rows([])
            self.status.setText(f"Not connected: {exc}")
            return
        rows = result_rows(matches)
        self.model.reset_rows(rows)
        self.status.setText(count_text(len(matches), len(rows)))
        if self.model.rowCount():
            best = self._best_row(text)
            self.table.selectRow(best)
            if self._pick_first_result:
                self.pick(best)

    def _best_row(self, text: str) -> int:
        """The row whose symbol is exactly what was typed, else the top match."""
        wanted = text.strip().upper()
        for i, row in enumerate(self.model.rows()):
            if not row.expiry and row.match.contract.symbol.upper() == wanted:
                return i
        return 0

    # -- picking ---------------------------------------------------------------------------------

    def _pick_current(self) -> None:
        if self._debounce.isActive():
            self.search_now()
        if self._search_task is not None and not self._search_task.done():
            self._pick_first_result = True  # typed and hit Enter at once: take the best match
            return
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.pick(rows[0].row())

    def pick(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        if self._pick_task is not None:
            self._pick_task.cancel()
        contract = self.model.row(row).contract()
        self.status.setText("Resolving the contract…")
        self._pick_task = self._tasks.spawn(self._pick(contract), name="symbol-pick")

    async def _pick(self, contract: Contract) -> None:
        try:
            qualified = await self._source.qualify(contract)
        except (ContractError, ConnectionError) as exc:
            self.status.setText(str(exc))
            return
        self.status.setText("")
        self._links.publish(self._links.active_color, qualified, self)
        self.contract_picked.emit(qualified)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up/Down in the text box move through the results without leaving the box."""
        arrows = (Qt.Key.Key_Up, Qt.Key.Key_Down)
        if (
            watched is self.edit
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in arrows
        ):
            rows = self.model.rowCount()
            if rows:
                current = self.table.currentIndex().row()
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                self.table.selectRow(max(0, min(rows - 1, current + step)))
            return True
        return super().eventFilter(watched, event)
