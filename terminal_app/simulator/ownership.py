"""Who owns a gateway's paper account, and whose life it shares.

One gateway per state dir: two processes journaling one SQLite account would each replay and
overwrite the other's orders and fills, so the state dir is locked while a gateway serves it.
The lock is an OS file lock (flock / msvcrt), released by the OS when the process ends however it
ends, so a killed gateway never leaves a stale lock behind.

A gateway that a terminal started must not outlive it, even when the terminal is SIGKILLed: the
terminal holds the write end of the gateway's stdin, and EOF there (the OS closes it with the
terminal) stops the gateway. That works on every platform, unlike Linux's PR_SET_PDEATHSIG.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

LOCK_FILE = "gateway.lock"
PID_FILE = "gateway.pid"  # informative only: the lock is what counts


class StateDirBusy(Exception):
    """Another live gateway serves this state dir; `str(exc)` says which, for the user."""


class StateDirLock:
    """An exclusive lock on a state dir, held until `release()` (or the process ends)."""

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.state_dir = state_dir
        self._fd: int | None = os.open(state_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock(self._fd)
        except OSError:
            os.close(self._fd)
            self._fd = None
            raise StateDirBusy(
                f"another simulated gateway{_owner_text(state_dir)} is using the paper account in "
                f"{state_dir}: one account, one gateway (close the other terminal first, or "
                "connect to its gateway)"
            ) from None
        written = state_dir / f"{PID_FILE}.new"  # whole or absent for whoever reads it
        written.write_text(f"{os.getpid()}\n", encoding="ascii")
        os.replace(written, state_dir / PID_FILE)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                (self.state_dir / PID_FILE).unlink()
            os.close(fd)  # closing the descriptor drops the lock


def _lock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _owner_text(state_dir: Path) -> str:
    try:
        pid = int((state_dir / PID_FILE).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return ""
    return f" (pid {pid})"


def stop_when_stdin_closes(loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> None:
    """Call `stop` on the loop once stdin reaches EOF (the terminal that started us is gone).

    A daemon thread reads stdin: blocking reads work on every platform's pipes, and this process
    has no Qt (threads are banned only in the GUI process)."""

    def wait_for_eof() -> None:
        with contextlib.suppress(OSError, ValueError):
            while os.read(sys.stdin.fileno(), 4096):
                pass
        with contextlib.suppress(RuntimeError):  # the loop is already closed: we are stopping
            loop.call_soon_threadsafe(stop)

    threading.Thread(target=wait_for_eof, name="stdin-eof", daemon=True).start()
