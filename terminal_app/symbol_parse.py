"""Turn what a trader types or pastes ("AAPL", "EUR.USD", "ESZ6", "/ES", "SPX:IND:CBOE") into a
Contract spec for qualification, and split pasted lists.

Only syntax is decided here; the gateway's contract details decide what exists.
"""

import re

from ib_async import Contract

_ISO = "USD EUR JPY GBP CHF CAD AUD NZD SEK NOK DKK HKD SGD CNH MXN ZAR PLN CZK HUF ILS TRY KRW"
CURRENCIES = frozenset(_ISO.split(" "))
SEC_TYPES = frozenset({"STK", "CASH", "FUT", "IND", "OPT", "FOP", "CFD", "CMDTY", "BOND", "WAR"})
_MONTH_CODES = "FGHJKMNQUVXZ"
_FUTURE_LOCAL = re.compile(rf"^([A-Z0-9]{{1,4}}?)([{_MONTH_CODES}])(\d{{1,2}})$")
_SPLIT = re.compile(r"[\s,;]+")


def split_symbols(text: str) -> list[str]:
    """Symbols from pasted text: split on commas, semicolons and white space, de-duplicated."""
    seen: dict[str, None] = {}
    for token in _SPLIT.split(text.strip()):
        if token:
            seen.setdefault(token.upper(), None)
    return list(seen)


def parse_symbol(text: str) -> Contract | None:
    """A Contract spec for one token, or None when the token cannot be a symbol."""
    token = text.strip().upper()
    if not token or len(token) > 40:
        return None
    if ":" in token:
        return _explicit(token)
    if token.startswith("/"):
        root = token[1:]
        return Contract(secType="FUT", symbol=root) if root.isalnum() else None
    forex = _forex(token)
    if forex is not None:
        return forex
    if not re.fullmatch(r"[A-Z0-9.\-]+", token):
        return None
    if _FUTURE_LOCAL.match(token):
        return Contract(secType="FUT", localSymbol=token)
    return Contract(secType="STK", symbol=token, exchange="SMART", currency="USD")


def _forex(token: str) -> Contract | None:
    pair = token.replace("/", ".")
    base, _, quote = pair.partition(".")
    if not quote and len(pair) == 6:
        base, quote = pair[:3], pair[3:]
    if base in CURRENCIES and quote in CURRENCIES and base != quote:
        return Contract(secType="CASH", symbol=base, currency=quote, exchange="IDEALPRO")
    return None


def _explicit(token: str) -> Contract | None:
    """SYMBOL:TYPE[:EXCHANGE[:CURRENCY]] — the escape hatch for anything the short forms miss."""
    parts = token.split(":")
    if len(parts) > 4 or parts[1] not in SEC_TYPES or not parts[0]:
        return None
    symbol, sec_type = parts[0], parts[1]
    exchange = parts[2] if len(parts) > 2 else ""
    currency = parts[3] if len(parts) > 3 else ""
    if sec_type == "STK":
        return Contract(
            secType="STK", symbol=symbol, exchange=exchange or "SMART", currency=currency or "USD"
        )
    if sec_type == "CASH":
        forex = _forex(symbol)
        return forex if forex is not None else None
    return Contract(secType=sec_type, symbol=symbol, exchange=exchange, currency=currency)
