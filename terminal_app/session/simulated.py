"""The "Simulated (embedded)" profile: `ib-terminal-sim` in a child process of the terminal.

The gateway's market and order engine never run on the UI loop. The child listens on a loopback
port it reports in one ready line on stdout, keeps its paper account (orders, fills, positions) in
the user data dir (locked: a second terminal's gateway is refused with a message), and stops when
the terminal closes its stdin, which the OS also does when the terminal dies (SIGKILL included).
"""

import asyncio
import collections
import contextlib
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path

from terminal_app.session.sim_launch import default_state_dir, gateway_argv, take_early
from terminal_app.session.sim_process import ChildProcess, adopt, drain, exit_text, spawn
from terminal_app.session.state import SessionError
from terminal_app.tasks import TaskOwner

log = logging.getLogger(__name__)

READY = re.compile(r"listening on \S+:(\d+)")
START_TIMEOUT_S = 30.0  # a cold start of a frozen build on a loaded machine takes seconds
STOP_TIMEOUT_S = 5.0


class EmbeddedSimulator:
    """One run of the child gateway. `on_exit(reason)` hears of a death the terminal did not ask
    for (the session reports it, and its reconnect supervisor starts the gateway again)."""

    def __init__(
        self, state_dir: Path | None = None, on_exit: Callable[[str], None] | None = None
    ) -> None:
        self.state_dir = state_dir or default_state_dir()
        self.on_exit = on_exit
        self.port = 0
        self.ready_s = 0.0  # from spawning the child to its ready line
        self._proc: ChildProcess | None = None
        self._stderr: collections.deque[str] = collections.deque(maxlen=20)
        self._drains: list[asyncio.Task[None]] = []  # stderr, then stdout once ready
        self._stopping = False
        self._tasks = TaskOwner("simulator")

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.returncode is None

    async def start(self, port: int = 0) -> int:
        """Start the child (or take the one started at launch) and wait for its ready line; the
        port it listens on. A child that cannot start raises a fatal SessionError with its
        reason (retrying would not help)."""
        argv = gateway_argv(port, self.state_dir)
        early = take_early(argv)
        started = early.started if early is not None else time.perf_counter()
        try:
            proc = self._proc = await (adopt(early.process) if early else spawn(argv))
        except OSError as exc:
            raise SessionError(
                f"cannot start the embedded simulator {argv[0]}: {exc}", fatal=True
            ) from exc
        self._stopping = False
        self._stderr.clear()
        self._drains = [self._tasks.spawn(drain(proc.stderr, self._on_stderr), "sim stderr")]
        try:
            ready = await asyncio.wait_for(self._ready_port(), START_TIMEOUT_S)
        except TimeoutError:
            await self.stop()
            raise SessionError(
                f"the embedded simulator did not start within {START_TIMEOUT_S:g}s", fatal=True
            ) from None
        except BaseException:  # cancelled while starting (the user closed or disconnected)
            await self.stop()
            raise
        if ready is None:
            await self._wait_output()
            raise SessionError(f"simulator not started: {self._why()}", fatal=True)
        self.port = ready
        self.ready_s = time.perf_counter() - started
        log.info(
            "simulator pid %d ready on port %d in %.2fs%s",
            proc.pid,
            ready,
            self.ready_s,
            " (started at launch)" if early else "",
        )
        self._drains.append(self._tasks.spawn(drain(proc.stdout, log.debug), "sim stdout"))
        self._tasks.spawn(self._watch(proc), "sim watch")
        return ready

    async def _ready_port(self) -> int | None:
        """The port from the child's ready line, or None when its stdout ended without one."""
        assert self._proc is not None and self._proc.stdout is not None
        async for raw in self._proc.stdout:
            match = READY.search(raw.decode(errors="replace"))
            if match:
                return int(match.group(1))
        return None

    def _on_stderr(self, line: str) -> None:
        self._stderr.append(line)
        log.warning("%s", line)

    async def _wait_output(self) -> None:
        """Until the child has exited and its pipes are read to the end (bounded): then all it
        said is known, and asyncio has closed the pipes."""
        assert self._proc is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._proc.wait(), STOP_TIMEOUT_S)
        if self._drains:
            await asyncio.wait(self._drains, timeout=STOP_TIMEOUT_S)

    def _why(self) -> str:
        """The exit and the child's last word ("ib-terminal-sim: <reason>"), for the user."""
        assert self._proc is not None
        said = self._stderr[-1].removeprefix("ib-terminal-sim: ") if self._stderr else ""
        code = exit_text(self._proc.returncode)
        return f"{said} ({code})" if said else code

    async def _watch(self, proc: ChildProcess) -> None:
        await proc.wait()
        await self._wait_output()
        if not self._stopping:
            reason = f"the embedded simulator stopped unexpectedly: {self._why()}"
            log.error("%s", reason)
            if self.on_exit is not None:
                self.on_exit(reason)

    async def stop(self) -> None:
        """Ask the child to stop (EOF on its stdin: it saves and exits), kill it if it does not."""
        self._stopping = True
        proc = self._proc
        if proc is not None and proc.returncode is None:
            if proc.stdin is not None:
                proc.stdin.close()
            try:
                await asyncio.wait_for(proc.wait(), STOP_TIMEOUT_S)
            except TimeoutError:
                log.warning(
                    "simulator pid %d did not stop in %gs: killed", proc.pid, STOP_TIMEOUT_S
                )
                proc.kill()
            await self._wait_output()
        await self._tasks.cancel_all()
