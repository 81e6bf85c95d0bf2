"""The order layer (no widgets): intents, pure builders, validation, precautions, the order
state machine and per-contract order book, and the service every panel places orders through.

    service = order_service(session)          # one per session, shared by every panel
    review = service.review(contract, intent, quote)   # problems, cautions, orders, lines
    trades = service.submit(contract, intent, quote, confirmed=...)
        # raises OrderRefused (disabled, invalid) or NeedsConfirmation (beyond a precaution)
    service.modify(trade, intent, quote, confirmed=...)   # same orderId, checked like a new one
    service.cancel(trade); service.cancel_all()          # this client's working orders
    service.book.book(con_id)                 # working orders, fills, position, average price
"""

import weakref

from terminal_app.orders.service import NeedsConfirmation, OrderService, Review, WhatIf
from terminal_app.orders.settings import OrderSettings, load_order_settings
from terminal_app.session.broker import BrokerSession

__all__ = ["NeedsConfirmation", "OrderService", "Review", "WhatIf", "order_service"]

_services: "weakref.WeakKeyDictionary[BrokerSession, OrderService]" = weakref.WeakKeyDictionary()


def order_service(session: BrokerSession) -> OrderService:
    """The session's order service (created on first use, with the saved precautions)."""
    service = _services.get(session)
    if service is None:
        loaded = load_order_settings()
        if loaded.problem:  # the damaged file is kept as .bak; the defaults apply
            session.report_error(loaded.problem)
        settings = loaded.value or OrderSettings()
        service = _services[session] = OrderService(session, settings)
    return service
