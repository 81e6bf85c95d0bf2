"""The watchlist dock: named lists as tabs, symbols added by typing, pasting or dragging.

Quotes come from the session's shared ticker lines (one line per contract however many lists show
it); the table repaints through the model's per-frame coalescing. Rows keep qualified contracts, so
a restored workspace subscribes at once without asking IB again. The tabs (`lists`), the lines the
rows hold (`feeds`), symbol resolution (`resolve`) and the row menu (`row_menu`) live beside it.
"""

import asyncio
import json
from functools import partial
from pathlib import Path
from typing import Any

from ib_async import Contract
from PySide6.QtCore import QByteArray, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from terminal_app.paths import resources_dir
from terminal_app.session import Phase
from terminal_app.symbol_cache import Entry, SymbolCache, symbol_cache
from terminal_app.symbol_parse import split_symbols
from ui.panel import PanelContext
from ui.row_actions import ContractTarget
from ui.symbol_search import SymbolSearch
from ui.watchlist.columns import COLUMNS, RowData
from ui.watchlist.feeds import RowFeeds
from ui.watchlist.lists import ListTabs, WatchlistTab
from ui.watchlist.model import ROW_ROLE, WatchlistModel, contract_from_dict, contract_to_dict
from ui.watchlist.resolve import resolve_symbol
from ui.watchlist.row_menu import row_menu
from ui.watchlist.table_view import WatchlistView

MAX_ROWS = 500
NOTICE_LINES = 5


def not_added_notice(reasons: list[str]) -> str:
    """What a list says about symbols it did not add, in a few lines: one line per symbol of a
    1,000-line paste made the panel 12,000 pixels tall and squeezed its table away."""
    if len(reasons) <= NOTICE_LINES:
        return "\n".join(reasons)
    rest = len(reasons) - NOTICE_LINES
    return "\n".join(
        [f"{len(reasons)} symbols not added:", *reasons[:NOTICE_LINES], f"… and {rest} more"]
    )


def default_lists(path: Path | None = None) -> list[dict[str, Any]]:
    """The first-run lists from `resources/watchlists/default.json`, resolved once connected."""
    source = path or resources_dir() / "watchlists" / "default.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    return [{"name": str(lst["name"]), "symbols": list(lst["symbols"])} for lst in data["lists"]]


class WatchlistPanel(QWidget):
    contract_chosen = Signal(object)

    def __init__(
        self, ctx: PanelContext, parent: QWidget | None = None, cache: SymbolCache | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._cache = cache or symbol_cache()
        self._session = ctx.session
        self._resolving: asyncio.Task[None] | None = None
        self._saved_rows: dict[int, dict[str, Any]] = {}  # conId -> saved description, minTick

        self.tabs = ListTabs(self)
        self.tabs.new_list_requested.connect(lambda: self.add_list(self.tabs.unique_name()))
        self.tabs.remove_requested.connect(self.remove_list)
        self.tabs.currentChanged.connect(lambda _index: self._show_notice())
        self._feeds = RowFeeds(self._session, lambda: [t.model for t in self.lists()], self)

        self.entry = QLineEdit(self)
        self.entry.setPlaceholderText("Add symbols: AAPL, EUR.USD, ESZ6, /ES (front month) — Enter")
        self.entry.setClearButtonEnabled(True)
        self.entry.returnPressed.connect(self._add_typed)
        search = QToolButton(self)
        search.setText("Search…")
        search.setToolTip("Search by symbol or company name and add the pick")
        search.clicked.connect(self._open_search)
        self._search: SymbolSearch | None = None
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setVisible(False)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.entry, 1)
        top.addWidget(search)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)

        self.add_list("List 1")  # a new panel; restore_panel_state replaces it
        self._session.stateChanged.connect(self._on_state)

    # -- lists --------------------------------------------------------------------------------

    def lists(self) -> list[WatchlistTab]:
        return self.tabs.lists()

    def current(self) -> WatchlistTab:
        if self.tabs.count() == 0:
            self.add_list(self.tabs.unique_name())
        return self.tabs.tab_at(self.tabs.currentIndex())

    def add_list(self, name: str) -> WatchlistTab:
        model = WatchlistModel(self)
        view = WatchlistView(model, self.tabs)
        tab = WatchlistTab(name, view)
        model.rows_released.connect(self._feeds.release)
        model.rows_released.connect(lambda rows, tab=tab: self._rows_gone(tab, rows))
        model.contracts_dropped.connect(
            lambda contracts, row, tab=tab: self.add_contracts(contracts, tab, row)
        )
        view.delete_requested.connect(model.remove_indices)
        view.horizontalHeader().sectionResized.connect(
            lambda column, old, new, tab=tab: self._column_resized(tab, column, old, new)
        )
        view.paste_requested.connect(self.paste)
        view.selectionModel().currentRowChanged.connect(self._row_selected)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(lambda pos, tab=tab: self._row_menu(tab, pos))
        self.tabs.insert(tab)
        return tab

    def remove_list(self, tab: WatchlistTab) -> None:
        tab.model.remove_indices(range(tab.model.rowCount()))
        self.tabs.take(tab)
        tab.view.deleteLater()

    def contract_targets(self) -> list[ContractTarget]:
        """Every list takes contracts: what the kind's "Add to watchlist ▸" offers other panels."""
        return [ContractTarget(t.name, partial(self.add_contracts, tab=t), t) for t in self.lists()]

    # -- adding symbols -----------------------------------------------------------------------

    def _add_typed(self) -> None:
        text = self.entry.text()
        self.entry.clear()
        self.add_symbols(text)

    def paste(self) -> None:
        self.add_symbols(QGuiApplication.clipboard().text())

    def add_symbols(self, text: str, tab: WatchlistTab | None = None) -> None:
        """Resolve typed or pasted symbols (now if connected, else on connect) into `tab`."""
        tokens = split_symbols(text)
        if not tokens:
            return
        target = tab or self.current()
        target.pending.extend(t for t in tokens if t not in target.pending)
        self._show_cached(target)
        self._resolve_pending()

    def _open_search(self) -> None:
        if self._search is None:
            self._search = SymbolSearch(self._session, self._ctx.links, self._ctx.tasks, self)
            self._search.contract_picked.connect(lambda contract: self.add_contracts([contract]))
        self._search.edit.setText(self.entry.text())
        self._search.popup()

    def _resolve_pending(self) -> None:
        connected = self._session.is_connected
        for tab in self.lists():
            if tab.pending:
                when = "being added…" if connected else "will be added when the connection is up."
                self._say(f"{len(tab.pending)} symbol(s) {when}", tab)
        if not connected:
            return
        if self._resolving is None or self._resolving.done():
            self._resolving = self._ctx.tasks.spawn(self._resolve_all(), name="watchlist-resolve")

    async def _resolve_all(self) -> None:
        """Look every pending symbol up at once (the session's lane paces the requests), then add
        the rows in the order typed, so they subscribe in one burst instead of one by one.

        Symbols IB does not know are not added, as in TWS: their list says which and why. A
        symbol stays pending until it is resolved: the connection going first keeps it for the
        next one (and in the saved workspace)."""
        while self._session.is_connected and any(t.pending for t in self.lists()):
            batch = [(tab, token) for tab in self.lists() for token in tab.pending]
            found = await asyncio.gather(*(resolve_symbol(self._session, t) for _, t in batch))
            problems: dict[int, list[str]] = {id(tab): [] for tab, _token in batch}
            answers: dict[str, Entry | None] = {}
            for (tab, token), (contract, error) in zip(batch, found, strict=True):
                if contract is None and not self._session.is_connected:
                    continue  # not IB's answer: try again on the next connection
                if token in tab.pending:
                    tab.pending.remove(token)
                self._settle(tab, token, contract)
                if contract is None:
                    problems[id(tab)].append(f"Not added: {error}")
                    answers[token] = None
                else:
                    answers[token] = _saved_row(self._row_for(contract))
            self._cache.record(answers)
            for tab in self.lists():
                if id(tab) in problems:
                    self._say(not_added_notice(problems[id(tab)]), tab)

    def _settle(self, tab: WatchlistTab, token: str, contract: Contract | None) -> None:
        """IB's answer for a pending symbol: its row from the symbol cache stays if IB agrees,
        else goes; the answer's own row is added."""
        early = tab.early.pop(token, None)
        if early is not None and (contract is None or contract.conId != early.contract.conId):
            index = tab.model.find(early.contract.conId)
            if index >= 0:
                tab.model.remove_indices([index])
            early = None
        if contract is not None and early is None:
            self.add_contracts([contract], tab)

    def add_contracts(
        self, contracts: list[Contract], tab: WatchlistTab | None = None, at: int = -1
    ) -> None:
        """Add qualified contracts to `tab` (default: the current list), skipping duplicates."""
        tab = tab or self.current()
        for contract in contracts:
            existing = tab.model.find(contract.conId) if contract.conId else -1
            if existing >= 0:
                tab.view.selectRow(existing)
                continue
            if tab.model.rowCount() >= MAX_ROWS:
                self._say(f"{tab.name} is full ({MAX_ROWS} rows).", tab)
                return
            position = tab.model.append(self._row_for(contract), at)
            row = tab.model.row(position)
            at = position + 1 if at >= 0 else at
            self._feeds.subscribe(tab.model, row, self._generic_ticks(tab))

    def _show_cached(self, tab: WatchlistTab) -> None:
        """Pending symbols resolved on an earlier run get their rows (and lines) now, from the
        symbol cache; the lookup that follows keeps, replaces or removes each."""
        for token in tab.pending:
            entry = self._cache.get(token)
            if token in tab.early or entry is None:
                continue
            contract = contract_from_dict(entry)
            if tab.model.find(contract.conId) < 0:
                self._saved_rows[contract.conId] = entry
                self.add_contracts([contract], tab)
                tab.early[token] = tab.model.row(tab.model.find(contract.conId))

    def _generic_ticks(self, tab: WatchlistTab) -> str:
        """The generic ticks the list's shown columns need."""
        shown = (c.generic for i, c in enumerate(COLUMNS) if not tab.view.isColumnHidden(i))
        return ",".join(sorted({g for g in shown if g}))

    def _column_resized(self, tab: WatchlistTab, column: int, old: int, new: int) -> None:
        if old == 0 and new > 0 and COLUMNS[column].generic:  # a hidden column was shown
            self._feeds.widen(tab.model, tab.model.rows(), self._generic_ticks(tab))

    def _row_for(self, contract: Contract) -> RowData:
        """A row with the contract's long name and min tick: from the details the session kept
        when it qualified the contract, else from the saved workspace."""
        details = self._session.details(contract.conId)
        if details is not None:
            return RowData(contract, details.longName, float(details.minTick or 0.0))
        saved = self._saved_rows.get(contract.conId, {})
        return RowData(
            contract,
            str(saved.get("description", "") or contract.description),
            float(saved.get("minTick", 0.0) or 0.0),
        )

    def release_panel(self) -> None:
        """The dock is removed for good: stop resolving, unhook the tickers, give lines back."""
        if self._resolving is not None:
            self._resolving.cancel()
        for tab in self.lists():
            tab.model.detach()
        self._feeds.release_all()

    # -- selection, menus, status -------------------------------------------------------------

    def _row_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        if isinstance(row, RowData):
            if row.error:
                self._say(row.error, row=row)
            if row.contract.conId:
                self.contract_chosen.emit(row.contract)

    def _row_menu(self, tab: WatchlistTab, position: QPoint) -> None:
        menu = self.row_menu(tab, tab.view.indexAt(position))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(tab.view.viewport().mapToGlobal(position))

    def row_menu(self, tab: WatchlistTab, index: QModelIndex) -> QMenu:
        return row_menu(self, tab, index, self._ctx.actions, self.paste)

    def _say(self, text: str, tab: WatchlistTab | None = None, row: RowData | None = None) -> None:
        """Show `text` under `tab` (default: the current list) while that list is current;
        a notice about `row` goes when the row does."""
        tab = tab or self.current()
        tab.notice, tab.notice_row = text, row
        self._show_notice()

    def _show_notice(self) -> None:
        index = self.tabs.currentIndex()
        text = self.tabs.tab_at(index).notice if index >= 0 else ""
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _rows_gone(self, tab: WatchlistTab, rows: list[RowData]) -> None:
        for token, early in list(tab.early.items()):
            if any(r is early for r in rows):  # deleted before IB confirmed it: not wanted
                del tab.early[token]
                tab.pending.remove(token)
        if tab.notice_row is not None and any(r is tab.notice_row for r in rows):
            self._say("", tab)

    def _on_state(self, state: object) -> None:
        if getattr(state, "phase", None) is Phase.CONNECTED and any(
            t.pending for t in self.lists()
        ):
            self._resolve_pending()

    # -- panel protocol -----------------------------------------------------------------------

    def has_live_data(self) -> bool:
        return self._feeds.has_live_data()

    def panel_state(self) -> dict[str, Any]:
        lists = []
        for tab in self.lists():
            header = tab.view.horizontalHeader().saveState()
            lists.append(
                {
                    "name": tab.name,
                    "contracts": [_saved_row(r) for r in tab.model.rows() if r.contract.conId],
                    "symbols": list(tab.pending),
                    "header": bytes(header.toBase64().data()).decode("ascii"),
                }
            )
        return {"lists": lists, "current": self.tabs.currentIndex()}

    def restore_panel_state(self, state: dict[str, Any]) -> None:
        for tab in self.lists():
            self.remove_list(tab)
        # The bundled first-run layout asks for {"preset": "default"}: the default symbols.
        lists = state.get("lists") or (default_lists() if state.get("preset") == "default" else [])
        if not lists:
            lists = [{"name": "List 1"}]
        for item in lists:
            tab = self.add_list(str(item.get("name") or self.tabs.unique_name()))
            header = item.get("header")
            if isinstance(header, str) and header:
                tab.view.horizontalHeader().restoreState(
                    QByteArray.fromBase64(QByteArray(header.encode("ascii")))
                )
            saved = [c for c in item.get("contracts", []) if isinstance(c, dict)]
            self._saved_rows.update({int(c.get("conId") or 0): c for c in saved})
            contracts = [contract_from_dict(c) for c in saved]
            self.add_contracts([c for c in contracts if c.conId], tab)
            tab.pending.extend(str(s) for s in item.get("symbols", []))
            self._show_cached(tab)
        current = state.get("current", 0)
        if isinstance(current, int) and 0 <= current < self.tabs.count():
            self.tabs.setCurrentIndex(current)
        if any(t.pending for t in self.lists()):
            self._resolve_pending()


def _saved_row(row: RowData) -> dict[str, Any]:
    """A row as the workspace and the symbol cache keep it: contract, long name, min tick."""
    return contract_to_dict(row.contract) | {
        "description": row.description,
        "minTick": row.details_min_tick,
    }
