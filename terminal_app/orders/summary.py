"""Orders as one readable line each, for the confirmation dialog and the ticket's preview."""

from decimal import Decimal

from ib_async import Contract, Order

from terminal_app.price_format import format_size, is_missing


def _price(value: float | Decimal | None) -> str:
    return f"{float(value or 0):g}"


def order_line(contract: Contract, order: Order) -> str:
    symbol = contract.localSymbol or contract.symbol
    parts = [order.action, format_size(order.totalQuantity), symbol, order.orderType]
    if order.orderType in ("TRAIL", "TRAIL LIMIT"):
        if not is_missing(order.trailingPercent):
            parts.append(f"trail {_price(order.trailingPercent)}%")
        elif not is_missing(order.auxPrice):
            parts.append(f"trail {_price(order.auxPrice)}")
        if not is_missing(order.trailStopPrice):
            parts.append(f"stop {_price(order.trailStopPrice)}")
        if not is_missing(order.lmtPriceOffset):
            parts.append(f"limit offset {_price(order.lmtPriceOffset)}")
    else:
        if not is_missing(order.auxPrice):
            parts.append(_aux(order))
        if not is_missing(order.lmtPrice) and order.lmtPrice:
            parts.append(f"limit {_price(order.lmtPrice)}")
    parts.append(order.tif)
    if order.goodTillDate:
        parts.append(f"until {order.goodTillDate} UTC")
    if order.algoStrategy:
        params = ", ".join(f"{t.tag}={t.value}" for t in order.algoParams)
        parts.append(f"{order.algoStrategy}({params})")
    if order.parentId:
        parts.append("(attached)")
    if order.ocaGroup:
        parts.append(f"OCA {order.ocaGroup}")
    if order.outsideRth:
        parts.append("outside RTH")
    return " ".join(parts)


def _aux(order: Order) -> str:
    label = {"MIT": "trigger", "LIT": "trigger", "REL": "offset", "PEG MID": "offset"}
    return f"{label.get(order.orderType, 'stop')} {_price(order.auxPrice)}"
