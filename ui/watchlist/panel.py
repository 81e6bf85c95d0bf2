"""The watchlist dock: named lists as tabs, symbols added by typing, pasting or dragging.

Quotes come from the session's shared ticker lines (one line per contract however many lists show
it); the table repaints through the model's per-frame coalescing. Rows keep qualified contracts, so
a restored workspace subscribes at once without asking IB again.
"""

import asyncio
import json
import logging
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from ib_async import Contract, PnLSingle, Position
from PySide6.QtCore import QByteArray, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from terminal_app.front_month import front_month
from terminal_app.paths import resources_dir
from terminal_app.price_format import is_missing
from terminal_app.session import ContractError, Phase, PnLHandle, TickerHandle
from terminal_app.symbol_parse import parse_symbol, split_symbols
from ui.panel import PanelContext
from ui.symbol_search import SymbolSearch
from ui.watchlist.columns import RowData
from ui.watchlist.model import ROW_ROLE, WatchlistModel, contract_from_dict, contract_to_dict
from ui.watchlist.table_view import WatchlistView

log = logging.getLogger(__name__)
MAX_ROWS = 500
GENERIC_TICKS = "165"  # misc. stats: 13/26/52-week high and low, average volume


def default_lists(path: Path | None = None) -> list[dict[str, Any]]:
    """The first-run lists from `resources/watchlists/default.json`, resolved once connected."""
    source = path or resources_dir() / "watchlists" / "default.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    return [{"name": str(lst["name"]), "symbols": list(lst["symbols"])} for lst in data["lists"]]


class WatchlistTab:
    """One named list: its model, its view, and the subscriptions its rows hold."""

    def __init__(self, name: str, view: WatchlistView) -> None:
        self.name = name
        self.view = view
        self.model = view.watchlist_model()
        self.pending: list[str] = []  # symbols not resolved yet (first run: resolved on connect)


class WatchlistPanel(QWidget):
    contract_chosen = Signal(object)

    def __init__(self, ctx: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._session = ctx.session
        self._actions = ctx.actions
        self._tickers: dict[int, TickerHandle] = {}
        self._pnls: dict[int, PnLHandle] = {}
        self._resolving: asyncio.Task[None] | None = None
        self._tabs: dict[int, WatchlistTab] = {}  # id(view) -> its list
        self._saved_rows: dict[int, dict[str, Any]] = {}  # conId -> saved description, minTick

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setMovable(True)
        self.tabs.tabBar().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tabs.tabBar().customContextMenuRequested.connect(self._tab_menu)
        self.tabs.tabBarDoubleClicked.connect(self._rename_tab)
        new_list = QToolButton(self)
        new_list.setText("+")
        new_list.setToolTip("New watchlist")
        new_list.setAutoRaise(True)
        new_list.clicked.connect(lambda: self.add_list(self._unique_name("List")))
        self.tabs.setCornerWidget(new_list, Qt.Corner.TopRightCorner)

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
        self._session.positionChanged.connect(self._on_position)
        self._session.synced.connect(self._refresh_positions)
        # Deleted without release_panel (e.g. the window went): give the lines back all the same.
        # The lambda holds the dicts, not `self`, whose wrapper is gone by then.
        tickers, pnls = self._tickers, self._pnls
        self.destroyed.connect(lambda *_: _release_handles(tickers, pnls))

    # -- lists --------------------------------------------------------------------------------

    def lists(self) -> list[WatchlistTab]:
        return [self._tabs[id(self.tabs.widget(i))] for i in range(self.tabs.count())]

    def _tab_at(self, index: int) -> WatchlistTab:
        return self._tabs[id(self.tabs.widget(index))]

    def current(self) -> WatchlistTab:
        if self.tabs.count() == 0:
            self.add_list(self._unique_name("List"))
        return self._tab_at(self.tabs.currentIndex())

    def add_list(self, name: str) -> WatchlistTab:
        model = WatchlistModel(self)
        view = WatchlistView(model, self.tabs)
        tab = WatchlistTab(name, view)
        self._tabs[id(view)] = tab
        model.rows_released.connect(self._release_rows)
        model.contracts_dropped.connect(
            lambda contracts, row, tab=tab: self.add_contracts(contracts, tab, row)
        )
        view.delete_requested.connect(model.remove_indices)
        view.paste_requested.connect(self.paste)
        view.selectionModel().currentRowChanged.connect(self._row_selected)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(lambda pos, tab=tab: self._row_menu(tab, pos))
        self.tabs.addTab(view, name)
        self.tabs.setCurrentWidget(view)
        return tab

    def remove_list(self, tab: WatchlistTab) -> None:
        tab.model.remove_indices(range(tab.model.rowCount()))
        self.tabs.removeTab(self.tabs.indexOf(tab.view))
        self._tabs.pop(id(tab.view), None)
        tab.view.deleteLater()

    def _unique_name(self, base: str) -> str:
        names = {t.name for t in self.lists()}
        n = 1
        while f"{base} {n}" in names:
            n += 1
        return f"{base} {n}"

    def _rename_tab(self, index: int) -> None:
        if index < 0:
            return
        tab = self._tab_at(index)
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Rename watchlist")
        dialog.setLabelText("Name:")
        dialog.setTextValue(tab.name)

        def accept(name: str) -> None:
            name = name.strip()
            if name:
                tab.name = name
                self.tabs.setTabText(self.tabs.indexOf(tab.view), name)

        dialog.textValueSelected.connect(accept)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # non-blocking: never a nested event loop

    def _tab_menu(self, position: QPoint) -> None:
        index = self.tabs.tabBar().tabAt(position)
        menu = QMenu(self)
        menu.addAction("New list", lambda: self.add_list(self._unique_name("List")))
        if index >= 0:
            menu.addAction("Rename…", lambda: self._rename_tab(index))
            if self.tabs.count() > 1:
                tab = self._tab_at(index)
                menu.addAction("Delete list", lambda: self.remove_list(tab))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.tabs.tabBar().mapToGlobal(position))

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
        self._resolve_pending()

    def _open_search(self) -> None:
        if self._search is None:
            self._search = SymbolSearch(self._session, self._ctx.links, self._ctx.tasks, self)
            self._search.contract_picked.connect(lambda contract: self.add_contracts([contract]))
        self._search.edit.setText(self.entry.text())
        self._search.popup()

    def _resolve_pending(self) -> None:
        if not self._session.is_connected:
            waiting = sum(len(t.pending) for t in self.lists())
            self._say(f"{waiting} symbol(s) will be added when the connection is up.")
            return
        if self._resolving is None or self._resolving.done():
            self._resolving = self._ctx.tasks.spawn(self._resolve_all(), name="watchlist-resolve")

    async def _resolve_all(self) -> None:
        problems: list[str] = []
        for tab in self.lists():
            while tab.pending and self._session.is_connected:
                token = tab.pending.pop(0)
                contract, error = await self._resolve(token)
                if contract is not None:
                    self.add_contracts([contract], tab)
                else:
                    problems.append(error)
                    spec = parse_symbol(token) or Contract(symbol=token)
                    tab.model.append(RowData(contract=spec, error=error))
        self._say("\n".join(problems))

    async def _resolve(self, token: str) -> tuple[Contract | None, str]:
        spec = parse_symbol(token)
        if spec is None:
            return None, f"{token!r} is not a symbol (try AAPL, EUR.USD, ESZ6, /ES, SPX:IND)."
        try:
            return await self._session.qualify(spec), ""
        except ContractError as exc:
            if spec.secType == "FUT" and spec.symbol and exc.candidates:
                front = front_month(exc.candidates, date.today())
                if front is not None:
                    try:
                        return await self._session.qualify(front), ""
                    except ContractError as again:
                        return None, str(again)
            return None, str(exc)
        except ConnectionError as exc:
            return None, f"{token}: not connected ({exc})"

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
                self._say(f"{tab.name} is full ({MAX_ROWS} rows).")
                return
            position = tab.model.append(self._row_for(contract), at)
            row = tab.model.row(position)
            at = position + 1 if at >= 0 else at
            self._subscribe(tab, row)

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

    # -- subscriptions ------------------------------------------------------------------------

    def _subscribe(self, tab: WatchlistTab, row: RowData) -> None:
        handle = self._session.ticker(row.contract, GENERIC_TICKS)
        self._tickers[id(row)] = handle
        model = tab.model
        row.stale = handle.stale
        model.set_ticker(row, handle.ticker)

        def replaced() -> None:
            model.set_ticker(row, handle.ticker)

        def stale(flag: bool) -> None:
            row.stale = flag
            if not flag:
                row.error = ""  # data flows again: an earlier refusal no longer holds
            model.mark_dirty(row)

        def failed(text: str) -> None:
            row.error = text
            model.mark_dirty(row)

        # Quotes reach the model through the Ticker's own updateEvent (hooked by set_ticker);
        # the handle's per-update signal is not connected, it would cost a Qt emit per tick.
        handle.replaced.connect(replaced)
        handle.staleChanged.connect(stale)
        handle.failed.connect(failed)
        if handle.error:
            failed(handle.error)
        self._apply_position(row, self._position_of(row.contract.conId))

    def _release_rows(self, rows: list[RowData]) -> None:
        for row in rows:
            handle = self._tickers.pop(id(row), None)
            if handle is not None:
                handle.release()
            pnl = self._pnls.pop(id(row), None)
            if pnl is not None:
                pnl.release()

    def release_panel(self) -> None:
        """The dock is removed for good: stop resolving, unhook the tickers, give lines back."""
        if self._resolving is not None:
            self._resolving.cancel()
        for tab in self.lists():
            tab.model.detach()
        self._release_all()

    def _release_all(self) -> None:
        _release_handles(self._tickers, self._pnls)

    # -- positions ----------------------------------------------------------------------------

    def _position_of(self, con_id: int) -> float | None:
        for position in self._session.positions():
            if position.contract.conId == con_id:
                return float(position.position)
        return None

    def _on_position(self, position: Position) -> None:
        for tab in self.lists():
            for row in tab.model.rows():
                if row.contract.conId == position.contract.conId:
                    self._apply_position(row, float(position.position), tab)

    def _refresh_positions(self) -> None:
        for tab in self.lists():
            for row in tab.model.rows():
                self._apply_position(row, self._position_of(row.contract.conId), tab)

    def _apply_position(
        self, row: RowData, position: float | None, tab: WatchlistTab | None = None
    ) -> None:
        row.position = position if position else None
        held = id(row) in self._pnls
        if row.position and not held and row.contract.conId:
            handle = self._session.pnl_single(row.contract.conId)
            self._pnls[id(row)] = handle

            def updated(_value: object) -> None:
                pnl = handle.pnl
                daily = pnl.dailyPnL if isinstance(pnl, PnLSingle) else None
                row.daily_pnl = None if daily is None or is_missing(daily) else daily
                self._mark(row)

            handle.updated.connect(updated)
        elif not row.position and held:
            self._pnls.pop(id(row)).release()
            row.daily_pnl = None
        self._mark(row, tab)

    def _mark(self, row: RowData, tab: WatchlistTab | None = None) -> None:
        for candidate in [tab] if tab is not None else self.lists():
            if row in candidate.model.rows():
                candidate.model.mark_dirty(row)

    # -- selection, menus, status -------------------------------------------------------------

    def _row_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        if isinstance(row, RowData):
            if row.error:
                self._say(row.error)
            if row.contract.conId:
                self.contract_chosen.emit(row.contract)

    def _row_menu(self, tab: WatchlistTab, position: QPoint) -> None:
        menu = self.row_menu(tab, tab.view.indexAt(position))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(tab.view.viewport().mapToGlobal(position))

    def row_menu(self, tab: WatchlistTab, index: QModelIndex) -> QMenu:
        """The context menu of a row: what other panels offer on its symbol, then the list's own
        actions. Only registered panel actions appear: no entry for a panel that does not exist."""
        rows = tab.view.selected_rows() or ([index.row()] if index.isValid() else [])
        menu = QMenu(self)
        if index.isValid():
            contract = tab.model.row(index.row()).contract
            for action in self._actions.actions():
                menu.addAction(action.label, partial(action.run, contract))
            if self._actions.actions():
                menu.addSeparator()
        others = [t for t in self.lists() if t is not tab]
        if rows and others:
            copy = menu.addMenu("Add to list")
            chosen = [tab.model.row(r).contract for r in rows]
            qualified = [c for c in chosen if c.conId]
            for other in others:
                copy.addAction(other.name, partial(self.add_contracts, qualified, other))
        if rows:
            menu.addAction("Remove", lambda: tab.model.remove_indices(rows))
        menu.addAction("Paste symbols", self.paste)
        return menu

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _on_state(self, state: object) -> None:
        if getattr(state, "phase", None) is Phase.CONNECTED and any(
            t.pending for t in self.lists()
        ):
            self._resolve_pending()

    # -- panel protocol -----------------------------------------------------------------------

    def has_live_data(self) -> bool:
        for handle in self._tickers.values():
            ticker = handle.ticker
            if ticker is not None and not handle.stale and not is_missing(ticker.last):
                return True
        return False

    def panel_state(self) -> dict[str, Any]:
        lists = []
        for tab in self.lists():
            header = tab.view.horizontalHeader().saveState()
            lists.append(
                {
                    "name": tab.name,
                    "contracts": [
                        contract_to_dict(r.contract)
                        | {"description": r.description, "minTick": r.details_min_tick}
                        for r in tab.model.rows()
                        if r.contract.conId
                    ],
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
            tab = self.add_list(str(item.get("name") or self._unique_name("List")))
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
        current = state.get("current", 0)
        if isinstance(current, int) and 0 <= current < self.tabs.count():
            self.tabs.setCurrentIndex(current)
        if any(t.pending for t in self.lists()):
            self._resolve_pending()


def _release_handles(*held: dict[int, TickerHandle] | dict[int, PnLHandle]) -> None:
    for handles in held:
        for handle in handles.values():
            handle.release()
        handles.clear()
