"""IB's algos as data: one table of definitions from which the ticket generates its forms and the
builder its `algoParams`. Adding an algo is adding an `AlgoDef` here.

Times are IB's `HH:MM:SS <zone>` (the simulator and TWS read `America/New_York` when no zone is
given); an empty start/end means "now" / "the close".
"""

from dataclasses import dataclass
from datetime import datetime, time
from enum import Enum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ib_async import TagValue


class ParamKind(Enum):
    CHOICE = "choice"
    PERCENT = "percent"  # a fraction 0.01-0.5, as IB wants it
    TIME = "time"  # HH:MM[:SS]
    FLAG = "flag"  # "1" / "0"


@dataclass(frozen=True)
class AlgoParam:
    tag: str  # IB's tag name
    label: str
    kind: ParamKind
    default: str
    help: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class AlgoDef:
    strategy: str  # IB's algoStrategy
    title: str
    help: str
    params: tuple[AlgoParam, ...]

    def param(self, tag: str) -> AlgoParam | None:
        return next((p for p in self.params if p.tag == tag), None)


_START = AlgoParam("startTime", "Start", ParamKind.TIME, "", "Empty: start now (exchange time).")
_END = AlgoParam("endTime", "End", ParamKind.TIME, "", "Empty: run until the close.")
_PAST_END = AlgoParam(
    "allowPastEndTime", "Allow past end", ParamKind.FLAG, "0", "Keep working after the end time."
)
_MAX_PCT = AlgoParam(
    "maxPctVol",
    "Max % volume",
    ParamKind.PERCENT,
    "0.1",
    "Never more than this share of the market's volume (0.01-0.5).",
)

ALGOS: dict[str, AlgoDef] = {
    d.strategy: d
    for d in (
        AlgoDef(
            "Adaptive",
            "Adaptive",
            "Works a limit or market order between the spread's sides, faster with priority.",
            (
                AlgoParam(
                    "adaptivePriority",
                    "Priority",
                    ParamKind.CHOICE,
                    "Normal",
                    "Urgent crosses quickly; Patient waits for a better price.",
                    ("Urgent", "Normal", "Patient"),
                ),
            ),
        ),
        AlgoDef(
            "Twap",
            "TWAP",
            "Slices the order evenly over the time window.",
            (
                AlgoParam(
                    "strategyType",
                    "Trade when",
                    ParamKind.CHOICE,
                    "Marketable",
                    "Which slices may trade: marketable, or only at the midpoint/same side/last.",
                    ("Marketable", "Matching Midpoint", "Matching Same Side", "Matching Last"),
                ),
                _START,
                _END,
                _PAST_END,
            ),
        ),
        AlgoDef(
            "Vwap",
            "VWAP",
            "Follows the day's volume profile to reach the volume-weighted average price.",
            (
                _MAX_PCT,
                _START,
                _END,
                _PAST_END,
                AlgoParam(
                    "noTakeLiq",
                    "Do not take liquidity",
                    ParamKind.FLAG,
                    "0",
                    "Only passive fills: rest on the book, never cross the spread.",
                ),
            ),
        ),
        AlgoDef(
            "ArrivalPx",
            "Arrival price",
            "Trades close to the price when the order arrived, balancing impact against risk.",
            (
                _MAX_PCT,
                AlgoParam(
                    "riskAversion",
                    "Risk aversion",
                    ParamKind.CHOICE,
                    "Neutral",
                    "Get Done trades fastest; Passive waits longest.",
                    ("Get Done", "Aggressive", "Neutral", "Passive"),
                ),
                _START,
                _END,
                _PAST_END,
            ),
        ),
    )
}


def parse_clock(text: str) -> time | None:
    """`HH:MM[:SS]` (an optional zone after a space is kept by IB, ignored here); None if bad."""
    clock = text.strip().split(" ")[0]
    parts = clock.split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        return None
    hour, minute, second = (int(p) for p in [*parts, "0"][:3])
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


EXCHANGE_ZONE = ZoneInfo("America/New_York")
_ZONE_ALIASES = {"EST": "America/New_York", "EDT": "America/New_York", "ET": "America/New_York"}


def clock_zone(text: str) -> ZoneInfo | None:
    """The zone after the clock (New York when none); None when it names no zone."""
    _clock, _, name = text.strip().partition(" ")
    name = name.strip()
    if not name:
        return EXCHANGE_ZONE
    try:
        return ZoneInfo(_ZONE_ALIASES.get(name.upper(), name))
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _past_end(title: str, end_text: str, now: datetime) -> list[tuple[str, str]]:
    """An end time already past today (in its zone): IB refuses the order, so say it first."""
    end, zone = parse_clock(end_text), clock_zone(end_text)
    if end is None or zone is None:
        return []
    local_now = now.astimezone(zone)
    if local_now.time() < end:
        return []
    return [("endTime", f"{title} ends at {end} {zone.key}, which is past (now {local_now:%H:%M})")]


def check_params(
    strategy: str, params: dict[str, str], now: datetime | None = None
) -> list[tuple[str, str]]:
    """(tag, message) for every parameter that IB would refuse or that makes no sense; with
    `now`, also a window that has already ended."""
    algo = ALGOS.get(strategy)
    if algo is None:
        return [("", f"unknown algo {strategy!r}")]
    problems: list[tuple[str, str]] = []
    for tag, value in params.items():
        param = algo.param(tag)
        if param is None:
            problems.append((tag, f"{algo.title} has no parameter {tag!r}"))
        elif value.strip():
            message = _check_value(param, value.strip())
            if message:
                problems.append((tag, message))
    start, end = parse_clock(params.get("startTime", "")), parse_clock(params.get("endTime", ""))
    if start is not None and end is not None and end <= start:
        problems.append(("endTime", f"{algo.title} ends at {end} before it starts at {start}"))
    elif now is not None and params.get("endTime", "").strip() and not problems:
        problems += _past_end(algo.title, params["endTime"], now)
    return problems


def _check_value(param: AlgoParam, value: str) -> str:
    if param.kind is ParamKind.CHOICE and value not in param.choices:
        return f"{param.label} must be one of {', '.join(param.choices)}"
    if param.kind is ParamKind.FLAG and value not in ("0", "1"):
        return f"{param.label} must be on or off"
    if param.kind is ParamKind.TIME and parse_clock(value) is None:
        return f"{param.label} must be a time like 10:30 (HH:MM)"
    if param.kind is ParamKind.TIME and clock_zone(value) is None:
        return f"{param.label} names no time zone IB knows: {value.partition(' ')[2]!r}"
    if param.kind is ParamKind.PERCENT:
        try:
            share = float(value)
        except ValueError:
            return f"{param.label} must be a number between 0.01 and 0.5"
        if not 0.01 <= share <= 0.5:
            return f"{param.label} must be between 0.01 and 0.5 (1% to 50%)"
    return ""


def tag_values(strategy: str, params: dict[str, str]) -> list[TagValue]:
    """IB's algoParams: the entered values, defaults for the rest; empty times are left out."""
    algo = ALGOS[strategy]
    values = []
    for param in algo.params:
        value = params.get(param.tag, param.default).strip()
        if value:
            values.append(TagValue(param.tag, value))
    return values
