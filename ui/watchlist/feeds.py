"""The session lines a watchlist's rows hold: a shared ticker per row. Positions and daily P&L
come from the session's portfolio book, the same source as the portfolio dock."""

from collections.abc import Callable

from PySide6.QtCore import QObject

from terminal_app.portfolio import Holding, portfolio_book
from terminal_app.price_format import is_missing
from terminal_app.session import BrokerSession, TickerHandle
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
        self._book = portfolio_book(session)
        self._book.changed.connect(self._on_holding)
        # Deleted without release_all (e.g. the window went): give the lines back all the same.
        # The lambda holds the dict, not `self`, whose wrapper is gone by then.
        tickers = self._tickers
        self.destroyed.connect(lambda *_: _release_handles(tickers))

    def subscribe(self, model: WatchlistModel, row: RowData, generic: str = "") -> None:
        """Hold the row's ticker line, with the generic ticks its list's columns show."""
        self._hold_ticker(model, row, generic)
        self._apply_position(row)
        model.mark_dirty(row)

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

    def release_all(self) -> None:
        _release_handles(self._tickers)

    def has_live_data(self) -> bool:
        for handle in self._tickers.values():
            ticker = handle.ticker
            if ticker is not None and not handle.stale and not is_missing(ticker.last):
                return True
        return False

    # -- positions ----------------------------------------------------------------------------

    def _on_holding(self, holding: Holding) -> None:
        con_id = holding.contract.conId
        for model in self._models():
            for row in model.rows():
                if row.contract.conId == con_id:
                    self._apply_position(row)
                    model.mark_dirty(row)

    def _apply_position(self, row: RowData) -> None:
        con_id = row.contract.conId
        row.position = self._book.position(con_id) if con_id else None
        row.daily_pnl = self._book.daily_pnl(con_id) if row.position else None


def _release_handles(handles: dict[int, TickerHandle]) -> None:
    for handle in handles.values():
        handle.release()
    handles.clear()
