"""`ib-terminal-sim` as a separate process the test can SIGKILL and start again on the same port
and state dir: a TWS that crashes, as opposed to the in-process gateway a test stops cleanly.

Started with the same seed and simulated start as the in-process fixtures; its ready line gives
the port. The child is watched without threads (`sim_process.spawn`, as the terminal does).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from collections.abc import AsyncIterator
from pathlib import Path

from terminal_app.session.sim_launch import simulator_command
from terminal_app.session.sim_process import drain, spawn
from tests.sim_fixtures import SIM_SEED, SIM_START

READY = re.compile(r"listening on \S+:(\d+)")
START_TIMEOUT = 30.0


class GatewayProcess:
    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.port = 0
        self.proc: asyncio.subprocess.Process | None = None
        self._drains: list[asyncio.Task[None]] = []

    async def start(self) -> int:
        """Start it (on the port it had before, if any) and wait until it listens."""
        argv = [
            *simulator_command(),
            "--port", str(self.port),
            "--state", str(self.state_dir),
            "--seed", str(SIM_SEED),
            "--start", SIM_START,
            "--watch-stdin",
        ]  # fmt: skip
        proc = self.proc = await spawn(argv)
        assert proc.stdout is not None
        self._drains.append(asyncio.ensure_future(drain(proc.stderr, lambda _line: None)))
        ready = await asyncio.wait_for(self._ready(proc.stdout), START_TIMEOUT)
        self._drains.append(asyncio.ensure_future(drain(proc.stdout, lambda _line: None)))
        self.port = ready
        return ready

    @staticmethod
    async def _ready(stdout: asyncio.StreamReader) -> int:
        async for raw in stdout:
            match = READY.search(raw.decode(errors="replace"))
            if match:
                return int(match.group(1))
        raise RuntimeError("ib-terminal-sim ended without listening")

    async def kill(self) -> None:
        """SIGKILL: no chance to save or close anything."""
        proc = self.proc
        if proc is not None and proc.returncode is None:
            os.kill(proc.pid, signal.SIGKILL)
            await proc.wait()
        await self._drained()

    async def stop(self) -> None:
        """The clean way (EOF on its stdin), killed when it does not go within 10 s."""
        proc = self.proc
        if proc is not None and proc.returncode is None:
            if proc.stdin is not None:
                proc.stdin.close()
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                await self.kill()
        await self._drained()

    async def _drained(self) -> None:
        drains, self._drains = self._drains, []
        for task in drains:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, 5)


@contextlib.asynccontextmanager
async def gateway_process(state_dir: Path) -> AsyncIterator[GatewayProcess]:
    process = GatewayProcess(state_dir)
    await process.start()
    try:
        yield process
    finally:
        await process.stop()
