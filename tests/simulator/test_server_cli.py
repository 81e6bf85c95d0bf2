"""`ib-terminal-sim` as a user runs it: a separate process, its printed address, clean stops."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from pathlib import Path

import pytest
from ib_async import IB

from terminal_app.simulator.cli import build_parser, is_loopback
from terminal_app.simulator.ownership import PID_FILE


async def launch_cli(tmp_path: Path, *extra: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "terminal_app.simulator.cli", "--port", "0",
        "--start", "2026-11-24 10:00", "--state", str(tmp_path / "state"), *extra,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def start_cli(tmp_path: Path, *extra: str) -> tuple[asyncio.subprocess.Process, int]:
    proc = await launch_cli(tmp_path, *extra)
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
    match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
    assert match, line
    return proc, int(match.group(1))


@pytest.mark.asyncio
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_cli_serves_and_stops_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    proc, port = await start_cli(tmp_path)
    try:
        ib = IB()
        await ib.connectAsync("127.0.0.1", port, clientId=3, timeout=10)
        try:
            assert ib.managedAccounts() == ["DU1234567"]
            now = await asyncio.wait_for(ib.reqCurrentTimeAsync(), 5)
            assert now.strftime("%Y-%m-%d") == "2026-11-24"
        finally:
            ib.disconnect()
        proc.send_signal(sig)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
        assert (tmp_path / "state").is_dir()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def test_defaults_and_loopback_check() -> None:
    args = build_parser().parse_args([])
    assert (args.host, args.port, args.seed, args.speed, args.start) == (
        "127.0.0.1",
        7497,
        7,
        1.0,
        "auto",
    )
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--start", "tomorrow", "start must be"), ("--speed", "-2", "speed must be")],
)
async def test_bad_option_is_one_clear_line(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "terminal_app.simulator.cli", "--port", "0",
        "--state", str(tmp_path / "state"), option, value,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    text = err.decode()
    assert text.startswith("ib-terminal-sim: ") and message in text
    assert "Traceback" not in text


@pytest.mark.asyncio
async def test_a_second_gateway_on_the_same_state_dir_is_refused(tmp_path: Path) -> None:
    first, _port = await start_cli(tmp_path)
    try:
        second = await launch_cli(tmp_path)
        _out, err = await asyncio.wait_for(second.communicate(), 30)
        assert second.returncode == 3
        text = err.decode()
        assert text.startswith(f"ib-terminal-sim: another simulated gateway (pid {first.pid}) ")
        assert f"is using the paper account in {tmp_path / 'state'}" in text
    finally:
        first.kill()
        await first.wait()
    # The OS dropped the killed gateway's lock: the account is usable again.
    third, _port = await start_cli(tmp_path)
    third.terminate()
    assert await asyncio.wait_for(third.wait(), 10) == 0


@pytest.mark.asyncio
async def test_watch_stdin_stops_the_gateway_when_its_stdin_closes(tmp_path: Path) -> None:
    proc, _port = await start_cli(tmp_path, "--watch-stdin")
    try:
        assert proc.stdin is not None
        proc.stdin.close()
        assert await asyncio.wait_for(proc.wait(), 10) == 0
        assert not (tmp_path / "state" / PID_FILE).exists()  # the lock went with it
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
