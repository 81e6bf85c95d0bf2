"""IB algos on the simulated venue: a schedule of how much should be done by when, and how
aggressively each child prices. Fills are reported on the parent order, as TWS does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from ib_async import TagValue

from .errors import rejected
from .ports import Book
from .times import parse_ib_time

_KNOWN_PARAMS: dict[str, frozenset[str]] = {
    "Twap": frozenset({"strategyType", "startTime", "endTime", "allowPastEndTime"}),
    "Vwap": frozenset(
        {"maxPctVol", "startTime", "endTime", "allowPastEndTime", "noTakeLiq", "speedUp"}
    ),
    "ArrivalPx": frozenset(
        {"maxPctVol", "riskAversion", "startTime", "endTime", "forceCompletion", "allowPastEndTime"}
    ),
    "Adaptive": frozenset({"adaptivePriority"}),
}
_TWAP_TYPES = frozenset({"Marketable", "Matching Midpoint", "Matching Same Side", "Matching Last"})
_RISK_EXPONENT = {"Get Done": 0.3, "Aggressive": 0.5, "Neutral": 0.8, "Passive": 1.0}
# Share of the spread an Adaptive order gives up at once, and how fast (per minute) it walks on.
_ADAPTIVE = {"Urgent": (1.0, 1.0), "Normal": (0.5, 0.25), "Patient": (0.0, 0.05)}
SLICES = 20
MIN_SLICE = timedelta(seconds=5)

VolumeFraction = Callable[[datetime, datetime, datetime], float]


def _flag(value: str, name: str) -> bool:
    if value not in ("0", "1", "true", "false", "True", "False"):
        raise rejected(f"Invalid value {value!r} for algo parameter {name}")
    return value in ("1", "true", "True")


@dataclass
class AlgoRun:
    """The state of one algo parent order."""

    strategy: str
    start: datetime
    end: datetime
    allow_past_end: bool = False
    max_pct_vol: float | None = None
    exponent: float = 1.0
    adaptive: tuple[float, float] | None = None
    style: str = "Marketable"
    params: dict[str, str] = field(default_factory=dict)
    start_volume: Decimal | None = None

    @property
    def schedules(self) -> bool:
        return self.adaptive is None

    def target(self, total: Decimal, now: datetime, volume_fraction: VolumeFraction) -> Decimal:
        """Cumulative quantity due by `now` (whole slices; all of it at the end)."""
        if not self.schedules or now >= self.end:
            return total if (now >= self.start) else Decimal(0)
        if now < self.start:
            return Decimal(0)
        span = (self.end - self.start).total_seconds()
        if self.strategy == "Vwap":
            share = volume_fraction(self.start, self.end, now)
        else:
            slice_len = max(span / SLICES, MIN_SLICE.total_seconds())
            slices = int((now - self.start).total_seconds() // slice_len) + 1
            share = min(slices * slice_len / span, 1.0) ** self.exponent
        return (total * Decimal(repr(share))).to_integral_value(rounding=ROUND_FLOOR)

    def volume_cap(self, market_volume: Decimal) -> Decimal | None:
        """With maxPctVol, the algo never trades more than that share of the market's volume."""
        if self.max_pct_vol is None or self.start_volume is None:
            return None
        traded = max(market_volume - self.start_volume, Decimal(0))
        return (traded * Decimal(repr(self.max_pct_vol))).to_integral_value(rounding=ROUND_FLOOR)

    def child_price(self, book: Book, is_buy: bool, now: datetime) -> tuple[bool, float | None]:
        """(priced, price) of the algo's next child: None = as marketable as the order allows;
        not priced when the style needs a quote the market does not show."""
        if self.adaptive is not None:
            if book.bid is None or book.ask is None:
                return False, None
            first, per_minute = self.adaptive
            minutes = max((now - self.start).total_seconds(), 0.0) / 60.0
            share = min(first + per_minute * minutes, 1.0)
            spread = book.ask - book.bid
            return True, book.bid + share * spread if is_buy else book.ask - share * spread
        if self.style == "Matching Midpoint":
            return book.mid is not None, book.mid
        if self.style == "Matching Same Side":
            side = book.bid if is_buy else book.ask
            return side is not None, side
        if self.style == "Matching Last":
            return book.last is not None, book.last
        return True, None


def param_map(params: list[TagValue]) -> dict[str, str]:
    return {p.tag: str(p.value) for p in params}


def build(
    strategy: str,
    params: list[TagValue],
    order_type: str,
    now: datetime,
    session_close: datetime,
) -> AlgoRun:
    """Validate an algo order the way IB does and set up its run; raises `Rejection`."""
    if strategy not in _KNOWN_PARAMS:
        raise rejected(f"Invalid algo strategy {strategy!r}")
    if order_type not in ("MKT", "LMT"):
        raise rejected(f"The {strategy} algo only accepts MKT or LMT orders")
    values = param_map(params)
    unknown = set(values) - _KNOWN_PARAMS[strategy]
    if unknown:
        raise rejected(f"Invalid algo parameter(s) for {strategy}: {', '.join(sorted(unknown))}")
    if strategy == "Adaptive":
        priority = values.get("adaptivePriority", "Normal")
        if priority not in _ADAPTIVE:
            raise rejected(f"Invalid adaptivePriority {priority!r} (Urgent, Normal or Patient)")
        return AlgoRun(strategy, now, session_close, adaptive=_ADAPTIVE[priority], params=values)
    try:
        start = parse_ib_time(values["startTime"], now) if values.get("startTime") else now
        end = parse_ib_time(values["endTime"], now) if values.get("endTime") else session_close
    except ValueError as exc:
        raise rejected(f"Invalid algo time: {exc}") from exc
    start = max(start, now)
    if end <= start:
        raise rejected(f"The {strategy} end time must be after its start time")
    run = AlgoRun(
        strategy,
        start,
        end,
        params=values,
        allow_past_end=_flag(values.get("allowPastEndTime", "0"), "allowPastEndTime"),
    )
    if strategy == "Twap":
        kind = values.get("strategyType", "Marketable")
        if kind not in _TWAP_TYPES:
            raise rejected(f"Invalid Twap strategyType {kind!r}")
        run.style = kind
    if "maxPctVol" in values:
        try:
            pct = float(values["maxPctVol"])
        except ValueError as exc:
            raise rejected(f"Invalid maxPctVol {values['maxPctVol']!r}") from exc
        if not 0.01 <= pct <= 0.5:
            raise rejected("maxPctVol must be between 0.01 and 0.5 (1% to 50%)")
        run.max_pct_vol = pct
    if strategy == "ArrivalPx":
        aversion = values.get("riskAversion", "Neutral")
        if aversion not in _RISK_EXPONENT:
            raise rejected(f"Invalid riskAversion {aversion!r}")
        run.exponent = _RISK_EXPONENT[aversion]
    return run
