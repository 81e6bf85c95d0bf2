"""Settings of one simulated gateway (what `ib-terminal-sim` flags and the embedded profile set)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path


@dataclass(frozen=True)
class SimConfig:
    """`start` is "auto" or "YYYY-MM-DD HH:MM" in America/New_York (see `clock.resolve_start`).

    `state_dir` None keeps the paper account in memory only (tests); the CLI and the terminal pass
    a directory so orders, fills and positions survive a restart.
    """

    seed: int = 7
    speed: float = 1.0
    start: str = "auto"
    state_dir: Path | None = None
    starting_cash: Decimal = Decimal(1_000_000)
    account: str = "DU1234567"
    # IB's defaults: 100 market data lines, 3 depth and 3 tick-by-tick subscriptions,
    # 60 historical requests per 10 minutes.
    max_market_data_lines: int = 100
    max_depth_subscriptions: int = 3
    max_tick_by_tick: int = 3
    history_requests_per_window: int = 60
    history_window_s: float = 600.0
