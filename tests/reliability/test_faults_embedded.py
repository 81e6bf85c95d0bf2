"""The embedded profile's gateway (a child process of the terminal) dies under the running
terminal: the death is reported, the gateway is started again on its saved paper account, every
panel is restored, and the account's orders are all there, none lost and none added."""

import os
import signal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from terminal_app.session import Phase, ProfileKind, make_profile
from tests.reliability.terminal_under_test import (
    Terminal,
    connect_terminal,
    default_window,
    seed_account,
    wait_resynced,
)

pytestmark = pytest.mark.asyncio


async def test_embedded_gateway_killed(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IB_TERMINAL_HOME", str(tmp_path / "home"))  # a paper account of its own
    with default_window(tmp_path) as window:
        term = Terminal(window, None)
        try:
            await connect_terminal(window, make_profile(ProfileKind.SIMULATED))
            await term.settle()
            seeded = await seed_account(term)
            simulator = window.session.simulator
            assert simulator is not None and simulator.pid is not None
            killed = simulator.pid
            os.kill(killed, signal.SIGKILL)
            await term.wait(
                lambda: window.session.state.phase is not Phase.CONNECTED, 2, "death not shown"
            )
            await term.wait(
                lambda: any("killed by SIGKILL; restarting it" in t for t in term.messages()),
                5,
                "death not reported",
            )
            await term.wait_restored()
            assert simulator.running and simulator.pid != killed
            await wait_resynced(term, seeded)
            known = sorted(t.order.permId for t in window.session.trades())
            assert known == sorted(seeded.perm_ids)  # none lost, none added
        finally:
            await window.tasks.cancel_all()
            await window.session.close()
