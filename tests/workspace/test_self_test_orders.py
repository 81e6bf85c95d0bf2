"""The self-test's success path, in the session and in the app's --self-test mode."""

import asyncio
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from terminal_app.cli import parse_args
from terminal_app.session.broker import BrokerSession
from terminal_app.session.profiles import ProfileKind, make_profile
from terminal_app.session.state import Phase
from terminal_app.workspace.layout import LayoutStore
from tests.sim_fixtures import running_gateway, sim_config
from ui.app import run_app
from ui.main_window import MainWindow
from ui.self_test import run_self_test


@pytest.mark.asyncio
async def test_self_test_passes_on_the_simulated_gateway(qapp: QApplication) -> None:
    session = BrokerSession()
    async with running_gateway(sim_config()) as gateway:
        profile = make_profile(ProfileKind.CUSTOM, port=gateway.port)
        try:
            result = await run_self_test(session, profile, lambda: True)
        finally:
            await session.close()
    assert result.ok, result.summary
    assert result.summary.startswith("self-test OK")


@pytest.mark.asyncio
async def test_self_test_refuses_a_live_profile_before_connecting(qapp: QApplication) -> None:
    """It places an order: never on real money, whatever --profile says."""
    session = BrokerSession()
    async with running_gateway(sim_config()) as gateway:
        profile = make_profile(ProfileKind.CUSTOM, port=gateway.port, live=True)
        try:
            result = await run_self_test(session, profile, lambda: True)
            assert session.state.phase is Phase.DISCONNECTED  # never even connected
        finally:
            await session.close()
    assert not result.ok
    assert "LIVE profile" in result.summary


@pytest.mark.asyncio
async def test_self_test_mode_of_the_app_waits_for_the_default_workspace(
    qapp: QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    window = MainWindow(store=LayoutStore(tmp_path / "ws"), settings_path=tmp_path / "ui.json")
    code = await asyncio.wait_for(run_app(parse_args(["--self-test"]), window), 60)
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 0, out
    assert len(out) == 1 and out[0].startswith("self-test OK: Simulated (embedded)")
    assert window.workspace.store.names() == []  # the user's workspaces are left alone
