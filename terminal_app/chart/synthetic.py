"""Seeded synthetic one-minute bars (a random walk over US trading days) for chart tests and
`benchmarks/bench_chart`: no network, the same bars on every run."""

import numpy as np

from terminal_app.chart.series import BarSeries

SESSION_START = 1_704_119_400  # Monday 2024-01-01 14:30 UTC = 09:30 New York


def minute_bars(n: int, seed: int = 7) -> BarSeries:
    """`n` one-minute bars, 390 a day, weekdays only (so the time axis has gaps to skip)."""
    rng = np.random.default_rng(seed)
    k = np.arange(n)
    day, minute = k // 390, k % 390
    weekday_day = day + 2 * (day // 5)  # skip Saturdays and Sundays
    time = SESSION_START + weekday_day * 86400 + minute * 60
    close = 100 + np.cumsum(rng.normal(0, 0.05, n))
    open_ = np.r_[close[0], close[:-1]]
    spread = np.abs(rng.normal(0, 0.04, n))
    high = np.maximum(open_, close) + spread
    low = np.minimum(open_, close) - spread
    volume = rng.integers(100, 5000, n).astype(np.float64)
    return BarSeries.from_arrays(time.astype(np.int64), (open_, high, low, close, volume))
