"""Bars of one size folded into longer ones (1 h → 4 h, 1 D → 1 W) in exchange time.

Buckets are whole 4-hour blocks of the exchange's clock (00:00, 04:00, …) or weeks starting on
Monday, so a bar lands in the same bucket whichever chunk it came in.
"""

from typing import Any

import numpy as np
import pandas as pd

from terminal_app.chart.series import BarSeries

WEEK_ANCHOR = 4 * 86400  # 1970-01-01 was a Thursday; +4 days is Monday 1970-01-05


def local_seconds(time: np.ndarray, zone: Any) -> np.ndarray:
    """Epoch seconds read on the exchange's wall clock (DST included), vectorised."""
    stamps = pd.DatetimeIndex(pd.to_datetime(time, unit="s", utc=True)).tz_convert(zone)
    return np.asarray(stamps.tz_localize(None).as_unit("s").asi8, dtype=np.int64)


def bucket_keys(time: np.ndarray, group: str, zone: Any) -> np.ndarray:
    """The bucket of each bar time (monotonic in time)."""
    if not len(time):
        return np.zeros(0, dtype=np.int64)
    local = local_seconds(time, zone)
    if group == "4h":
        return local // (4 * 3600)
    if group == "week":
        return (local - WEEK_ANCHOR) // (7 * 86400)
    raise ValueError(f"unknown bar group {group!r}")


def aggregate(source: BarSeries, group: str, zone: Any) -> BarSeries:
    """One bar per bucket: first open, highest high, lowest low, last close, summed volume,
    stamped with the time of its first source bar."""
    if not len(source):
        return BarSeries()
    keys = bucket_keys(source.time, group, zone)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)] - 1
    return BarSeries.from_arrays(
        source.time[starts],
        (
            source.open[starts],
            np.maximum.reduceat(source.high, starts),
            np.minimum.reduceat(source.low, starts),
            source.close[ends],
            np.add.reduceat(source.volume, starts),
        ),
    )


def fold_last(source: BarSeries, target: BarSeries, group: str, zone: Any) -> bool:
    """The source's last bar changed or was appended: rebuild the target's last bucket from the
    source bars in it (a handful), not the whole series. Returns whether a bucket was appended."""
    tail = max(0, len(source) - 64)  # a 4 h bucket holds ≤ 4 hourly bars, a week ≤ 7 days
    keys = bucket_keys(source.time[tail:], group, zone)
    first = tail + int(np.searchsorted(keys, keys[-1]))
    return target.upsert(
        int(source.time[first]),
        float(source.open[first]),
        float(source.high[first:].max()),
        float(source.low[first:].min()),
        float(source.close[-1]),
        float(source.volume[first:].sum()),
    )
