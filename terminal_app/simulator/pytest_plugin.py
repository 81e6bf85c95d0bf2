"""pytest plugin (entry point `ib_terminal_sim`): the `ib_sim` fixture, a started, seeded
simulated gateway on a free loopback port, for testing ib_async or ibapi code offline.

    def test_my_strategy(ib_sim):
        ib = IB()
        ib.connect(ib_sim.host, ib_sim.port, clientId=1)
        ...
        ib_sim.control.connectivity_lost()  # faults: see GatewayThread

Defaults: seed 7, clock at Tuesday 2026-11-24 10:00 New York (regular hours), speed 1, paper
account DU1234567 in memory. `@pytest.mark.ib_sim(seed=1, speed=60, start="2026-11-27 12:55")`
changes them (any `SimConfig` field).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

DEFAULTS: dict[str, Any] = {"seed": 7, "start": "2026-11-24 10:00", "speed": 1.0}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "ib_sim(**settings): SimConfig settings for the ib_sim fixture's gateway"
    )


@pytest.fixture
def ib_sim(request: pytest.FixtureRequest) -> Iterator[Any]:
    from terminal_app.simulator.config import SimConfig
    from terminal_app.simulator.testing import GatewayThread

    marker = request.node.get_closest_marker("ib_sim")
    settings = {**DEFAULTS, **(marker.kwargs if marker else {})}
    with GatewayThread(SimConfig(**settings)) as sim:
        yield sim
