"""The order gate: order actions go straight to ib_async (never behind the bulk lane), and only
while the connection allows trading."""

import asyncio
from collections.abc import Callable

from ib_async import IB, Contract, Order, OrderState, Trade


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

    def next_order_id(self) -> int:
        """A fresh order id, for orders that must know each other's ids before they are sent
        (a bracket's children carry their parent's)."""
        self._check()
        return int(self._ib.client.getReqId())

    async def what_if(self, contract: Contract, order: Order, timeout: float) -> OrderState:
        """Commission and margin impact of `order` without placing it (IB's whatIf)."""
        self._check()
        return await asyncio.wait_for(self._ib.whatIfOrderAsync(contract, order), timeout)

    async def list_open_orders(self, timeout: float) -> list[Trade]:
        """Every client's working orders (reqAllOpenOrders), asked for explicitly because
        ib_async's read-only connect skips reqOpenOrders. It is a query, so it is not gated.
        TWS versions differ on read-only clients: some answer, older ones refuse with 321
        (reqId -1, so the timeout ends the wait) and only push the open orders on connect when
        "Download open orders on connection" is on in TWS's API settings."""
        return list(await asyncio.wait_for(self._ib.reqAllOpenOrdersAsync(), timeout))

    def _check(self) -> None:
        allowed, reason = self._trading()
        if not allowed:
            raise OrderRefused(reason)
