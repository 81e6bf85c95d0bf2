"""Running `ib-terminal-sim` as a child of the GUI process, on the UI loop but without a thread.

asyncio's subprocess API needs a "child watcher" to learn that a child exited. Python 3.11's
default waits for each child in a thread of its own (ThreadedChildWatcher), and Python threads
crash PySide6 (a child's exit would complete a future from that thread). So on Linux and macOS
(Python 3.11 to 3.13) the loop itself asks the OS every `POLL_S` whether the child has exited: one
waitpid(WNOHANG) call, no thread, no signal handler. Windows waits on the process handle in its
proactor. Python 3.14 dropped the watcher API: there asyncio uses a pidfd on Linux by itself, and
a thread elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import warnings
from collections.abc import Callable
from functools import partial
from typing import IO, Protocol

from terminal_app.session.sim_launch import child_env

POLL_S = 0.1  # how soon the terminal notices that its gateway died


class ChildProcess(Protocol):
    """What the embedded session uses of its gateway's process: asyncio's `Process`, or an
    `AdoptedProcess` started before the loop (sim_launch.start_early)."""

    @property
    def pid(self) -> int: ...

    @property
    def returncode(self) -> int | None: ...

    @property
    def stdin(self) -> asyncio.StreamWriter | IO[bytes] | None: ...

    @property
    def stdout(self) -> asyncio.StreamReader | None: ...

    @property
    def stderr(self) -> asyncio.StreamReader | None: ...

    async def wait(self) -> int: ...

    def kill(self) -> None: ...


async def spawn(argv: list[str]) -> asyncio.subprocess.Process:
    """Start `argv` with pipes on all three standard streams; OSError when it cannot start."""
    _use_thread_free_watcher()
    return await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=child_env(),
        # A windowed terminal starting a console program would flash a console window.
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
    )


async def drain(stream: asyncio.StreamReader | None, on_line: Callable[[str], None]) -> None:
    """Read `stream` to EOF, line by line: a pipe nobody reads fills up and blocks the child."""
    if stream is None:
        return
    async for raw in stream:
        line = raw.decode(errors="replace").rstrip()
        if line:
            on_line(line)


class AdoptedProcess:
    """A child started with `subprocess.Popen` before the loop ran, read through the loop like
    one asyncio started: its stdout and stderr as stream readers, its exit polled every
    `POLL_S` (no thread, as `_PollingWatcher` below)."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        stdout: asyncio.StreamReader,
        stderr: asyncio.StreamReader,
    ) -> None:
        self._process = process
        self.stdout: asyncio.StreamReader | None = stdout
        self.stderr: asyncio.StreamReader | None = stderr

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.poll()

    @property
    def stdin(self) -> IO[bytes] | None:
        return self._process.stdin

    async def wait(self) -> int:
        loop = asyncio.get_running_loop()
        exited: asyncio.Future[int] = loop.create_future()

        def poll() -> None:
            if exited.done():  # the waiter was cancelled
                return
            code = self._process.poll()
            if code is None:
                loop.call_later(POLL_S, poll)
            else:
                exited.set_result(code)

        poll()
        return await exited

    def kill(self) -> None:
        self._process.kill()


async def adopt(process: subprocess.Popen[bytes]) -> AdoptedProcess:
    """Read `process`'s pipes on the running loop (POSIX pipes; see sim_launch.start_early)."""
    loop = asyncio.get_running_loop()
    readers = []
    for pipe in (process.stdout, process.stderr):
        assert pipe is not None
        reader = asyncio.StreamReader(loop=loop)
        await loop.connect_read_pipe(partial(asyncio.StreamReaderProtocol, reader), pipe)
        readers.append(reader)
    return AdoptedProcess(process, *readers)


def exit_text(returncode: int | None) -> str:
    if returncode is None:
        return "still running"
    if returncode < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-returncode).name}"
        return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


if sys.platform != "win32" and sys.version_info < (3, 14):

    class _PollingWatcher(asyncio.AbstractChildWatcher):
        """Asks the OS every `POLL_S` whether a child has exited (waitpid WNOHANG), on whichever
        loop is running: no thread, no signal handler, no descriptor to watch."""

        def add_child_handler(
            self, pid: int, callback: Callable[..., object], *args: object
        ) -> None:
            asyncio.get_running_loop().call_soon(self._poll, pid, callback, args)

        def _poll(
            self, pid: int, callback: Callable[..., object], args: tuple[object, ...]
        ) -> None:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere
                done, status = pid, 255 << 8
            if done == 0:
                asyncio.get_running_loop().call_later(POLL_S, self._poll, pid, callback, args)
                return
            callback(pid, os.waitstatus_to_exitcode(status), *args)

        def remove_child_handler(self, pid: int) -> bool:
            return True

        def attach_loop(self, loop: asyncio.AbstractEventLoop | None) -> None:
            pass

        def is_active(self) -> bool:
            return True

        def close(self) -> None:
            pass

        def __enter__(self) -> _PollingWatcher:
            return self

        def __exit__(self, *exc_info: object) -> None:
            pass

    def _use_thread_free_watcher() -> None:
        with warnings.catch_warnings():  # child watchers are deprecated from Python 3.12 on
            warnings.simplefilter("ignore", DeprecationWarning)
            if not isinstance(asyncio.get_child_watcher(), _PollingWatcher):
                asyncio.set_child_watcher(_PollingWatcher())

else:

    def _use_thread_free_watcher() -> None:
        """Nothing to choose (see the module docstring)."""
