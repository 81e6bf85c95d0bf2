"""Indicators against pandas reference computations on the same bars, computed whole and then
followed bar by bar the way live updates arrive (the last bar revised, then a new one)."""

from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from terminal_app.chart.indicators import IndicatorSpec, build
from terminal_app.chart.series import BarSeries
from terminal_app.chart.synthetic import minute_bars

NY = ZoneInfo("America/New_York")
N = 1500


def reference(spec: IndicatorSpec, s: BarSeries) -> dict[str, np.ndarray]:
    """Textbook definitions, written independently of the implementation."""
    close = pd.Series(s.close)
    if spec.kind == "SMA":
        return {"sma": close.rolling(20).mean().to_numpy()}
    if spec.kind == "EMA":
        ema = close.ewm(span=20, adjust=False).mean()
        ema[:19] = np.nan
        return {"ema": ema.to_numpy()}
    if spec.kind == "BB":
        mid = close.rolling(20).mean()
        std = close.rolling(20).apply(lambda w: np.std(w), raw=True)
        return {
            "mid": mid.to_numpy(),
            "upper": (mid + 2 * std).to_numpy(),
            "lower": (mid - 2 * std).to_numpy(),
        }
    if spec.kind == "RSI":
        delta = close.diff()
        up = delta.clip(lower=0).fillna(0).ewm(alpha=1 / 14, adjust=False).mean()
        down = (-delta).clip(lower=0).fillna(0).ewm(alpha=1 / 14, adjust=False).mean()
        rsi = 100 - 100 / (1 + up / down)
        rsi[:14] = np.nan
        return {"rsi": rsi.to_numpy()}
    if spec.kind == "MACD":
        macd = close.ewm(span=12, adjust=False).mean() - close.ewm(span=26, adjust=False).mean()
        signal = macd.ewm(span=9, adjust=False).mean()
        return {
            "macd": macd.to_numpy(),
            "signal": signal.to_numpy(),
            "hist": (macd - signal).to_numpy(),
        }
    frame = s.to_frame(NY)
    typical = (frame.high + frame.low + frame.close) / 3
    day = pd.DatetimeIndex(frame.index).date
    vwap = (typical * frame.volume).groupby(day).cumsum() / frame.volume.groupby(day).cumsum()
    return {"vwap": vwap.to_numpy()}


KINDS = ["SMA", "EMA", "BB", "RSI", "MACD", "VWAP"]


@pytest.mark.parametrize("kind", KINDS)
def test_whole_history_matches_the_reference(kind: str) -> None:
    s = minute_bars(N)
    spec = IndicatorSpec.make(kind)
    indicator = build(spec)
    indicator.recompute(s, NY)
    for name, expected in reference(spec, s).items():
        np.testing.assert_allclose(
            indicator.output(name), expected, rtol=1e-9, atol=1e-9, err_msg=name
        )


@pytest.mark.parametrize("kind", KINDS)
def test_live_updates_match_the_reference_on_the_final_bars(kind: str) -> None:
    full = minute_bars(N)
    start = 500
    s = BarSeries.from_arrays(
        full.time[:start],
        [full.column(c)[:start] for c in ("open", "high", "low", "close", "volume")],
    )
    indicator = build(IndicatorSpec.make(kind))
    indicator.recompute(s, NY)
    for i in range(start, N):
        t, o, h, low, c, v = full.bar(i)
        s.upsert(t, o, o, o, o, 1.0)  # the bar opens...
        indicator.update_last(s, NY)
        s.upsert(t, o, h, low, c, v)  # ...and is revised until it closes
        indicator.update_last(s, NY)
    for name, expected in reference(indicator.spec, full).items():
        np.testing.assert_allclose(
            indicator.output(name), expected, rtol=1e-8, atol=1e-8, err_msg=name
        )


def test_settings_round_trip_and_bad_kind_is_refused() -> None:
    spec = IndicatorSpec.make("MACD", fast=5)
    assert IndicatorSpec.from_dict(spec.to_dict()) == spec
    assert spec.label == "MACD(5,9,26)"
    with pytest.raises(ValueError, match="unknown indicator"):
        IndicatorSpec.make("XYZ")
