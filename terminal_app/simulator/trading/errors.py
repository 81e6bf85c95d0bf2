"""IB error codes the order engine produces, with TWS's wording."""

from __future__ import annotations

from dataclasses import dataclass

DUPLICATE_ORDER_ID = 103
MODIFY_MISMATCH = 105
PRICE_NOT_ON_TICK = 110
ORDER_REJECTED = 201
ORDER_CANCELLED = 202
UNSUPPORTED_ORDER_TYPE = 387
CANCEL_UNKNOWN = 10147
CANCEL_NOT_POSSIBLE = 10148
OUTSIDE_RTH_IGNORED = (
    2109,
    "Order Event Warning:Attribute 'Outside Regular Trading Hours' is ignored based on the order "
    "type and destination. PlaceOrder is now being processed.",
)


@dataclass(frozen=True)
class Rejection(Exception):
    """A request the engine refuses; becomes an `ErrorEvent` for the order id."""

    code: int
    text: str


def rejected(reason: str) -> Rejection:
    return Rejection(ORDER_REJECTED, f"Order rejected - reason:{reason}")


def off_tick() -> Rejection:
    return Rejection(
        PRICE_NOT_ON_TICK,
        "The price does not conform to the minimum price variation for this contract.",
    )


def unsupported(order_type: str) -> Rejection:
    return Rejection(
        UNSUPPORTED_ORDER_TYPE,
        f"Unsupported order type for this exchange and security type: {order_type!r}",
    )


def cancelled_text(reason: str = "") -> str:
    return f"Order Canceled - reason:{reason}"


def cancel_unknown(order_id: int) -> Rejection:
    return Rejection(CANCEL_UNKNOWN, f"OrderId {order_id} that needs to be cancelled is not found.")


def cancel_not_possible(order_id: int, status: str) -> Rejection:
    return Rejection(
        CANCEL_NOT_POSSIBLE,
        f"OrderId {order_id} that needs to be cancelled cannot be cancelled, state: {status}.",
    )


def duplicate_id() -> Rejection:
    return Rejection(DUPLICATE_ORDER_ID, "Duplicate order id")


def modify_mismatch(reason: str) -> Rejection:
    return Rejection(
        MODIFY_MISMATCH, f"Order being modified does not match original order: {reason}"
    )
