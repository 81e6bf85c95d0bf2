"""The blotter's columns: orders (a row per order record of the order book) and executions (a
row per fill). Declarative, as the live table wants them; nothing here flashes."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ib_async import Contract, Fill

from terminal_app.orders.states import OrderRecord
from terminal_app.price_format import format_money, format_size, is_missing
from ui.live_table.columns import LiveRow

CHILD_MARK = "  ↳ "  # a bracket child stands indented under its parent


@dataclass(eq=False, kw_only=True)
class OrderRow(LiveRow):
    record: OrderRecord
    child: bool = False
    shown: tuple[object, ...] = ()  # what the texts were built from (`order_signature`)


@dataclass(eq=False, kw_only=True)
class FillRow(LiveRow):
    fill: Fill
    shown: tuple[object, ...] = ()


def order_signature(record: OrderRecord) -> tuple[object, ...]:
    """What an order row shows that can change: a book change repaints only rows whose
    signature moved (a day's completed orders would otherwise all rebuild on every fill)."""
    order, status = record.trade.order, record.trade.orderStatus
    return (
        len(record.history),
        record.history[-1].code if record.history else 0,  # a reason noted on the last one
        status.filled,
        status.avgFillPrice,
        order.totalQuantity,
        order.lmtPrice,
        order.auxPrice,
        order.orderType,
        order.tif,
    )


def fill_signature(fill: Fill) -> tuple[object, ...]:
    report = fill.commissionReport
    return (report.execId, report.commission, report.realizedPNL) if report else ()


def symbol_of(contract: Contract) -> str:
    return contract.localSymbol or contract.symbol


def _number(value: float | None) -> float | None:
    return None if value is None or is_missing(value) else float(value)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    get: Callable[[Any], float | str | None]
    numeric: bool = False
    price: bool = False
    visible: bool = True
    tooltip: str = ""
    flashes: bool = False

    @property
    def align_right(self) -> bool:
        return self.numeric

    def format(self, value: float | str | None, row: Any) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, str):
            return value
        return _price_text(value) if self.price else format_size(value)


def _price_text(value: float) -> str:
    """At least two decimals, more only where the price has them (the row knows no tick)."""
    whole, _, decimals = f"{value:.8f}".rstrip("0").partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


def _symbol(row: OrderRow) -> str:
    text = symbol_of(row.record.trade.contract)
    return CHILD_MARK + text if row.child else text


def _message(row: OrderRow) -> str:
    """The last IB code about the order (an error or a reason), as TWS puts it in the row."""
    coded = [t for t in row.record.history if t.code]
    return f"{coded[-1].code}: {coded[-1].reason}" if coded else ""


def _time(row: OrderRow) -> str:
    history = row.record.history
    return history[0].time.astimezone().strftime("%H:%M:%S") if history else ""


ORDER_COLUMNS: tuple[Column, ...] = (
    Column("symbol", "Symbol", _symbol),
    Column("action", "Action", lambda r: r.record.trade.order.action),
    Column("type", "Type", lambda r: r.record.trade.order.orderType),
    Column("quantity", "Quantity", lambda r: float(r.record.trade.order.totalQuantity), True),
    Column("filled", "Filled", lambda r: float(r.record.filled), True),
    Column("remaining", "Remaining", lambda r: float(r.record.remaining), True),
    Column("limit", "Lmt Price", lambda r: _number(r.record.trade.order.lmtPrice), True, True),
    Column(
        "aux",
        "Aux Price",
        lambda r: _number(r.record.trade.order.auxPrice),
        True,
        True,
        tooltip="Stop or trigger price, trail amount or offset",
    ),
    Column("tif", "TIF", lambda r: r.record.trade.order.tif),
    Column("status", "Status", lambda r: r.record.state.value),
    Column(
        "avgPrice",
        "Avg Price",
        lambda r: _number(r.record.trade.orderStatus.avgFillPrice) or None,
        True,
        True,
    ),
    Column("message", "Message", _message, tooltip="IB's last code about the order"),
    Column("orderId", "Order ID", lambda r: float(r.record.trade.order.orderId), True),
    Column("account", "Account", lambda r: r.record.trade.order.account, visible=False),
    Column("ref", "Order Ref", lambda r: r.record.trade.order.orderRef, visible=False),
    Column("time", "Time", _time),
)


def _commission(row: FillRow) -> float | None:
    report = row.fill.commissionReport
    return _number(report.commission) if report and report.execId else None


def _realized(row: FillRow) -> float | None:
    report = row.fill.commissionReport
    value = _number(report.realizedPNL) if report and report.execId else None
    return value if value is not None and abs(value) < 1e300 else None


class MoneyColumn(Column):
    def format(self, value: float | str | None, row: Any) -> str:
        return format_money(value) if isinstance(value, float) else ""


FILL_COLUMNS: tuple[Column, ...] = (
    Column("time", "Time", lambda r: r.fill.time.astimezone().strftime("%H:%M:%S")),
    Column("symbol", "Symbol", lambda r: symbol_of(r.fill.contract)),
    Column("side", "Side", lambda r: r.fill.execution.side),
    Column("quantity", "Quantity", lambda r: float(r.fill.execution.shares), True),
    Column("price", "Price", lambda r: float(r.fill.execution.price), True, True),
    Column("exchange", "Exchange", lambda r: r.fill.execution.exchange),
    MoneyColumn("commission", "Commission", _commission, True),
    MoneyColumn("realized", "Realized P&L", _realized, True),
    Column("orderId", "Order ID", lambda r: float(r.fill.execution.orderId), True),
    Column("account", "Account", lambda r: r.fill.execution.acctNumber, visible=False),
    Column("execId", "Exec ID", lambda r: r.fill.execution.execId, visible=False),
)
