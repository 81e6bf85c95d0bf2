"""What the connection is doing, as the status bar and the order ticket need to know it."""

from dataclasses import dataclass
from enum import Enum


class Phase(Enum):
    DISCONNECTED = "Disconnected"
    CONNECTING = "Connecting"
    CONNECTED = "Connected"
    RECONNECTING = "Reconnecting"
    FAILED = "Failed"


@dataclass(frozen=True)
class ConnectionState:
    """`attempt`/`next_in` are set while RECONNECTING (attempt 0 with `next_in` None means TWS
    itself is reconnecting to IB after a 1100); `reason` says why we are not CONNECTED."""

    phase: Phase
    reason: str = ""
    attempt: int = 0
    next_in: float | None = None

    @property
    def text(self) -> str:
        if self.phase is Phase.RECONNECTING and self.attempt:
            when = f" in {self.next_in:.1f}s" if self.next_in else ""
            return f"Reconnecting (attempt {self.attempt}{when}): {self.reason}"
        if self.reason:
            return f"{self.phase.value}: {self.reason}"
        return self.phase.value


DISCONNECTED = ConnectionState(Phase.DISCONNECTED)
STARTING_SIMULATOR = "starting simulator"  # the CONNECTING reason while the child gateway starts


@dataclass(frozen=True)
class Backoff:
    """Delay before reconnect attempt n (1-based): initial * factor**(n-1), capped."""

    initial: float = 0.5
    factor: float = 2.0
    cap: float = 30.0

    def delay(self, attempt: int) -> float:
        return min(self.cap, self.initial * self.factor ** max(0, attempt - 1))


class SessionError(Exception):
    """A connect attempt failed; `reason` is for the user, `fatal` means retrying cannot help
    (e.g. duplicate client id)."""

    def __init__(self, reason: str, fatal: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fatal = fatal
