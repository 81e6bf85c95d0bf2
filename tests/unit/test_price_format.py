import math

import pytest

from terminal_app.price_format import (
    decimals_for_tick,
    format_change,
    format_percent,
    format_price,
    format_quantity,
    format_size,
    format_volume,
    is_missing,
)


@pytest.mark.parametrize(
    ("tick", "decimals"), [(0.01, 2), (0.25, 2), (0.00005, 5), (0.005, 3), (0.1, 1), (1.0, 0)]
)
def test_decimals_follow_the_min_tick(tick: float, decimals: int) -> None:
    assert decimals_for_tick(tick) == decimals


@pytest.mark.parametrize(
    ("value", "tick", "text"),
    [
        (189.5, 0.01, "189.50"),
        (5012.25, 0.25, "5,012.25"),
        (1.08345, 0.00005, "1.08345"),
        (151.235, 0.005, "151.235"),
        (2034.1, 0.1, "2,034.1"),
        (110.515625, 1 / 64, "110'16.5"),
        (110.5, 1 / 64, "110'16"),
        (112.0078125, 1 / 128, "112'00.25"),
    ],
)
def test_prices_formatted_to_the_tick(value: float, tick: float, text: str) -> None:
    assert format_price(value, tick) == text


@pytest.mark.parametrize("missing", [math.nan, -1.0, 1.7976931348623157e308, None, math.inf])
def test_missing_values_are_blank_never_nan(missing: float | None) -> None:
    assert is_missing(missing)
    assert format_price(missing, 0.01) == ""
    assert format_size(missing) == ""


def test_sizes_have_no_spurious_decimals() -> None:
    assert format_size(100.0) == "100"
    assert format_size(1234567) == "1,234,567"
    assert format_size(0.5) == "0.5"
    assert format_size(0) == "0"


def test_changes_and_percents_carry_a_sign() -> None:
    assert format_change(1.25, 0.25) == "+1.25"
    assert format_change(-0.5, 0.01) == "-0.50"
    assert format_change(0.0, 0.01) == "0.00"
    assert format_percent(1.2345) == "+1.23%"
    assert format_percent(math.nan) == ""


def test_quantities_keep_their_sign() -> None:
    assert format_quantity(-200.0) == "-200"
    assert format_quantity(1.5) == "1.5"
    assert format_quantity(math.nan) == ""


def test_volumes_are_compact() -> None:
    assert format_volume(8701.0) == "8,701"
    assert format_volume(123_456.0) == "123.5K"
    assert format_volume(14_144_600.0) == "14.14M"
    assert format_volume(2_100_000_000) == "2.10B"
    assert format_volume(math.nan) == ""


def test_the_unset_double_is_blank_in_every_format() -> None:
    unset = 1.7976931348623157e308
    assert format_change(unset) == format_percent(unset) == format_quantity(unset) == ""
