"""Parsing the time strings IB accepts in orders (goodTillDate, algo startTime/endTime)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_EXCHANGE_ZONE = ZoneInfo("America/New_York")
_ALIASES = {"EST": "America/New_York", "EDT": "America/New_York", "ET": "America/New_York"}
_FULL = re.compile(r"^(\d{8})[ -](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+(\S+))?$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+(\S+))?$")


def _zone(name: str | None, default: ZoneInfo) -> ZoneInfo:
    if not name:
        return default
    try:
        return ZoneInfo(_ALIASES.get(name.upper(), name))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def parse_ib_time(text: str, now: datetime) -> datetime:
    """`YYYYMMDD HH:MM:SS [zone]`, `YYYYMMDD-HH:MM:SS` (UTC, as IB documents the dash form), or
    `HH:MM[:SS] [zone]` (today in that zone). Zone-less text is New York time. Raises ValueError."""
    text = text.strip()
    full = _FULL.match(text)
    if full:
        day, hour, minute, second, zone_name = full.groups()
        default = ZoneInfo("UTC") if "-" in text[:9] and not zone_name else _EXCHANGE_ZONE
        zone = _zone(zone_name, default)
        moment = datetime.combine(
            date(int(day[:4]), int(day[4:6]), int(day[6:])),
            time(int(hour), int(minute), int(second or 0)),
            tzinfo=zone,
        )
        return moment.astimezone(UTC)
    clock = _CLOCK.match(text)
    if clock:
        hour, minute, second, zone_name = clock.groups()
        zone = _zone(zone_name, _EXCHANGE_ZONE)
        today = now.astimezone(zone).date()
        moment = datetime.combine(today, time(int(hour), int(minute), int(second or 0)), zone)
        return moment.astimezone(UTC)
    raise ValueError(f"cannot read time {text!r}")


def format_ib_time(moment: datetime) -> str:
    """TWS's own timestamp style, used for completedTime."""
    local = moment.astimezone(_EXCHANGE_ZONE)
    return local.strftime("%Y%m%d %H:%M:%S") + " America/New_York"
