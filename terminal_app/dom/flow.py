"""Per-price order flow: volume traded at each price in the session, and size pulled from and
stacked onto each level over the last N seconds."""

from __future__ import annotations

from collections import defaultdict, deque


class VolumeAtPrice:
    """Session volume per tick from the trade stream; `largest` scales the proportional bars."""

    def __init__(self) -> None:
        self._volume: dict[int, float] = defaultdict(float)
        self.largest = 0.0

    def add(self, index: int, size: float) -> None:
        total = self._volume[index] + size
        self._volume[index] = total
        self.largest = max(self.largest, total)

    def get(self, index: int) -> float:
        return self._volume.get(index, 0.0)


class FlowWindow:
    """Pulled and stacked size per level within a sliding time window.

    Events are kept in arrival order so expiry is a pop from the left; the running totals make a
    read O(1), which matters because every visible row reads them every frame it is dirty.
    """

    def __init__(self, seconds: float = 10.0) -> None:
        self.seconds = seconds
        self._events: deque[tuple[float, int, float, float]] = deque()
        self._pulled: dict[int, float] = defaultdict(float)
        self._stacked: dict[int, float] = defaultdict(float)

    def record(self, now: float, index: int, pulled: float, stacked: float) -> None:
        self._events.append((now, index, pulled, stacked))
        self._pulled[index] += pulled
        self._stacked[index] += stacked

    def expire(self, now: float) -> set[int]:
        """Drop events older than the window; returns the levels whose totals changed."""
        changed: set[int] = set()
        horizon = now - self.seconds
        while self._events and self._events[0][0] < horizon:
            _, index, pulled, stacked = self._events.popleft()
            self._pulled[index] -= pulled
            self._stacked[index] -= stacked
            if abs(self._pulled[index]) < 1e-9 and abs(self._stacked[index]) < 1e-9:
                del self._pulled[index], self._stacked[index]
            changed.add(index)
        return changed

    def pulled(self, index: int) -> float:
        return max(0.0, self._pulled.get(index, 0.0))

    def stacked(self, index: int) -> float:
        return max(0.0, self._stacked.get(index, 0.0))
