"""A simulated gateway for other people's tests: `GatewayThread` runs one on its own event loop in
a background thread, so a test can drive it with ib_async's blocking API or its own asyncio loop
alike. The pytest plugin (`pytest_plugin.py`) hands one out as the `ib_sim` fixture.

Not for the terminal's GUI process (no Python threads there): the terminal embeds the gateway
on its own loop.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from terminal_app.simulator.config import SimConfig

START_TIMEOUT_S = 30.0
CALL_TIMEOUT_S = 10.0


class GatewayThread:
    """`with GatewayThread(config) as sim:` a started gateway on `sim.host`:`sim.port`.

    `sim.control` is the gateway's fault control (`drop_clients`, `inject_error`,
    `connectivity_lost`, `pause_feed`, `reject_next_orders`, ...), each call run on the gateway's
    loop and waited for; `sim.call(fn, *args)` runs anything else there (`fn` gets the gateway).
    """

    def __init__(self, config: SimConfig | None = None, host: str = "127.0.0.1") -> None:
        self.config = config or SimConfig()
        self.host = host
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._gateway: Any = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="ib-terminal-sim", daemon=True)

    def __enter__(self) -> GatewayThread:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> int:
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT_S):
            raise TimeoutError("the simulated gateway did not start")
        if self._error is not None:
            raise RuntimeError("the simulated gateway failed to start") from self._error
        return self.port

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(START_TIMEOUT_S)

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`fn(gateway, *args, **kwargs)` on the gateway's loop (awaited if it is a coroutine)."""
        assert self._loop is not None, "not started"

        async def run() -> Any:
            result = fn(self._gateway, *args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(CALL_TIMEOUT_S)

    @property
    def control(self) -> _Control:
        return _Control(self)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to start(), which waits for it
            self._error = exc
            self._ready.set()

    async def _serve(self) -> None:
        from terminal_app.simulator.gateway import SimulatedGateway  # the heavy part

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._gateway = SimulatedGateway(self.config)
        self.port = await self._gateway.start(self.host, 0)
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await self._gateway.stop()


class _Control:
    """`GatewayControl`'s methods, each run on the gateway's loop."""

    def __init__(self, sim: GatewayThread) -> None:
        self._sim = sim

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            return self._sim.call(lambda gw: getattr(gw.control, name)(*args, **kwargs))

        return call
