"""`ib-terminal` start-up and shutdown: profile choice, workspace restored and saved, self-test."""

import asyncio
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from terminal_app.cli import parse_args
from terminal_app.session.broker import BrokerSession
from terminal_app.session.profiles import ProfileKind, make_profile
from terminal_app.session.state import Phase
from tests.sim_fixtures import running_gateway, sim_config
from tests.waiting import wait_until
from tests.workspace.app_run import noisy, window_in
from ui.app import run_app
from ui.main import main, profile_from_options
from ui.self_test import run_self_test


def test_profile_from_the_command_line() -> None:
    assert profile_from_options(parse_args([])).is_simulated
    live = profile_from_options(parse_args(["--profile", "TWS live", "--client-id", "7"]))
    assert (live.kind, live.port, live.client_id, live.is_live) == (
        ProfileKind.TWS_LIVE,
        7496,
        7,
        True,
    )
    assert profile_from_options(parse_args(["--profile", "gateway_paper"])).port == 4002
    custom = profile_from_options(parse_args(["--connect", "10.1.1.1:4001"]))
    assert (custom.kind, custom.host, custom.port) == (ProfileKind.CUSTOM, "10.1.1.1", 4001)
    assert custom.is_live and custom.needs_host_warning
    with pytest.raises(ValueError, match="TWS paper"):
        profile_from_options(parse_args(["--profile", "nope"]))


def test_unknown_profile_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--profile", "nope"]) == 2
    assert "unknown profile 'nope'" in capsys.readouterr().err


@pytest.mark.asyncio
async def test_last_workspace_is_saved_on_exit_and_restored_at_start(
    qapp: QApplication, tmp_path: Path
) -> None:
    first = window_in(tmp_path)
    run = asyncio.ensure_future(run_app(parse_args([]), first, connect=False))
    await wait_until(first.isVisible)
    default = [p.name for p in first.workspace.default().panels]
    assert [d.objectName() for d in first.docks.docks()] == default
    assert "messages:1" in default and "sym:1" not in default
    first.docks.open("messages")
    first.close()
    assert await asyncio.wait_for(run, 10) == 0

    second = window_in(tmp_path)
    run = asyncio.ensure_future(run_app(parse_args([]), second, connect=False))
    await wait_until(second.isVisible)
    assert [d.objectName() for d in second.docks.docks()] == [*default, "messages:2"]
    second.close()
    assert await asyncio.wait_for(run, 10) == 0


@pytest.mark.asyncio
async def test_starts_on_the_embedded_simulator_and_shuts_down_cleanly(
    qapp: QApplication, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    window = window_in(tmp_path)
    run = asyncio.ensure_future(run_app(parse_args([]), window))
    await wait_until(lambda: window.session.state.phase is Phase.CONNECTED, 20)
    simulator = window.session.simulator
    assert simulator is not None and simulator.running
    assert not window.status.sim_badge.isHidden()
    window.close()
    assert await asyncio.wait_for(run, 10) == 0
    assert window.session.state.phase is Phase.DISCONNECTED
    assert window.session.simulator is None and not simulator.running  # the child has exited
    assert window.tasks.pending == 0
    assert noisy(caplog) == []


@pytest.mark.asyncio
async def test_self_test_reports_a_refused_order_as_a_failure(qapp: QApplication) -> None:
    session = BrokerSession()
    async with running_gateway(sim_config()) as gateway:
        profile = make_profile(ProfileKind.CUSTOM, port=gateway.port, read_only=True)
        try:
            result = await run_self_test(session, profile, lambda: True)
        finally:
            await session.close()
    assert not result.ok
    assert result.summary.startswith("self-test FAILED at order: Read-only")
    assert "\n" not in result.summary
