"""The session lines a watchlist's rows hold: a shared ticker per row, and a daily P&L line for
as long as the account holds a position in the row's contract."""

from collections.abc import Callable

from ib_async import PnLSingle, Position
from PySide6.QtCore import QObject

from terminal_app.price_format import is_missing
from terminal_app.session import BrokerSession, PnLHandle, TickerHandle
from ui.watchlist.columns import RowData
from ui.watchlist.model import WatchlistModel


class RowFeeds(QObject):
    """Handles keyed by row identity; `models` lists the models whose rows positions apply to."""

    def __init__(
        self,
        session: BrokerSession,
        models: Callable[[], list[WatchlistModel]],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._models = models
        self._tickers: dict[int, TickerHandle] = {}
        self._pnls: dict[int, PnLHandle] = {}
        session.positionChanged.connect(self._on_position)
        session.synced.connect(self._refresh_positions)
        # Deleted without release_all (e.g. the window went): give the lines back all the same.
        # The lambda holds the dicts, not `self`, whose wrapper is gone by then.
        tickers, pnls = self._tickers, self._pnls
        self.destroyed.connect(lambda *_: _release_handles(tickers, pnls))

    def subscribe(self, model: WatchlistModel, row: RowData, generic: str = "") -> None:
        """Hold the row's ticker line, with the generic ticks its list's columns show."""
        self._hold_ticker(model, row, generic)
        self._apply_position(row, self._position_of(row.contract.conId), model)

    def widen(self, model: WatchlistModel, rows: list[RowData], generic: str) -> None:
        """A column needing `generic` ticks was shown: the rows' lines are requested again with
        them (the session widens a shared line, never narrows it)."""
        for row in rows:
            old = self._tickers.get(id(row))
            if old is not None:
                self._hold_ticker(model, row, generic)
                old.release()

    def _hold_ticker(self, model: WatchlistModel, row: RowData, generic: str) -> None:
        handle = self._session.ticker(row.contract, generic)
        self._tickers[id(row)] = handle
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

    def release(self, rows: list[RowData]) -> None:
        for row in rows:
            handle = self._tickers.pop(id(row), None)
            if handle is not None:
                handle.release()
            pnl = self._pnls.pop(id(row), None)
            if pnl is not None:
                pnl.release()

    def release_all(self) -> None:
        _release_handles(self._tickers, self._pnls)

    def has_live_data(self) -> bool:
        for handle in self._tickers.values():
            ticker = handle.ticker
            if ticker is not None and not handle.stale and not is_missing(ticker.last):
                return True
        return False

    # -- positions ----------------------------------------------------------------------------

    def _position_of(self, con_id: int) -> float | None:
        for position in self._session.positions():
            if position.contract.conId == con_id:
                return float(position.position)
        return None

    def _on_position(self, position: Position) -> None:
        for model in self._models():
            for row in model.rows():
                if row.contract.conId == position.contract.conId:
                    self._apply_position(row, float(position.position), model)

    def _refresh_positions(self) -> None:
        for model in self._models():
            for row in model.rows():
                self._apply_position(row, self._position_of(row.contract.conId), model)

    def _apply_position(
        self, row: RowData, position: float | None, model: WatchlistModel | None = None
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
        self._mark(row, model)

    def _mark(self, row: RowData, model: WatchlistModel | None = None) -> None:
        for candidate in [model] if model is not None else self._models():
            if row in candidate.rows():
                candidate.mark_dirty(row)


def _release_handles(*held: dict[int, TickerHandle] | dict[int, PnLHandle]) -> None:
    for handles in held:
        for handle in handles.values():
            handle.release()
        handles.clear()
