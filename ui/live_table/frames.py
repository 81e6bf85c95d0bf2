"""One frame when something is dirty, at most one per display frame, and none while idle.

The first change after a quiet spell flushes on the next turn of the loop; changes while a frame
was just drawn wait for the next frame slot. A frame lasts 16 ms, or longer when painting is slow:
the view reports what its paints cost and a frame lasts at least three times that (at most 100 ms),
so painting never takes more than about a third of the loop however busy the feed.
"""

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer

FRAME_MS = 16
MAX_FRAME_MS = 100
PAINT_SHARE = 3  # a frame lasts at least this many times the recent paint cost


class FrameScheduler(QObject):
    def __init__(self, frame: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(frame)
        self._due = 0.0  # when the armed timer fires (ms, monotonic)
        self._last = -1e9  # when the last frame ran (ms)
        self._paint_ms = 0.0  # recent paint cost, smoothed

    def note_paint(self, seconds: float) -> None:
        self._paint_ms = 0.7 * self._paint_ms + 0.3 * seconds * 1000.0

    def interval(self) -> int:
        """Milliseconds between two frames."""
        return int(min(MAX_FRAME_MS, max(FRAME_MS, PAINT_SHARE * self._paint_ms)))

    def ran(self) -> None:
        """A frame has just run (called by the frame itself)."""
        self._last = _now_ms()

    def request(self, delay_ms: float = 0.0) -> None:
        """A frame no sooner than `delay_ms` from now, nor than one frame after the last."""
        now = _now_ms()
        due = max(now + delay_ms, self._last + self.interval())
        if self._timer.isActive() and self._due <= due:
            return
        self._due = due
        self._timer.start(max(0, math.ceil(due - now)))  # never early: a flash step is due

    def is_active(self) -> bool:
        return self._timer.isActive()

    def stop(self) -> None:
        self._timer.stop()


def _now_ms() -> float:
    return time.monotonic() * 1000.0
