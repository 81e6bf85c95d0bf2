"""The embedded profile's gateway: a child process of the terminal, never outliving it, one per
paper account, reported and restarted when it dies."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from terminal_app.session import BrokerSession, Phase, ProfileKind, make_profile
from terminal_app.session.sim_launch import SIM_ARGUMENT, simulator_command
from terminal_app.session.state import STARTING_SIMULATOR
from terminal_app.simulator.ownership import PID_FILE
from tests.sim_fixtures import FAST_SESSION, SIM_ACCOUNT
from tests.waiting import wait_until

EMBEDDED = make_profile(ProfileKind.SIMULATED)
ROOT = Path(__file__).resolve().parents[2]


def alive(pid: int) -> bool:
    """The process exists and is not a zombie waiting for whoever inherited it."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")  # Linux: a zombie still answers kill(pid, 0)
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return not sys.platform.startswith("linux")  # no /proc: kill(pid, 0) has said it


def parent_of(pid: int) -> int:
    return int(subprocess.run(["ps", "-o", "ppid=", "-p", str(pid)], capture_output=True).stdout)


@pytest.mark.asyncio
async def test_the_embedded_gateway_is_a_child_process_started_without_threads(
    session: BrokerSession,
) -> None:
    texts: list[str] = []
    session.stateChanged.connect(lambda s: texts.append(s.text))
    threads_before = set(threading.enumerate())
    assert await session.open_connection(EMBEDDED), session.state.text
    simulator = session.simulator
    assert simulator is not None and simulator.pid is not None and simulator.running
    assert simulator.pid != os.getpid() and parent_of(simulator.pid) == os.getpid()
    assert simulator.state_dir is not None and simulator.state_dir.is_dir()
    assert simulator.port > 0 and simulator.ready_s > 0
    assert session.accounts() == [SIM_ACCOUNT]
    assert f"Connecting: {STARTING_SIMULATOR}" in texts
    # No thread waits for the child (Python 3.11's default child watcher would start one).
    assert set(threading.enumerate()) == threads_before
    pid = simulator.pid
    await session.close_connection()
    assert session.simulator is None and not alive(pid)


@pytest.mark.asyncio
async def test_a_second_session_on_the_same_state_dir_is_refused_with_a_message(
    session: BrokerSession,
) -> None:
    assert await session.open_connection(EMBEDDED), session.state.text
    assert session.simulator is not None
    first_pid = session.simulator.pid
    second = BrokerSession(FAST_SESSION)
    try:
        assert not await second.open_connection(EMBEDDED)
        assert second.state.phase is Phase.FAILED and second.simulator is None
        reason = second.state.reason
        assert reason.startswith(
            f"simulator not started: another simulated gateway (pid {first_pid})"
        )
        assert any(reason in m.text for m in second.messages)
    finally:
        await second.close()
    assert session.is_connected and session.simulator.pid == first_pid


@pytest.mark.asyncio
async def test_a_killed_gateway_is_reported_and_restarted(session: BrokerSession) -> None:
    assert await session.open_connection(EMBEDDED), session.state.text
    simulator = session.simulator
    assert simulator is not None and simulator.pid is not None
    killed = simulator.pid
    os.kill(killed, signal.SIGKILL)
    await wait_until(
        lambda: any("killed by SIGKILL; restarting it" in m.text for m in session.messages), 10
    )
    assert any("stopped unexpectedly" in m.text for m in session.messages)
    await wait_until(lambda: session.is_connected, 20, session.state.text)
    assert session.simulator is simulator and simulator.running and simulator.pid != killed
    assert session.accounts() == [SIM_ACCOUNT] and session.trading_allowed


@pytest.mark.asyncio
async def test_the_gateway_does_not_outlive_a_killed_terminal(tmp_path: Path) -> None:
    """`ib-terminal` itself, SIGKILLed: its gateway sees its stdin close and stops."""
    env = {**os.environ, "IB_TERMINAL_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    terminal = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ui.main", "--quit-after", "120",
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    pid_file = tmp_path / "data" / "simulator" / PID_FILE
    try:
        await wait_until(pid_file.is_file, 60, "the terminal's gateway did not start")
        gateway = int(pid_file.read_text())
        assert alive(gateway) and parent_of(gateway) == terminal.pid
        terminal.kill()
        await terminal.wait()
        await wait_until(lambda: not alive(gateway), 10, "the gateway outlived its terminal")
    finally:
        if terminal.returncode is None:
            terminal.kill()
            await terminal.wait()


def test_a_frozen_terminal_runs_the_bundled_simulator_or_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe = tmp_path / "ib-terminal"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    assert simulator_command() == [str(exe), SIM_ARGUMENT]  # one-file build: no sim beside it
    (tmp_path / "ib-terminal-sim").touch()
    assert simulator_command() == [str(tmp_path / "ib-terminal-sim")]
