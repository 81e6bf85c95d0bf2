"""Exchange holidays and early closes, from the `exchange_calendars` library (NYSE as XNYS, CME
Group's Globex as CMES/CBOT/COMEX/us_futures), a year at a time.

The library (and pandas under it) takes one to two seconds to import and a quarter of a second per
calendar-year, and the gateway computes history in the middle of serving clients (five years of
daily bars touch five years of rules): so the rules of the years the simulator is used for ship
in `resources/exchange_calendars.json`, written from the library by `write_table` (`make
calendars`; a test checks it against the library). Any other year is computed once and kept in a
small JSON cache in the data dir (keyed by the library's version). Years outside the library's
range have no holidays (weekdays only, as before).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

from terminal_app import paths

log = logging.getLogger(__name__)

CACHE_FILE = "exchange-calendars.json"
TABLE_FILE = "exchange_calendars.json"
# The calendars `resources/instruments.json` names, and the years the shipped table covers.
CALENDARS = ("XNYS", "CMES", "CBOT", "COMEX", "us_futures")
TABLE_YEARS = range(2004, 2028)  # 2004: stocks' first history (bars.head_timestamp)


@dataclass(frozen=True)
class YearRules:
    """One exchange's closed weekdays and early closes (local close time) in one year."""

    holidays: frozenset[date] = frozenset()
    early_closes: Mapping[date, time] = field(default_factory=dict)


@functools.cache
def year_rules(calendar: str, year: int) -> YearRules:
    shipped = _table().get(f"{calendar}:{year}")
    if shipped is not None:
        return _decode(shipped)
    cache = _Cache.instance()
    key = f"{_library_version()}:{calendar}:{year}"
    stored = cache.entries.get(key)
    if stored is not None:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            return _decode(stored)
    rules = _from_library(calendar, year)
    cache.entries[key] = _encode(rules)
    cache.save()
    return rules


def _from_library(calendar: str, year: int) -> YearRules:
    import exchange_calendars  # deferred: see the module docstring

    first, last = date(year, 1, 1), date(year, 12, 31)
    try:
        with warnings.catch_warnings():  # the library's pandas deprecations are not ours to fix
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            cal = exchange_calendars.get_calendar(
                calendar, start=first.isoformat(), end=last.isoformat()
            )
            sessions = {ts.date() for ts in cal.sessions}
            early = {ts.date(): cal.closes[ts].tz_convert(cal.tz).time() for ts in cal.early_closes}
    except Exception as exc:  # the library covers about 20 years back and 1 ahead
        log.info("no %s calendar for %d (%s): weekdays only", calendar, year, exc)
        return YearRules()
    weekdays = (first + timedelta(days=n) for n in range((last - first).days + 1))
    holidays = frozenset(d for d in weekdays if d.weekday() < 5 and d not in sessions)
    return YearRules(holidays, early)


def _encode(rules: YearRules) -> dict[str, Any]:
    return {
        "holidays": sorted(d.isoformat() for d in rules.holidays),
        "early": {d.isoformat(): t.isoformat() for d, t in sorted(rules.early_closes.items())},
    }


def _decode(stored: dict[str, Any]) -> YearRules:
    return YearRules(
        frozenset(date.fromisoformat(d) for d in stored["holidays"]),
        {date.fromisoformat(d): time.fromisoformat(t) for d, t in stored["early"].items()},
    )


@functools.cache
def _table() -> dict[str, Any]:
    try:
        loaded = json.loads((paths.resources_dir() / TABLE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # a damaged install: compute what is needed
        log.warning("exchange calendar table unreadable (%s): computing from the library", exc)
        return {}
    return loaded if isinstance(loaded, dict) else {}


def write_table(path: Path) -> None:
    """Write the shipped table from the library (slow: about 30 s)."""
    table = {
        f"{calendar}:{year}": _encode(_from_library(calendar, year))
        for calendar in CALENDARS
        for year in TABLE_YEARS
    }
    path.write_text(json.dumps(table, indent=0, sort_keys=True) + "\n", encoding="utf-8")


@functools.cache
def _library_version() -> str:
    try:
        return metadata.version("exchange-calendars")
    except metadata.PackageNotFoundError:  # a bundle without the package's metadata
        return "unknown"


class _Cache:
    """The JSON file of computed years; unreadable or unwritable only costs recomputing."""

    _instance: _Cache | None = None

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, Any] = {}
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self.entries = loaded
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            log.info("exchange calendar cache %s unreadable (%s): recomputing", path, exc)

    @classmethod
    def instance(cls) -> _Cache:
        if cls._instance is None:
            cls._instance = _Cache(paths.data_dir() / "cache" / CACHE_FILE)
        return cls._instance

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(self.entries, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            log.info("exchange calendar cache %s not written: %s", self.path, exc)
