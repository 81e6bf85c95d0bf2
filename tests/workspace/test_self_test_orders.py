"""The self-test's success path: needs the simulator's order handling (issue 5)."""

import pytest
from PySide6.QtWidgets import QApplication

from terminal_app.session.broker import BrokerSession
from terminal_app.session.profiles import ProfileKind, make_profile
from tests.sim_fixtures import running_gateway, sim_config
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
