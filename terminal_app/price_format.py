"""Display formatting of prices and sizes as traders read them.

Prices are shown to the contract's minimum tick (forex to the fractional pip, bond futures in
32nds), sizes without a spurious ".0". IB's "no value" (nan, -1, the unset max double) is shown
as blank, never as "nan".
"""

import math
from decimal import Decimal

_UNSET_DOUBLE = 1.7976931348623157e308


def _number(value: float | int | Decimal | None) -> float | None:
    """The value as a float, or None for None, nan, inf and IB's unset double."""
    if value is None:
        return None
    number = float(value)
    if math.isnan(number) or math.isinf(number) or abs(number) >= _UNSET_DOUBLE:
        return None
    return number


def is_missing(value: float | int | Decimal | None) -> bool:
    """True for IB's "no value" markers: None, nan, inf, the unset double and -1."""
    number = _number(value)
    return number is None or number == -1


def decimals_for_tick(min_tick: float) -> int:
    """Number of decimals that shows every multiple of `min_tick` exactly (0.25 → 2, 5e-05 → 5)."""
    if not min_tick or math.isnan(min_tick) or min_tick <= 0:
        return 2
    exponent = Decimal(repr(min_tick)).normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def is_thirty_seconds(min_tick: float) -> bool:
    """Treasury futures tick in binary fractions finer than 1/32 (ZN: 1/64, ZF/ZT: 1/128)."""
    if not min_tick or min_tick <= 0 or math.isnan(min_tick):
        return False
    per_point = 1 / min_tick
    whole = round(per_point)
    return abs(per_point - whole) < 1e-9 and whole >= 64 and whole & (whole - 1) == 0


def format_price(value: float | None, min_tick: float = 0.01) -> str:
    if value is None or is_missing(value):
        return ""
    if is_thirty_seconds(min_tick):
        return _format_32nds(value, min_tick)
    return f"{value:,.{decimals_for_tick(min_tick)}f}"


def _format_32nds(value: float, min_tick: float) -> str:
    """110.515625 with tick 1/64 → "110'16.5" (handle, 32nds, fraction of a 32nd)."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    ticks = round(value / min_tick)
    per_point = round(1 / min_tick)
    handle, rest = divmod(ticks, per_point)
    thirty_seconds = rest * 32 / per_point
    whole = int(thirty_seconds)
    fraction = thirty_seconds - whole
    text = f"{sign}{handle}'{whole:02d}"
    if fraction:
        text += f"{fraction:.3f}".rstrip("0").lstrip("0")
    return text


def format_change(value: float | None, min_tick: float = 0.01) -> str:
    """A price difference with an explicit sign (+1.25 / -0.50)."""
    value = _number(value)
    if value is None:
        return ""
    text = format_price(abs(value), min_tick)
    return ("+" if value > 0 else "-" if value < 0 else "") + text


def format_percent(value: float | None) -> str:
    value = _number(value)
    if value is None:
        return ""
    return f"{value:+.2f}%"


def format_size(value: float | int | Decimal | None) -> str:
    """Sizes and volumes: thousands separators, no ".0" on integral values, blank when missing."""
    number = _number(value)
    if number is None or number < 0:
        return ""
    if number == int(number):
        return f"{int(number):,}"
    return f"{number:,.4f}".rstrip("0").rstrip(".")


def format_volume(value: float | int | Decimal | None) -> str:
    """Session volumes as TWS shows them: 8,701 / 123.4K / 14.14M / 1.2B, blank when missing."""
    text = format_size(value)
    number = _number(value)
    if not text or number is None:
        return text
    for threshold, unit, suffix, decimals in (
        (1e9, 1e9, "B", 2),
        (1e6, 1e6, "M", 2),
        (1e5, 1e3, "K", 1),
    ):
        if number >= threshold:
            return f"{number / unit:.{decimals}f}{suffix}"
    return text


def format_quantity(value: float | int | Decimal | None) -> str:
    """Signed quantities (positions: -200 is short), blank when missing; -1 is a real value."""
    number = _number(value)
    if number is None:
        return ""
    sign = "-" if number < 0 else ""
    return sign + format_size(abs(number))


def format_money(value: float | None, decimals: int = 2) -> str:
    value = _number(value)
    if value is None:
        return ""
    return f"{value:,.{decimals}f}"
