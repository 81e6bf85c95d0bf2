"""Margin of an option position, by the CBOE/FINRA rules IB applies to a margin account.

Long options need no margin (their premium is paid in full). A short ("naked") option needs its
current value plus ``max(rate × underlying − out-of-the-money amount, 10 % × underlying for calls /
10 % × strike for puts)``, per share, times the multiplier; ``rate`` is 20 % on stocks and ETFs and
15 % on broad-based indices. Maintenance equals initial, as at IB.
"""

from __future__ import annotations

from decimal import Decimal

STOCK_RATE = Decimal("0.20")
INDEX_RATE = Decimal("0.15")
FLOOR_RATE = Decimal("0.10")


def short_option_margin(
    is_call: bool,
    strike: Decimal,
    underlying: Decimal,
    option_price: Decimal,
    index: bool,
) -> Decimal:
    """Per unit of the underlying (multiply by multiplier × contracts short)."""
    rate = INDEX_RATE if index else STOCK_RATE
    out_of_money = (
        max(strike - underlying, Decimal(0)) if is_call else max(underlying - strike, Decimal(0))
    )
    floor = FLOOR_RATE * (underlying if is_call else strike)
    return option_price + max(rate * underlying - out_of_money, floor)
