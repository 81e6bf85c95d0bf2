"""Ownership of the asyncio tasks the app starts, and one handler for errors nobody awaited.

An unowned task that fails vanishes silently, and one still pending at exit prints "Task was
destroyed but it is pending"; so every task is spawned here, and cancelled on shutdown.
"""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)

ErrorSink = Callable[[str], None]
T = TypeVar("T")


class TaskOwner:
    """Keeps a strong reference to each task until it ends, so it can be cancelled and awaited.

    A task's error goes to `on_error` (one line of text) when given, else to the loop's
    exception handler (see `install_exception_handler`)."""

    def __init__(self, name: str = "app", on_error: ErrorSink | None = None) -> None:
        self._name = name
        self._on_error = on_error
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, T], name: str | None = None) -> asyncio.Task[T]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        if self._on_error is not None:
            log.error("%s task %s failed", self._name, task.get_name(), exc_info=exc)
            self._on_error(f"{self._name} task {task.get_name()} failed: {exc!r}")
            return
        # Route through the loop's handler so the UI surfaces it like any other task error.
        task.get_loop().call_exception_handler(
            {"message": f"task {task.get_name()} failed", "exception": exc, "task": task}
        )

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def cancel_all(self, timeout: float = 3.0) -> None:
        """Cancel every owned task and wait (bounded) until they have all finished."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            _done, still = await asyncio.wait(tasks, timeout=timeout)
            if still:
                log.warning("%d %s task(s) did not stop in %.1fs", len(still), self._name, timeout)


def install_exception_handler(
    loop: asyncio.AbstractEventLoop, sink: ErrorSink | None = None
) -> None:
    """Log every unhandled task error; `sink` also receives a one-line text for the UI."""

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        message = context.get("message", "unhandled error in event loop")
        if exc is not None:
            log.error("%s: %r", message, exc, exc_info=exc)
            text = f"{message}: {type(exc).__name__}: {exc}"
        else:
            log.error("%s", message)
            text = message
        if sink is not None:
            sink(text)

    loop.set_exception_handler(handler)
