"""The watchlist's columns: what each shows, how it is formatted, and whether it flashes."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from ib_async import Contract, Ticker

from terminal_app.price_format import (
    format_change,
    format_money,
    format_percent,
    format_price,
    format_quantity,
    format_size,
    format_volume,
    is_missing,
)
from ui.live_table.columns import LiveRow


class Kind(Enum):
    TEXT = "text"
    PRICE = "price"
    SIZE = "size"
    CHANGE = "change"
    PERCENT = "percent"
    MONEY = "money"
    QUANTITY = "quantity"
    VOLUME = "volume"


@dataclass
class RowData(LiveRow):
    """What one watchlist row shows besides the live ticker (which stays ib_async's own object)."""

    contract: Contract
    description: str = ""
    details_min_tick: float = 0.0  # from contract details, when known
    ticker: Ticker | None = None
    error: str = ""
    stale: bool = False
    position: float | None = None
    daily_pnl: float | None = None

    @property
    def min_tick(self) -> float:
        """The market data line's own tick (tickReqParams), else the contract details' one."""
        live = self.ticker.minTick if self.ticker is not None else math.nan
        if live and not math.isnan(live) and live > 0:
            return float(live)
        return self.details_min_tick or 0.01


Getter = Callable[[RowData], float | str | None]
NumberGetter = Callable[[RowData], float | None]


def _tick(name: str) -> NumberGetter:
    def get(row: RowData) -> float | None:
        value = getattr(row.ticker, name, None) if row.ticker is not None else None
        return None if value is None or is_missing(value) else float(value)

    return get


def _volume(row: RowData) -> float | None:
    """An index trades nothing itself: a volume IB reports for one (0) is blank, as in TWS."""
    return None if row.contract.secType == "IND" else _tick("volume")(row)


def _reference(row: RowData) -> float | None:
    """Last trade, or the midpoint where nothing trades on the exchange (IDEALPRO forex), as TWS
    shows a forex pair's change."""
    last = _tick("last")(row)
    if last is not None:
        return last
    bid, ask = _tick("bid")(row), _tick("ask")(row)
    return None if bid is None or ask is None else (bid + ask) / 2


def _change(row: RowData) -> float | None:
    price, close = _reference(row), _tick("close")(row)
    return None if price is None or close is None else price - close


def _change_pct(row: RowData) -> float | None:
    change, close = _change(row), _tick("close")(row)
    return None if change is None or not close else 100.0 * change / close


def _spread(row: RowData) -> float | None:
    bid, ask = _tick("bid")(row), _tick("ask")(row)
    return None if bid is None or ask is None else ask - bid


def symbol_text(contract: Contract) -> str:
    if contract.secType == "CASH":
        return f"{contract.symbol}.{contract.currency}"
    if contract.secType == "FUT":
        return contract.localSymbol or f"{contract.symbol} {contract.lastTradeDateOrContractMonth}"
    return contract.localSymbol or contract.symbol


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind
    get: Getter
    visible: bool = True
    flashes: bool = False
    tooltip: str = ""
    generic: str = ""  # the generic tick list entry IB sends this column's value for

    @property
    def align_right(self) -> bool:
        return self.kind is not Kind.TEXT

    def text(self, row: RowData) -> str:
        return self.format(self.get(row), row)

    def format(self, value: float | str | None, row: RowData) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, str):
            return value
        if self.kind is Kind.PRICE:
            return format_price(value, row.min_tick)
        if self.kind is Kind.CHANGE:
            return format_change(value, row.min_tick)
        if self.kind is Kind.PERCENT:
            return format_percent(value)
        if self.kind is Kind.MONEY:
            return format_money(value)
        if self.kind is Kind.QUANTITY:
            return format_quantity(value)
        if self.kind is Kind.VOLUME:
            return format_volume(value)
        return format_size(value)


COLUMNS: tuple[Column, ...] = (
    Column("symbol", "Symbol", Kind.TEXT, lambda r: symbol_text(r.contract)),
    Column("description", "Description", Kind.TEXT, lambda r: r.description, visible=False),
    Column("bidSize", "Bid Size", Kind.SIZE, _tick("bidSize")),
    Column("bid", "Bid", Kind.PRICE, _tick("bid"), flashes=True),
    Column("ask", "Ask", Kind.PRICE, _tick("ask"), flashes=True),
    Column("askSize", "Ask Size", Kind.SIZE, _tick("askSize")),
    Column("last", "Last", Kind.PRICE, _tick("last"), flashes=True),
    Column("lastSize", "Last Size", Kind.SIZE, _tick("lastSize"), visible=False),
    Column("change", "Change", Kind.CHANGE, _change, tooltip="Last minus previous close"),
    Column("changePct", "Chg %", Kind.PERCENT, _change_pct, tooltip="Change in percent"),
    Column("volume", "Volume", Kind.VOLUME, _volume),
    Column("open", "Open", Kind.PRICE, _tick("open"), visible=False),
    Column("high", "High", Kind.PRICE, _tick("high")),
    Column("low", "Low", Kind.PRICE, _tick("low")),
    Column("close", "Close", Kind.PRICE, _tick("close"), tooltip="Previous session's close"),
    Column("vwap", "VWAP", Kind.PRICE, _tick("vwap"), visible=False),
    Column("spread", "Spread", Kind.PRICE, _spread, visible=False),
    # Generic tick 165 (13/26/52-week ranges, average volume) only while one is shown, as TWS
    # asks for the fields it displays: it costs IB (and the simulator) a year of daily bars.
    Column("high52", "52W High", Kind.PRICE, _tick("high52week"), visible=False, generic="165"),
    Column("low52", "52W Low", Kind.PRICE, _tick("low52week"), visible=False, generic="165"),
    Column("position", "Position", Kind.QUANTITY, lambda r: r.position),
    Column("dailyPnl", "Daily P&L", Kind.MONEY, lambda r: r.daily_pnl),
)

SIGNED_COLUMNS = frozenset(("change", "changePct", "dailyPnl"))
COLUMN_INDEX = {column.key: i for i, column in enumerate(COLUMNS)}
