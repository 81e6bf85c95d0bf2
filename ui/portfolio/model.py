"""The portfolio's table model on the live-table base: the book's changes mark rows dirty and one
frame repaints them; the totals row stays last and sums what is shown (the account filter)."""

import time
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from terminal_app.portfolio import Holding, PortfolioBook
from terminal_app.session import BrokerSession
from ui.live_table.flash import DOWN, UP
from ui.live_table.model import LiveTableModel
from ui.portfolio.columns import COLUMNS, SUMMED, PortfolioRow, percent_of

_UP, _DOWN, _STALE = 1, 2, 3
_SIGNED = [i for i, c in enumerate(COLUMNS) if c.signed]
ALL_ACCOUNTS = ""


class PortfolioModel(LiveTableModel):
    foreground_colors: ClassVar[list[QColor | None]] = [None, UP, DOWN, QColor(128, 128, 128)]

    def __init__(
        self,
        book: PortfolioBook,
        session: BrokerSession,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(COLUMNS, parent, clock)
        self._book = book
        self._session = session
        self._account = ALL_ACCOUNTS
        self._by_holding: dict[int, PortfolioRow] = {}
        self.stale = not session.is_connected
        self._totals = PortfolioRow(net_liquidation=self.net_liquidation)
        self.append(self._totals)
        for holding in book.holdings():
            self._on_changed(holding)
        book.changed.connect(self._on_changed)
        session.accountValueChanged.connect(self._on_account_value)

    # -- what the panel asks ------------------------------------------------------------------

    def set_account(self, account: str) -> None:
        """Show one account's holdings ("" for all)."""
        self._account = account
        for row in [r for r in self.rows() if not r.is_totals]:
            self.remove_indices([self.rows().index(row)])
        self._by_holding.clear()
        for holding in self._book.holdings():
            self._on_changed(holding)
        self._sum()

    def set_stale(self, stale: bool) -> None:
        self.stale = stale
        for row in self.rows():
            self.mark_dirty(row)

    def holding_rows(self) -> list[PortfolioRow]:
        return [r for r in self.rows() if not r.is_totals]

    def totals(self) -> PortfolioRow:
        return self._totals

    def net_liquidation(self, account: str) -> float | None:
        wanted = [account] if account else self._book.accounts()
        total = 0.0
        found = False
        for value in self._session.account_values():
            if value.tag == "NetLiquidation" and value.account in wanted and value.currency:
                try:
                    total += float(value.value)
                    found = True
                except ValueError:
                    continue
        return total if found else None

    # -- the live-table hooks -----------------------------------------------------------------

    def build(self, row: Any) -> tuple[list[str], list[int]]:
        texts = self.format_row(row)
        if self.stale:
            return texts, [_STALE] * len(COLUMNS)
        colors = [0] * len(COLUMNS)
        for column in _SIGNED:
            value = COLUMNS[column].get(row)
            if isinstance(value, float) and value:
                colors[column] = _UP if value > 0 else _DOWN
        return texts, colors

    def tooltip(self, row: Any) -> str | None:
        return "Stale: not connected; these are the last values received." if self.stale else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        super().sort(column, order)
        rows = self.rows()
        if rows and rows[-1] is not self._totals:  # the totals row stays last
            self.move_rows([rows.index(self._totals)], len(rows))

    # -- the book's events --------------------------------------------------------------------

    def _on_changed(self, holding: Holding) -> None:
        if self._account and holding.account != self._account:
            return
        row = self._by_holding.get(id(holding))
        if row is None:
            row = self._by_holding[id(holding)] = PortfolioRow(
                holding=holding, net_liquidation=self.net_liquidation
            )
            self.append(row, len(self.rows()) - 1)  # above the totals
        self.changed(row)
        self._sum()

    def _on_account_value(self, value: object) -> None:
        if getattr(value, "tag", "") == "NetLiquidation":
            for row in self.rows():
                self.mark_dirty(row)
            self._sum()

    def _sum(self) -> None:
        rows = self.holding_rows()
        totals: dict[str, float | None] = {}
        for key in SUMMED:
            values = [getattr(r.holding, key) for r in rows if r.holding is not None]
            present = [v for v in values if v is not None]
            totals[key] = sum(present) if present else None
        totals["percent"] = percent_of(totals["market_value"], self.net_liquidation(self._account))
        self._totals.totals = totals
        self.mark_dirty(self._totals)
