"""The "Simulated (embedded)" profile: a SimulatedGateway running in this process.

It listens on a free loopback port and keeps its paper account (orders, fills, positions) in the
user data dir, so the terminal works out of the box and the account survives a restart.
"""

from pathlib import Path
from typing import Any

from terminal_app.paths import data_dir, why_unwritable
from terminal_app.session.state import SessionError


def default_state_dir() -> Path | None:
    """The paper account's folder, or None (the account lives in memory) when it cannot be
    written: the simulator still runs, and the start-up notice says the account is not saved."""
    path = data_dir() / "simulator"
    return None if why_unwritable(path) else path


class EmbeddedSimulator:
    """Starts and stops the in-process gateway; `config` None uses the defaults plus a state dir."""

    def __init__(self, config: Any = None) -> None:
        self._config = config
        self.gateway: Any = None
        self.port = 0

    async def start(self, port: int = 0) -> int:
        # Imported here: the simulator is only loaded when the embedded profile is used.
        from terminal_app.simulator.config import SimConfig
        from terminal_app.simulator.gateway import SimulatedGateway

        config = self._config or SimConfig(state_dir=default_state_dir())
        self.gateway = SimulatedGateway(config)
        try:
            self.port = await self.gateway.start("127.0.0.1", port)
        except OSError as exc:
            self.gateway = None
            raise SessionError(f"the embedded simulator could not listen: {exc}") from exc
        return self.port

    async def stop(self) -> None:
        gateway, self.gateway = self.gateway, None
        if gateway is not None:
            await gateway.stop()
