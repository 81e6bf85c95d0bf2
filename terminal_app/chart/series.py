"""Bars as preallocated numpy columns that grow geometrically.

A chart holds up to millions of bars and changes its last one on every live update: appending to
pandas or to a list of BarData objects per update is O(n). Here an update of the last bar is O(1),
an append amortised O(1), and prepending an older chunk of history copies once.
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd

COLUMNS = ("open", "high", "low", "close", "volume")


def bar_epoch(value: date | datetime, zone: Any = UTC) -> int:
    """Epoch seconds of a bar's date: intraday bars carry a datetime, daily bars a date (taken
    as midnight in the exchange's `zone`)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        return int(value.timestamp())
    return int(datetime(value.year, value.month, value.day, tzinfo=zone).timestamp())


class BarSeries:
    """Time (epoch seconds, int64) and OHLCV (float64) columns; `len` of them are valid."""

    def __init__(self, capacity: int = 1024) -> None:
        self._time = np.zeros(capacity, dtype=np.int64)
        self._data = np.zeros((len(COLUMNS), capacity), dtype=np.float64)
        self._len = 0

    @classmethod
    def from_arrays(cls, time: np.ndarray, ohlcv: Sequence[np.ndarray] | np.ndarray) -> "BarSeries":
        series = cls(max(16, len(time)))
        series._time[: len(time)] = time
        for row, column in enumerate(ohlcv):
            series._data[row, : len(time)] = column
        series._len = len(time)
        return series

    @classmethod
    def from_bars(cls, bars: Iterable[Any], zone: Any = UTC) -> "BarSeries":
        """From ib_async BarData (or anything with date/open/high/low/close/volume)."""
        rows = [
            (bar_epoch(b.date, zone), b.open, b.high, b.low, b.close, max(float(b.volume), 0.0))
            for b in bars
        ]
        if not rows:
            return cls()
        table = np.array(rows, dtype=np.float64)
        return cls.from_arrays(table[:, 0].astype(np.int64), table[:, 1:].T)

    def __len__(self) -> int:
        return self._len

    # --- columns (views; valid until the next change) -------------------------------------------
    @property
    def time(self) -> np.ndarray:
        return self._time[: self._len]

    def column(self, name: str) -> np.ndarray:
        return self._data[COLUMNS.index(name), : self._len]

    @property
    def open(self) -> np.ndarray:
        return self._data[0, : self._len]

    @property
    def high(self) -> np.ndarray:
        return self._data[1, : self._len]

    @property
    def low(self) -> np.ndarray:
        return self._data[2, : self._len]

    @property
    def close(self) -> np.ndarray:
        return self._data[3, : self._len]

    @property
    def volume(self) -> np.ndarray:
        return self._data[4, : self._len]

    def bar(self, i: int) -> tuple[int, float, float, float, float, float]:
        o, h, low, c, v = (float(x) for x in self._data[:, i])
        return int(self._time[i]), o, h, low, c, v

    # --- changes ---------------------------------------------------------------------------------
    def upsert(self, t: int, o: float, h: float, low: float, c: float, v: float) -> bool:
        """The live bar: replace the last bar if it has time `t`, else append. Returns whether a
        bar was appended. A bar older than the last is ignored (a late duplicate)."""
        if self._len and t < self._time[self._len - 1]:
            return False
        appended = bool(not self._len or t > self._time[self._len - 1])
        if appended:
            self._reserve(self._len + 1)
            self._len += 1
        i = self._len - 1
        self._time[i] = t
        self._data[:, i] = (o, h, low, c, v)
        return appended

    def prepend(self, older: "BarSeries") -> int:
        """Older history before the first bar; bars at or after our first time are dropped so the
        seam has no duplicate. Returns how many bars were added."""
        keep = len(older) if not self._len else int(np.searchsorted(older.time, self._time[0]))
        if keep == 0:
            return 0
        n = self._len + keep
        time = np.empty(max(n * 2, 16), dtype=np.int64)
        data = np.zeros((len(COLUMNS), len(time)), dtype=np.float64)
        time[:keep] = older.time[:keep]
        time[keep:n] = self.time
        data[:, :keep] = older._data[:, :keep]
        data[:, keep:n] = self._data[:, : self._len]
        self._time, self._data, self._len = time, data, n
        return keep

    def append_after(self, newer: "BarSeries") -> int:
        """Bars of `newer` later than our last (joining a live list onto loaded history)."""
        start = int(np.searchsorted(newer.time, self._time[self._len - 1], "right")) if self else 0
        count = len(newer) - start
        if count <= 0:
            return 0
        self._reserve(self._len + count)
        self._time[self._len : self._len + count] = newer.time[start:]
        self._data[:, self._len : self._len + count] = newer._data[:, start : len(newer)]
        self._len += count
        return count

    def _reserve(self, n: int) -> None:
        if n <= len(self._time):
            return
        size = max(n, len(self._time) * 2)
        time = np.zeros(size, dtype=np.int64)
        data = np.zeros((len(COLUMNS), size), dtype=np.float64)
        time[: self._len] = self.time
        data[:, : self._len] = self._data[:, : self._len]
        self._time, self._data = time, data

    def to_frame(self, zone: Any = UTC) -> pd.DataFrame:
        """A DataFrame indexed by exchange time (for export and reference computations)."""
        index = pd.to_datetime(self.time, unit="s", utc=True).tz_convert(zone)
        frame = pd.DataFrame(self._data[:, : self._len].T.copy(), columns=list(COLUMNS))
        frame.index = index
        frame.index.name = "time"
        return frame
