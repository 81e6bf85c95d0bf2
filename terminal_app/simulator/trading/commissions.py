"""An IB "tiered"-like commission schedule per asset class (USD; exchange fees folded in).

Rates follow IB's published lowest-volume tier, which is what a paper account pays:
stocks USD 0.0035/share (min 0.35, max 1% of value) plus ~0.0002/share in fees; futures
USD 0.85/contract plus exchange fees (micros 0.25 + 0.35); forex 0.2 bp of value, min USD 2.00;
options USD 0.65/contract, min 1.00.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .ports import InstrumentSpec

_CENT = Decimal("0.01")
_MICRO_FUTURES = frozenset({"MES", "MNQ", "M2K", "MYM", "MGC", "MCL", "M6E", "MBT"})


@dataclass(frozen=True)
class CommissionQuote:
    """Commission for one fill, and the range IB shows for a whole order (whatIf)."""

    commission: Decimal
    minimum: Decimal
    maximum: Decimal


def _money(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def commission(spec: InstrumentSpec, quantity: Decimal, notional: Decimal) -> Decimal:
    """Commission for an order that has traded `quantity` for `notional` (price × quantity, no
    multiplier) so far. Minimums and caps apply per order, as IB charges them: an execution pays
    the order's total so far minus what its earlier executions paid."""
    quantity = abs(quantity)
    value = abs(notional) * spec.multiplier
    if spec.sec_type == "STK":
        raw = quantity * Decimal("0.0037")
        return _money(min(max(raw, Decimal("0.35")), value * Decimal("0.01")))
    if spec.sec_type == "FUT":
        per = Decimal("0.60") if spec.symbol in _MICRO_FUTURES else Decimal("2.13")
        return _money(quantity * per)
    if spec.sec_type == "CASH":
        # 0.2 bp of the USD value: the quote amount for XXX.USD; for USD.XXX and the crosses
        # the base amount (the crosses' base currencies trade near USD parity in this universe).
        usd_value = value if spec.currency == "USD" else quantity
        return _money(max(usd_value * Decimal("0.00002"), Decimal("2.00")))
    if spec.sec_type in ("OPT", "FOP"):
        return _money(max(quantity * Decimal("0.65"), Decimal("1.00")))
    return _money(max(value * Decimal("0.0001"), Decimal("1.00")))


def order_commission(spec: InstrumentSpec, quantity: Decimal, price: Decimal) -> CommissionQuote:
    """What whatIf reports: the whole order at `price` (the minimum; the same for the maximum
    unless per-share rates change with the fill pattern, which this schedule does not model)."""
    due = commission(spec, quantity, quantity * price)
    return CommissionQuote(due, due, due)
