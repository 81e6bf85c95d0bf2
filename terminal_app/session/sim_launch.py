"""How `ib-terminal-sim` is started as the terminal's child: its command line and environment,
and the early start.

The gateway's process takes about as long to boot (Python, numpy, ib_async, the market) as the
terminal takes to load Qt and build its window. `start_early` runs it first thing at launch, so
both boot side by side; the embedded session then adopts that process (`take_early`) instead of
starting one once the window is up. This module stays light (no asyncio, no Qt): the entry point
imports it before anything heavy.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import terminal_app
from terminal_app.paths import data_dir, why_unwritable

SIM_PROGRAM = "ib-terminal-sim"
# A one-file build has no ib-terminal-sim beside it: the terminal's own executable serves as the
# simulator when started with this first argument (packaging/entry.py).
SIM_ARGUMENT = "--simulated-gateway"


def simulator_command() -> list[str]:
    """How to start the simulator: the bundled program beside a frozen terminal, else this
    Python running the simulator's module (works from a checkout and from an install)."""
    if getattr(sys, "frozen", False):
        exe = Path(sys.executable)
        beside = exe.with_name(SIM_PROGRAM + exe.suffix)
        return [str(beside)] if beside.is_file() else [str(exe), SIM_ARGUMENT]
    return [sys.executable, "-m", "terminal_app.simulator.cli"]


def child_env() -> dict[str, str] | None:
    """From source: the simulator's package must import whatever the working dir."""
    if getattr(sys, "frozen", False):
        return None
    root = str(Path(terminal_app.__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([root, path] if path else [root])}


def default_state_dir() -> Path | None:
    """The paper account's folder, or None (the account lives in memory) when it cannot be
    written: the simulator still runs, and the start-up notice says the account is not saved."""
    path = data_dir() / "simulator"
    return None if why_unwritable(path) else path


def gateway_argv(port: int, state_dir: Path | None) -> list[str]:
    """The child's full command line: it stops when its stdin closes (the terminal's end)."""
    where = ["--memory"] if state_dir is None else ["--state", str(state_dir)]
    return [*simulator_command(), "--port", str(port), *where, "--watch-stdin"]


@dataclass(frozen=True)
class EarlyChild:
    argv: list[str]
    process: subprocess.Popen[bytes]
    started: float  # time.perf_counter() at the start


_early: EarlyChild | None = None


def start_early(port: int) -> None:
    """Start the gateway for the embedded profile now, before the UI loop exists (POSIX: on
    Windows the loop cannot read a pipe it did not open, so the session starts it later)."""
    global _early
    if sys.platform == "win32" or _early is not None:
        return
    argv = gateway_argv(port, default_state_dir())
    started = time.perf_counter()
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(),
        )
    except OSError:
        return  # the session's own start says why, in the window
    _early = EarlyChild(argv, process, started)


def take_early(argv: list[str]) -> EarlyChild | None:
    """The early child if it was started with `argv` (once); None to start one now."""
    global _early
    early, _early = _early, None
    if early is not None and early.argv != argv:
        discard(early)
        return None
    return early


def discard_early() -> None:
    """At exit: an early child no session took (the window closed first) is told to stop."""
    global _early
    early, _early = _early, None
    if early is not None:
        discard(early)


def discard(early: EarlyChild) -> None:
    """EOF on its stdin: it stops by itself (`--watch-stdin`), saving its account first."""
    if early.process.stdin is not None:
        early.process.stdin.close()
