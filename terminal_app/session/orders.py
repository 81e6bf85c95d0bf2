"""The order gate: order actions go straight to ib_async (never behind the bulk lane), and only
while the connection allows trading."""

from collections.abc import Callable

from ib_async import IB, Contract, Order, Trade


class OrderRefused(RuntimeError):
    """The session would not send an order action; `str(exc)` is the reason for the user."""


class OrderGate:
    def __init__(self, ib: IB, trading: Callable[[], tuple[bool, str]]) -> None:
        """`trading()` is (allowed, why not), as the connection supervisor says."""
        self._ib = ib
        self._trading = trading

    def place(self, contract: Contract, order: Order) -> Trade:
        self._check()
        if order.orderId:
            done = next(
                (t for t in self._ib.trades() if t.order.orderId == order.orderId and t.isDone()),
                None,
            )
            if done is not None:
                raise OrderRefused(
                    f"order {order.orderId} is already {done.orderStatus.status}; it cannot be "
                    "modified"
                )
        return self._ib.placeOrder(contract, order)

    def cancel(self, trade: Trade) -> Trade | None:
        self._check()
        return self._ib.cancelOrder(trade.order)

    def global_cancel(self) -> None:
        self._check()
        self._ib.reqGlobalCancel()

    def _check(self) -> None:
        allowed, reason = self._trading()
        if not allowed:
            raise OrderRefused(reason)
