"""The session's tunables, in one place so every part of the session reads the same values."""

from dataclasses import dataclass, field

from terminal_app.session.pacing import PacingRules
from terminal_app.session.state import Backoff


@dataclass(frozen=True)
class SessionSettings:
    """Tunables; tests shrink the delays so nothing waits seconds."""

    backoff: Backoff = field(default_factory=Backoff)
    bulk_rate: int = 35  # bulk messages per `bulk_interval`; ib_async allows 45/s in total
    bulk_interval: float = 1.0
    request_timeout: float = 10.0  # contract lookups, re-sync requests
    history_timeout: float = 60.0
    pacing: PacingRules = field(default_factory=PacingRules)
    violation_cooldown: float = 60.0
    farm_grace: float = 3.0  # after 2104: quotes without an update this long are re-requested
