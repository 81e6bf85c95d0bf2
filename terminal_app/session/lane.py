"""The bulk lane: market data and history requests wait here, not in ib_async's send queue.

ib_async throttles every outgoing message to `Client.MaxRequests` per `RequestsInterval` (45/s) in
one FIFO queue, so a cancel issued after 200 subscriptions would wait ~4 s behind them. The session
therefore feeds bulk requests to ib_async at most `rate` per `interval` (below ib_async's limit),
and sends orders, modifications and cancels straight to ib_async: its queue stays empty and they go
out at once, inside the reserve left free by `rate`.
"""

import asyncio
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable

Action = Callable[[], None]


class BulkLane:
    """FIFO of deferred sends with a sliding-window rate limit; a queued send can be withdrawn."""

    def __init__(
        self,
        rate: int = 35,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.interval = interval
        self.clock = clock
        self._queue: OrderedDict[Hashable, Action] = OrderedDict()
        self._on_drop: dict[Hashable, Action] = {}
        self._sent: deque[float] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self._paused = False
        self._seq = 0
        self.on_error: Callable[[BaseException], None] | None = None

    @property
    def pending(self) -> int:
        return len(self._queue)

    def submit(
        self, action: Action, key: Hashable | None = None, on_drop: Action | None = None
    ) -> None:
        """Queue `action` (sends one message); a new action under an existing key replaces it.
        `on_drop` runs instead of `action` if the queue is cleared first (disconnect)."""
        if key is None:
            self._seq += 1
            key = ("anon", self._seq)
        self._queue.pop(key, None)
        self._queue[key] = action
        if on_drop is not None:
            self._on_drop[key] = on_drop
        self.pump()

    async def slot(self) -> None:
        """Wait for this caller's turn (for requests sent by an awaited ib_async call);
        ConnectionError if the lane is cleared (disconnect) first."""
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def go() -> None:
            if not turn.done():
                turn.set_result(None)

        def dropped() -> None:
            if not turn.done():
                turn.set_exception(ConnectionError("disconnected before the request was sent"))

        self._seq += 1
        key = ("slot", self._seq)
        self.submit(go, key=key, on_drop=dropped)
        try:
            await turn
        except asyncio.CancelledError:
            self.withdraw(key)  # the caller gave up: free the place in the queue
            raise

    def withdraw(self, key: Hashable) -> bool:
        """Drop a queued, unsent action: True if it was still waiting."""
        self._on_drop.pop(key, None)
        return self._queue.pop(key, None) is not None

    def clear(self) -> None:
        """Forget every waiting action (the connection is gone), telling those who asked."""
        dropped = [self._on_drop[k] for k in self._queue if k in self._on_drop]
        self._queue.clear()
        self._on_drop.clear()
        self._cancel_timer()
        for on_drop in dropped:
            on_drop()

    def pause(self) -> None:
        self._paused = True
        self._cancel_timer()

    def resume(self) -> None:
        self._paused = False
        self.pump()

    def budget(self) -> int:
        """How many actions may run now under the rate limit."""
        now = self.clock()
        while self._sent and now - self._sent[0] >= self.interval:
            self._sent.popleft()
        return max(0, self.rate - len(self._sent))

    def pump(self) -> None:
        """Run as many queued actions as the budget allows; schedule the rest."""
        if self._paused:
            return
        budget = self.budget()
        while self._queue and budget > 0:
            key, action = self._queue.popitem(last=False)
            self._on_drop.pop(key, None)
            self._sent.append(self.clock())
            budget -= 1
            try:
                action()
            except Exception as exc:  # one failed send must not stall the rest of the queue
                if self.on_error is None:
                    raise
                self.on_error(exc)
        if self._queue and self._timer is None:
            wait = self._sent[0] + self.interval - self.clock() if self._sent else 0.0
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(max(0.0, wait) + 0.001, self._tick)

    def _tick(self) -> None:
        self._timer = None
        self.pump()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
