"""Typed or pasted symbols to qualified contracts: the IB side of adding symbols to a list."""

from datetime import date

from ib_async import Contract

from terminal_app.front_month import front_month
from terminal_app.session import BrokerSession, ContractError
from terminal_app.symbol_parse import parse_symbol


async def resolve_symbol(session: BrokerSession, token: str) -> tuple[Contract | None, str]:
    """The qualified contract for `token`, or None and why not. A futures root without an expiry
    (`/ES`) means the front month, as in TWS."""
    spec = parse_symbol(token)
    if spec is None:
        return None, f"{token!r} is not a symbol (try AAPL, EUR.USD, ESZ6, /ES, SPX:IND)."
    try:
        return await session.qualify(spec), ""
    except ContractError as exc:
        if spec.secType == "FUT" and spec.symbol and exc.candidates:
            front = front_month(exc.candidates, date.today())
            if front is not None:
                try:
                    return await session.qualify(front), ""
                except ContractError as again:
                    return None, str(again)
        return None, str(exc)
    except ConnectionError as exc:
        return None, f"{token}: not connected ({exc})"
