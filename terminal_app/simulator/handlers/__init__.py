"""Request handlers by request name: `handler(gateway, connection, request) -> None`.

Each module registers the requests of one area in `registry.HANDLERS`; importing this package
imports them all. Anything without a handler is answered with error 322 by the gateway (and
logged), never ignored. `terminal_app/simulator/REQUESTS.md` lists what each request gets.
"""

from terminal_app.simulator.handlers import (
    account,
    contracts,
    history,
    market_data,
    news,
    options,
    orders,
    scanner,
    services,
)
from terminal_app.simulator.handlers.registry import HANDLERS

__all__ = [
    "HANDLERS",
    "account",
    "contracts",
    "history",
    "market_data",
    "news",
    "options",
    "orders",
    "scanner",
    "services",
]
