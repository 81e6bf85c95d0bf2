"""Chart studies: SMA, EMA, session-anchored VWAP, Bollinger Bands, RSI and MACD.

Each computes its whole history with pandas/numpy once (on load, on older history, on a new
setting), then follows the live bar incrementally: `update_last` recomputes only the last value
from the previous one (EMA-style recurrences) or from the last `period` bars (windows), so a live
update costs O(period), not O(n). `tests/chart/test_indicators.py` holds them to pandas references.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from terminal_app.chart.aggregate import local_seconds
from terminal_app.chart.series import BarSeries
from terminal_app.chart.track import Track

# kind -> (pane: "price" draws over the candles, else its own sub-pane; default parameters)
KINDS: dict[str, tuple[str, dict[str, float]]] = {
    "SMA": ("price", {"period": 20}),
    "EMA": ("price", {"period": 20}),
    "VWAP": ("price", {}),
    "BB": ("price", {"period": 20, "width": 2.0}),
    "RSI": ("RSI", {"period": 14}),
    "MACD": ("MACD", {"fast": 12, "slow": 26, "signal": 9}),
}


@dataclass(frozen=True)
class IndicatorSpec:
    kind: str
    params: tuple[tuple[str, float], ...] = ()

    @classmethod
    def make(cls, kind: str, **params: float) -> "IndicatorSpec":
        if kind not in KINDS:
            raise ValueError(f"unknown indicator {kind!r}; one of {', '.join(KINDS)}")
        merged = {**KINDS[kind][1], **params}
        return cls(kind, tuple(sorted(merged.items())))

    def param(self, name: str) -> float:
        return dict(self.params)[name]

    @property
    def pane(self) -> str:
        return KINDS[self.kind][0]

    @property
    def label(self) -> str:
        values = ",".join(f"{v:g}" for _, v in self.params)
        return f"{self.kind}({values})" if values else self.kind

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **dict(self.params)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "IndicatorSpec":
        params = {k: float(v) for k, v in data.items() if k != "kind"}
        return cls.make(str(data["kind"]), **params)


def ema_alpha(span: float) -> float:
    return 2.0 / (span + 1.0)


def ema_full(x: np.ndarray, alpha: float) -> np.ndarray:
    return pd.Series(x).ewm(alpha=alpha, adjust=False).mean().to_numpy()


def ema_step(track: Track, i: int, x: float, alpha: float) -> float:
    prev = track.at(i - 1)
    value = x if i == 0 or np.isnan(prev) else alpha * x + (1 - alpha) * prev
    track.put(i, value)
    return value


def window(x: np.ndarray, period: int) -> np.ndarray:
    return x[-period:] if len(x) >= period else np.zeros(0)


@dataclass
class Indicator:
    """One study on one chart; `outputs` are columns aligned with the bars."""

    spec: IndicatorSpec
    outputs: dict[str, Track] = field(default_factory=dict)

    def output(self, name: str) -> np.ndarray:
        return self.outputs[name].values

    def _set(self, **columns: np.ndarray) -> None:
        for name, values in columns.items():
            self.outputs.setdefault(name, Track()).reset(np.asarray(values, dtype=np.float64))

    def _put(self, i: int, **values: float) -> None:
        for name, value in values.items():
            self.outputs[name].put(i, value)

    def recompute(self, s: BarSeries, zone: Any) -> None:
        raise NotImplementedError

    def update_last(self, s: BarSeries, zone: Any) -> None:
        raise NotImplementedError


class SMA(Indicator):
    def recompute(self, s: BarSeries, zone: Any) -> None:
        p = int(self.spec.param("period"))
        self._set(sma=pd.Series(s.close).rolling(p).mean().to_numpy())

    def update_last(self, s: BarSeries, zone: Any) -> None:
        w = window(s.close, int(self.spec.param("period")))
        self._put(len(s) - 1, sma=float(w.mean()) if len(w) else np.nan)


class EMA(Indicator):
    """Seeded with the first close (pandas `adjust=False`), NaN before `period` bars."""

    def recompute(self, s: BarSeries, zone: Any) -> None:
        raw = ema_full(s.close, ema_alpha(self.spec.param("period")))
        self._set(raw=raw, ema=_warm(raw, int(self.spec.param("period"))))

    def update_last(self, s: BarSeries, zone: Any) -> None:
        i = len(s) - 1
        value = ema_step(
            self.outputs["raw"], i, float(s.close[i]), ema_alpha(self.spec.param("period"))
        )
        self._put(i, ema=value if i + 1 >= self.spec.param("period") else np.nan)


def _warm(values: np.ndarray, period: int) -> np.ndarray:
    out = values.copy()
    out[: period - 1] = np.nan
    return out


class VWAP(Indicator):
    """Volume-weighted typical price, restarting each exchange-local day."""

    def recompute(self, s: BarSeries, zone: Any) -> None:
        day = pd.Series(local_seconds(s.time, zone) // 86400)
        pv = pd.Series(_typical(s) * s.volume).groupby(day).cumsum().to_numpy()
        vol = pd.Series(s.volume).groupby(day).cumsum().to_numpy()
        self._set(day=day.to_numpy(), pv=pv, vol=vol, vwap=_ratio(pv, vol, _typical(s)))

    def update_last(self, s: BarSeries, zone: Any) -> None:
        i = len(s) - 1
        day = float(_local_day(int(s.time[i]), zone))
        same = i > 0 and self.outputs["day"].at(i - 1) == day
        typical = float(s.high[i] + s.low[i] + s.close[i]) / 3
        pv = typical * s.volume[i] + (self.outputs["pv"].at(i - 1) if same else 0.0)
        vol = s.volume[i] + (self.outputs["vol"].at(i - 1) if same else 0.0)
        self._put(i, day=day, pv=pv, vol=vol, vwap=pv / vol if vol > 0 else typical)


def _local_day(t: int, zone: Any) -> int:
    """The exchange-local day of one bar (per live update: no pandas round trip)."""
    offset = datetime.fromtimestamp(t, zone).utcoffset() or timedelta(0)
    return int((t + offset.total_seconds()) // 86400)


def _typical(s: BarSeries) -> np.ndarray:
    return (s.high + s.low + s.close) / 3.0


def _ratio(num: np.ndarray, den: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), fallback)


class Bollinger(Indicator):
    """SMA ± width × population standard deviation over `period` closes."""

    def recompute(self, s: BarSeries, zone: Any) -> None:
        p, k = int(self.spec.param("period")), self.spec.param("width")
        roll = pd.Series(s.close).rolling(p)
        mid, std = roll.mean().to_numpy(), roll.std(ddof=0).to_numpy()
        self._set(mid=mid, upper=mid + k * std, lower=mid - k * std)

    def update_last(self, s: BarSeries, zone: Any) -> None:
        w = window(s.close, int(self.spec.param("period")))
        mid, std = (float(w.mean()), float(w.std())) if len(w) else (np.nan, np.nan)
        k = self.spec.param("width")
        self._put(len(s) - 1, mid=mid, upper=mid + k * std, lower=mid - k * std)


class RSI(Indicator):
    """Wilder's RSI: gains and losses smoothed with alpha 1/period."""

    def recompute(self, s: BarSeries, zone: Any) -> None:
        p = self.spec.param("period")
        change = np.diff(s.close, prepend=np.nan)
        gain = ema_full(np.nan_to_num(np.clip(change, 0, None)), 1 / p)
        loss = ema_full(np.nan_to_num(np.clip(-change, 0, None)), 1 / p)
        rsi = _rsi(gain, loss)
        rsi[: int(p)] = np.nan
        self._set(gain=gain, loss=loss, rsi=rsi)

    def update_last(self, s: BarSeries, zone: Any) -> None:
        i, p = len(s) - 1, self.spec.param("period")
        change = float(s.close[i] - s.close[i - 1]) if i else 0.0
        gain = ema_step(self.outputs["gain"], i, max(change, 0.0), 1 / p)
        loss = ema_step(self.outputs["loss"], i, max(-change, 0.0), 1 / p)
        value = float(_rsi(np.array([gain]), np.array([loss]))[0])
        self._put(i, rsi=value if i >= p else np.nan)


def _rsi(gain: np.ndarray, loss: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(loss > 0, 100 - 100 / (1 + gain / np.where(loss > 0, loss, 1)), 100.0)


class MACD(Indicator):
    def recompute(self, s: BarSeries, zone: Any) -> None:
        fast = ema_full(s.close, ema_alpha(self.spec.param("fast")))
        slow = ema_full(s.close, ema_alpha(self.spec.param("slow")))
        macd = fast - slow
        signal = ema_full(macd, ema_alpha(self.spec.param("signal")))
        self._set(fast=fast, slow=slow, macd=macd, signal=signal, hist=macd - signal)

    def update_last(self, s: BarSeries, zone: Any) -> None:
        i, x = len(s) - 1, float(s.close[-1])
        fast = ema_step(self.outputs["fast"], i, x, ema_alpha(self.spec.param("fast")))
        slow = ema_step(self.outputs["slow"], i, x, ema_alpha(self.spec.param("slow")))
        macd = fast - slow
        signal = ema_step(self.outputs["signal"], i, macd, ema_alpha(self.spec.param("signal")))
        self._put(i, macd=macd, hist=macd - signal)


CLASSES: dict[str, type[Indicator]] = {
    "SMA": SMA,
    "EMA": EMA,
    "VWAP": VWAP,
    "BB": Bollinger,
    "RSI": RSI,
    "MACD": MACD,
}
# What a chart draws of each (hidden state such as "raw" EMA or VWAP's sums is not drawn).
SHOWN: dict[str, tuple[str, ...]] = {
    "SMA": ("sma",),
    "EMA": ("ema",),
    "VWAP": ("vwap",),
    "BB": ("mid", "upper", "lower"),
    "RSI": ("rsi",),
    "MACD": ("macd", "signal", "hist"),
}


def build(spec: IndicatorSpec) -> Indicator:
    return CLASSES[spec.kind](spec)
