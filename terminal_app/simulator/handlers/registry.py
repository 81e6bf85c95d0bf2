"""The request-name -> handler table that the handler modules fill with `@handles(...)`.

Apart from the package so the handler modules import it without importing each other (the
package imports them all, which completes the table).
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
        for name in names:  # a second handler for one request would silently replace the first
            if name in HANDLERS:
                raise RuntimeError(
                    f"{name} has two handlers: {HANDLERS[name].__module__}, {fn.__module__}"
                )
            HANDLERS[name] = fn
        return fn

    return register
