import pytest

from terminal_app.symbol_parse import parse_symbol, split_symbols


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aapl", ("STK", "AAPL", "SMART", "USD", "")),
        ("BRK.B", ("STK", "BRK.B", "SMART", "USD", "")),
        ("EUR.USD", ("CASH", "EUR", "IDEALPRO", "USD", "")),
        ("usdjpy", ("CASH", "USD", "IDEALPRO", "JPY", "")),
        ("GBP/USD", ("CASH", "GBP", "IDEALPRO", "USD", "")),
        ("ESZ6", ("FUT", "", "", "", "ESZ6")),
        ("MNQH27", ("FUT", "", "", "", "MNQH27")),
        ("/ES", ("FUT", "ES", "", "", "")),
        ("SPX:IND:CBOE", ("IND", "SPX", "CBOE", "", "")),
        ("VOD:STK:LSE:GBP", ("STK", "VOD", "LSE", "GBP", "")),
    ],
)
def test_short_forms(text: str, expected: tuple[str, str, str, str, str]) -> None:
    c = parse_symbol(text)
    assert c is not None
    assert (c.secType, c.symbol, c.exchange, c.currency, c.localSymbol) == expected


@pytest.mark.parametrize("text", ["", "  ", "AAPL:XYZ", "A B", "$$$", "/", "X" * 41])
def test_not_symbols(text: str) -> None:
    assert parse_symbol(text) is None


def test_split_pasted_lists() -> None:
    assert split_symbols("aapl, MSFT\nEUR.USD;esz6  aapl\t") == ["AAPL", "MSFT", "EUR.USD", "ESZ6"]
    assert split_symbols("   ") == []
