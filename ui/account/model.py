"""The account values on the live-table base: one row per (account, key value, currency), updated
from the session's account value events and greyed while not connected."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from ib_async import AccountValue
from PySide6.QtCore import QObject
from PySide6.QtGui import QColor

from terminal_app.portfolio.account_keys import KEY_TAGS, PERCENT_TAGS, sort_key
from terminal_app.price_format import format_money
from terminal_app.session import BrokerSession
from ui.live_table.columns import LiveRow
from ui.live_table.model import LiveTableModel

_STALE = 1
Key = tuple[str, str, str]  # account, tag, currency


@dataclass(eq=False, kw_only=True)
class AccountRow(LiveRow):
    account: str
    tag: str
    currency: str
    value: float | str | None = None


def _value_text(value: float | str | None, row: AccountRow) -> str:
    if value is None or isinstance(value, str):
        return value or ""
    if row.tag in PERCENT_TAGS:
        return f"{100.0 * value:.2f}%"
    return format_money(value)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    get: Callable[[AccountRow], float | str | None]
    align_right: bool = False
    visible: bool = True
    flashes: bool = False
    tooltip: str = ""

    def format(self, value: float | str | None, row: AccountRow) -> str:
        if self.key == "value":
            return _value_text(value, row)
        return "" if value is None else str(value)


COLUMNS = (
    Column("account", "Account", lambda r: r.account),
    Column("item", "Item", lambda r: KEY_TAGS[r.tag]),
    Column("currency", "Currency", lambda r: r.currency),
    Column("value", "Value", lambda r: r.value, align_right=True, flashes=True),
)


def _parse(text: str) -> float | str | None:
    try:
        return float(text)
    except ValueError:
        return text or None


class AccountModel(LiveTableModel):
    foreground_colors: ClassVar[list[QColor | None]] = [None, QColor(128, 128, 128)]

    def __init__(
        self,
        session: BrokerSession,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(COLUMNS, parent, clock)
        self.stale = not session.is_connected
        self._by_key: dict[Key, AccountRow] = {}
        for value in session.account_values():
            self._on_value(value)
        session.accountValueChanged.connect(self._on_value)

    def value(self, tag: str, currency: str, account: str | None = None) -> float | str | None:
        for (acct, t, ccy), row in self._by_key.items():
            if t == tag and ccy == currency and account in (None, acct):
                return row.value
        return None

    def set_stale(self, stale: bool) -> None:
        self.stale = stale
        for row in self.rows():
            self.mark_dirty(row)

    def build(self, row: Any) -> tuple[list[str], list[int]]:
        return self.format_row(row), [_STALE if self.stale else 0] * len(COLUMNS)

    def tooltip(self, row: Any) -> str | None:
        return "Stale: not connected; the last values received." if self.stale else None

    def _on_value(self, value: AccountValue) -> None:
        if value.tag not in KEY_TAGS or value.modelCode:
            return
        key = (value.account, value.tag, value.currency)
        row = self._by_key.get(key)
        if row is None:
            row = self._by_key[key] = AccountRow(
                account=value.account, tag=value.tag, currency=value.currency
            )
            order = sort_key(value.tag, value.currency)
            at = next(
                (
                    i
                    for i, r in enumerate(self.rows())
                    if (r.account, *sort_key(r.tag, r.currency)) > (value.account, *order)
                ),
                None,
            )
            self.append(row, at)
        row.value = _parse(value.value)
        self.changed(row)
