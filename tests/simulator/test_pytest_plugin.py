"""The `ib_sim` fixture as a user gets it: a test file outside this suite, run by pytest in a
subprocess, with only the package's pytest11 entry point loading the plugin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

USER_TEST = """
import pytest
from ib_async import IB, MarketOrder, Stock


def test_a_strategy_offline(ib_sim):
    ib = IB()
    ib.connect(ib_sim.host, ib_sim.port, clientId=1)
    [aapl] = ib.qualifyContracts(Stock("AAPL", "SMART", "USD"))
    trade = ib.placeOrder(aapl, MarketOrder("BUY", 10))
    while not trade.isDone():
        ib.waitOnUpdate(timeout=5)
    assert [(p.contract.symbol, p.position) for p in ib.positions()] == [("AAPL", 10)]
    codes = []
    ib.errorEvent += lambda req_id, code, *_: codes.append(code)
    ib_sim.control.connectivity_lost()
    while 1100 not in codes:
        ib.waitOnUpdate(timeout=5)
    ib.disconnect()


@pytest.mark.ib_sim(seed=3, start="2026-11-26 11:00")
def test_settings_by_marker(ib_sim):
    assert ib_sim.config.seed == 3
    assert not ib_sim.call(lambda gw: gw.market.is_open(265598, rth=True))  # Thanksgiving
"""


def test_fixture_from_the_entry_point(tmp_path: Path) -> None:
    (tmp_path / "test_user_strategy.py").write_text(USER_TEST)
    env = {**os.environ, "PYTEST_ADDOPTS": "", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": ""}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:pytest-qt",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 passed" in done.stdout
