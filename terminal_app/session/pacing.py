"""IB's historical-data pacing rules as a pure function of what was sent when.

IB answers a pacing violation with error 162 and, on repeat, a temporary ban of the whole
historical service; a terminal with several charts reaches the limits quickly after a reconnect.
Rules (IB's "Historical data limitations"): at most 60 requests in any 10 minutes; no identical
request within 15 s; fewer than six requests for one contract/exchange/data type within 2 s (we
allow 5). The clock is injectable so the rules are unit-tested without waiting.
"""

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HistoryKey:
    """What makes two history requests identical (IB's rule) or about the same contract."""

    con_id: int
    exchange: str
    what_to_show: str
    end: str
    duration: str
    bar_size: str
    use_rth: bool
    keep_up_to_date: bool = False

    @property
    def contract_key(self) -> tuple[int, str, str]:
        return (self.con_id, self.exchange, self.what_to_show)


@dataclass(frozen=True)
class PacingRules:
    max_requests: int = 60
    window: float = 600.0
    identical_gap: float = 15.0
    per_contract: int = 5
    per_contract_window: float = 2.0


class HistoryPacer:
    """Answers "how long until this request may go?" and records what went."""

    def __init__(
        self, rules: PacingRules = PacingRules(), clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rules = rules
        self.clock = clock
        self._sent: deque[tuple[float, HistoryKey]] = deque()
        self._blocked_until = 0.0

    def delay(self, key: HistoryKey) -> float:
        """Seconds to wait before `key` may be sent without breaking a rule (0.0 = now)."""
        now = self.clock()
        self._forget(now)
        r = self.rules
        waits = [self._blocked_until - now]
        if len(self._sent) >= r.max_requests:
            waits.append(self._sent[-r.max_requests][0] + r.window - now)
        same = [t for t, k in self._sent if k.contract_key == key.contract_key]
        recent = [t for t in same if now - t < r.per_contract_window]
        if len(recent) >= r.per_contract:
            waits.append(recent[-r.per_contract] + r.per_contract_window - now)
        identical = [t for t, k in self._sent if k == key]
        if identical:
            waits.append(identical[-1] + r.identical_gap - now)
        return max(0.0, *waits)

    def record(self, key: HistoryKey) -> None:
        self._sent.append((self.clock(), key))

    def block(self, seconds: float) -> None:
        """After IB reported a pacing violation: send nothing for `seconds`."""
        self._blocked_until = max(self._blocked_until, self.clock() + seconds)

    @property
    def blocked_for(self) -> float:
        return max(0.0, self._blocked_until - self.clock())

    def sent_in_window(self) -> int:
        self._forget(self.clock())
        return len(self._sent)

    def _forget(self, now: float) -> None:
        horizon = max(self.rules.window, self.rules.identical_gap, self.rules.per_contract_window)
        while self._sent and now - self._sent[0][0] >= horizon:
            self._sent.popleft()
