"""Bar columns, the live/history seam and aggregation to 4 h and 1 W."""

from zoneinfo import ZoneInfo

import numpy as np

from terminal_app.chart.aggregate import aggregate, fold_last
from terminal_app.chart.series import BarSeries
from terminal_app.chart.synthetic import minute_bars

NY = ZoneInfo("America/New_York")


def test_upsert_replaces_the_live_bar_and_appends_the_next() -> None:
    s = minute_bars(10)
    t = int(s.time[-1])
    assert not s.upsert(t, 1, 3, 0.5, 2, 10)
    assert len(s) == 10 and s.bar(9) == (t, 1, 3, 0.5, 2, 10)
    assert s.upsert(t + 60, 2, 2, 2, 2, 1)
    assert len(s) == 11
    assert not s.upsert(t - 60, 9, 9, 9, 9, 9)  # a late duplicate changes nothing
    assert s.close[-2] == 2 and len(s) == 11


def test_prepend_drops_the_overlap_so_the_seam_has_no_duplicate_or_gap() -> None:
    whole = minute_bars(5000)
    newer = BarSeries.from_arrays(
        whole.time[3000:],
        [whole.column(c)[3000:] for c in ["open", "high", "low", "close", "volume"]],
    )
    older = BarSeries.from_arrays(
        whole.time[:3010],
        [whole.column(c)[:3010] for c in ["open", "high", "low", "close", "volume"]],
    )
    assert newer.prepend(older) == 3000
    np.testing.assert_array_equal(newer.time, whole.time)
    np.testing.assert_array_equal(newer.close, whole.close)
    assert newer.prepend(older) == 0  # nothing older: the caller stops asking


def test_geometric_growth_keeps_earlier_bars() -> None:
    s = BarSeries(4)
    for i in range(1000):
        s.upsert(i * 60, i, i + 1, i - 1, i, 1)
    assert len(s) == 1000 and s.close[999] == 999 and s.time[0] == 0


def test_four_hour_and_weekly_buckets_follow_the_exchange_clock() -> None:
    hourly = BarSeries.from_arrays(
        np.arange(48, dtype=np.int64) * 3600 + 1_704_067_200,  # 2024-01-01 00:00 UTC, 2 days
        [
            np.arange(48.0),
            np.arange(48.0) + 1,
            np.arange(48.0) - 1,
            np.arange(48.0) + 0.5,
            np.ones(48),
        ],
    )
    four = aggregate(hourly, "4h", NY)
    local_hours = [(int(t) - 5 * 3600) % 86400 // 3600 for t in four.time[1:]]  # EST = UTC-5
    assert set(local_hours) <= {0, 4, 8, 12, 16, 20}
    assert four.volume.sum() == 48 and four.high.max() == 48 and four.low.min() == -1
    reference = (
        hourly.to_frame(NY)
        .resample("4h")
        .agg({"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"})
        .dropna()
    )
    np.testing.assert_allclose(four.close, reference["close"].to_numpy())
    days = minute_bars(390 * 15)
    weekly = aggregate(days, "week", NY)
    weekdays = {t.weekday() for t in weekly.to_frame(NY).index}
    assert weekdays == {0}  # every week starts on its Monday


def test_folding_the_live_bar_matches_aggregating_everything() -> None:
    source = minute_bars(2000)
    hourly = BarSeries.from_arrays(
        source.time[::60],
        [
            source.open[::60],
            source.high[::60],
            source.low[::60],
            source.close[::60],
            source.volume[::60],
        ],
    )
    live = aggregate(
        BarSeries.from_arrays(
            hourly.time[:5],
            [hourly.column(c)[:5] for c in ("open", "high", "low", "close", "volume")],
        ),
        "4h",
        NY,
    )
    grown = BarSeries.from_arrays(
        hourly.time[:5], [hourly.column(c)[:5] for c in ("open", "high", "low", "close", "volume")]
    )
    for i in range(5, len(hourly)):
        grown.upsert(*hourly.bar(i))
        fold_last(grown, live, "4h", NY)
    expected = aggregate(hourly, "4h", NY)
    np.testing.assert_array_equal(live.time, expected.time)
    np.testing.assert_allclose(live.high, expected.high)
    np.testing.assert_allclose(live.volume, expected.volume)
