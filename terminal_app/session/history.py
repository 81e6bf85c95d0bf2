"""One queue for every historical-data request of every panel, paced by IB's rules.

Charts, watchlists and studies ask for history independently; sent as they come, a restored
workspace with a few charts trips IB's pacing (error 162) within seconds. Here identical requests
are merged (waiting or in flight: one request, many awaiters; finished within the 15 s identical
rule: the same result), the rest wait their turn, and the waiting list is visible to the UI.
A 162 pacing violation blocks the queue for a cool-down and sends that request once more; any other
162 (no data, no permission) fails the request with IB's reason, never retried blindly.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ib_async import BarData, Contract, RequestError

from terminal_app.ib_errors import HISTORY_SERVICE_ERROR, describe
from terminal_app.session.pacing import HistoryKey, HistoryPacer
from terminal_app.tasks import TaskOwner

Send = Callable[["HistoryRequest"], Awaitable[list[BarData]]]


class HistoryError(Exception):
    """IB refused a history request; `code` and IB's `text`, with a plain explanation."""

    def __init__(self, code: int, text: str) -> None:
        self.code = code
        self.text = text
        self.explanation = describe(code).explanation
        super().__init__(f"IB error {code}: {text}")


@dataclass(eq=False)
class HistoryRequest:
    key: HistoryKey
    contract: Contract
    queued_at: float
    future: "asyncio.Future[list[BarData]]"
    waiters: int = 1
    sent_at: float | None = None
    retried: bool = False

    @property
    def describe(self) -> str:
        k = self.key
        name = self.contract.localSymbol or self.contract.symbol or str(k.con_id)
        return f"{name} {k.bar_size} {k.duration} {k.what_to_show}"


def is_pacing_violation(text: str) -> bool:
    return "pacing violation" in text.lower()


class HistoryScheduler:
    """Sends queued history requests through `send` whenever the pacer allows."""

    def __init__(
        self,
        send: Send,
        pacer: HistoryPacer | None = None,
        violation_cooldown: float = 60.0,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self._send = send
        self.pacer = pacer or HistoryPacer()
        self.violation_cooldown = violation_cooldown
        self.on_change = on_change
        self._waiting: list[HistoryRequest] = []
        self._in_flight: dict[HistoryKey, HistoryRequest] = {}
        self._done: dict[HistoryKey, tuple[float, list[BarData]]] = {}
        self._wake = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._tasks = TaskOwner("history")
        self._paused = False

    # --- what the UI shows -------------------------------------------------------------------
    def waiting(self) -> list[HistoryRequest]:
        return list(self._waiting)

    def in_flight(self) -> list[HistoryRequest]:
        return list(self._in_flight.values())

    # --- requests ----------------------------------------------------------------------------
    async def request(self, key: HistoryKey, contract: Contract) -> list[BarData]:
        """Bars for `key`, sent when pacing allows; identical requests share one reply."""
        cached = self._done.get(key)
        if (
            cached is not None
            and not key.keep_up_to_date
            and self.pacer.clock() - cached[0] < self.pacer.rules.identical_gap
        ):
            return list(cached[1])
        req = self._in_flight.get(key) or next((r for r in self._waiting if r.key == key), None)
        if req is not None and not key.keep_up_to_date:
            req.waiters += 1
        else:
            loop = asyncio.get_running_loop()
            req = HistoryRequest(key, contract, self.pacer.clock(), loop.create_future())
            self._waiting.append(req)
            self._changed()
            self._ensure_runner()
        try:
            return await asyncio.shield(req.future)
        except asyncio.CancelledError:
            req.waiters -= 1
            if req.waiters <= 0 and req in self._waiting:
                self._waiting.remove(req)
                req.future.cancel()
                self._changed()
            raise

    def pause(self) -> None:
        """While disconnected: keep the queue, send nothing."""
        self._paused = True

    def resume(self) -> None:
        self._paused = False
        self._wake.set()

    def fail_all(self, exc: BaseException) -> None:
        for req in self._waiting:
            if not req.future.done():
                req.future.set_exception(exc)
                req.future.exception()  # retrieved: awaiters that left must not warn
        self._waiting.clear()
        self._changed()

    async def close(self) -> None:
        self.fail_all(ConnectionError("session closed"))
        await self._tasks.cancel_all()

    # --- the queue ---------------------------------------------------------------------------
    def _ensure_runner(self) -> None:
        self._wake.set()
        if self._runner is None or self._runner.done():
            self._runner = self._tasks.spawn(self._run(), name="history-scheduler")

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            wait = self._dispatch_ready()
            if not self._waiting:
                await self._wake.wait()
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    def _dispatch_ready(self) -> float | None:
        """Send every request allowed now; return how long until the next one may go."""
        if self._paused:
            return None
        soonest: float | None = None
        for req in list(self._waiting):
            delay = self.pacer.delay(req.key)
            if delay > 0:
                soonest = delay if soonest is None else min(soonest, delay)
                continue
            self._waiting.remove(req)
            self._start(req)
        return soonest

    def _start(self, req: HistoryRequest) -> None:
        self.pacer.record(req.key)
        req.sent_at = self.pacer.clock()
        self._in_flight[req.key] = req
        self._changed()
        self._tasks.spawn(self._execute(req), name=f"history {req.describe}")

    async def _execute(self, req: HistoryRequest) -> None:
        try:
            bars = await self._send(req)
        except RequestError as exc:
            self._in_flight.pop(req.key, None)
            if (
                exc.code == HISTORY_SERVICE_ERROR
                and is_pacing_violation(exc.message)
                and not req.retried
            ):
                self.pacer.block(self.violation_cooldown)
                req.retried = True
                self._waiting.insert(0, req)
                self._changed()
                self._wake.set()
                return
            self._settle(req, error=HistoryError(exc.code, exc.message))
        except asyncio.CancelledError:
            self._in_flight.pop(req.key, None)
            req.future.cancel()
            raise
        except Exception as exc:
            self._in_flight.pop(req.key, None)
            self._settle(req, error=exc)
        else:
            self._in_flight.pop(req.key, None)
            if not req.key.keep_up_to_date:
                self._done[req.key] = (self.pacer.clock(), bars)
                self._forget_old_results()
            self._settle(req, result=bars)

    def _settle(
        self,
        req: HistoryRequest,
        result: list[BarData] | None = None,
        error: BaseException | None = None,
    ) -> None:
        if not req.future.done():
            if error is not None:
                req.future.set_exception(error)
                req.future.exception()  # mark retrieved: the awaiters re-raise it
            else:
                req.future.set_result(result if result is not None else [])
        self._changed()

    def _forget_old_results(self) -> None:
        now = self.pacer.clock()
        gap = self.pacer.rules.identical_gap
        for key in [k for k, (t, _) in self._done.items() if now - t >= gap]:
            del self._done[key]

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()
