"""Request handlers by request name: `handler(gateway, connection, request) -> None`.

Each module registers the requests of one area; anything without a handler is answered with
error 322 by the gateway (and logged), never ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from terminal_app.simulator.connection import Connection
    from terminal_app.simulator.gateway import SimulatedGateway
    from terminal_app.simulator.protocol.codec import Request

Handler = Callable[["SimulatedGateway", "Connection", "Request"], Any]
HANDLERS: dict[str, Handler] = {}


def handles(*names: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = fn
        return fn

    return register


# Importing the modules fills HANDLERS.
from terminal_app.simulator.handlers import (  # noqa: E402
    account,
    contracts,
    history,
    market_data,
    orders,
)

__all__ = [
    "HANDLERS",
    "Handler",
    "account",
    "contracts",
    "handles",
    "history",
    "market_data",
    "orders",
]
