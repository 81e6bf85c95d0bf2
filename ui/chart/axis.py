"""A time axis over bar indices: no gaps for nights and weekends, labels in exchange time.

x is the bar's index, so a chart has no empty stretches where the market was closed; the labels
map the index back to the bar's time in the exchange's zone, which the axis title names.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
import pyqtgraph as pg


def time_format(bar_seconds: int, span_seconds: float) -> str:
    if bar_seconds >= 86400:
        return "%Y-%m-%d" if span_seconds < 400 * 86400 else "%Y-%m"
    if span_seconds > 2 * 86400:
        return "%m-%d %H:%M"
    return "%H:%M:%S" if bar_seconds < 60 else "%H:%M"


class TimeAxis(pg.AxisItem):
    def __init__(self, times: Callable[[], np.ndarray], **kwargs: Any) -> None:
        super().__init__("bottom", **kwargs)
        self._times = times
        self.zone: Any = None
        self.bar_seconds = 60
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        """Whole bars only: a fractional index has no time."""
        levels = super().tickValues(minVal, maxVal, size)
        out = []
        for spacing, values in levels:
            whole = [v for v in values if float(v).is_integer()]
            if spacing >= 1 and whole:
                out.append((spacing, whole))
        return out

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        times = self._times()
        if not len(times) or self.zone is None:
            return ["" for _ in values]
        fmt = time_format(self.bar_seconds, spacing * self.bar_seconds)
        out = []
        for v in values:
            i = int(v)
            if 0 <= i < len(times):
                out.append(datetime.fromtimestamp(int(times[i]), self.zone).strftime(fmt))
            else:
                out.append("")
        return out
