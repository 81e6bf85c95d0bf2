"""Waiting on conditions from async tests (never on fixed sleeps)."""

import asyncio
import time
from collections.abc import Callable


async def wait_until(
    condition: Callable[[], object], timeout: float = 5.0, message: str = ""
) -> None:
    """Poll `condition` while the loop keeps running; fail with `message` after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message or f"condition not met within {timeout}s")
        await asyncio.sleep(0.01)
