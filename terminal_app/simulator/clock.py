"""The simulated clock every part of the gateway asks for "now".

``SimClock(start, speed)`` maps the host's monotonic clock onto simulated time:
``now = start + offset + (monotonic() - t0) * speed``. ``advance(seconds)`` moves it forward
(tests, and a frozen clock with ``speed=0`` that only moves when told to); ``set_speed`` changes
the rate without a jump. ``resolve_start`` turns ``--start`` into the start instant;
``resume_start`` also takes the time a previous run with the same ``--start`` had reached.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from zoneinfo import ZoneInfo

from terminal_app.simulator.holidays import year_rules

log = logging.getLogger(__name__)

NEW_YORK = ZoneInfo("America/New_York")


class SimClock:
    def __init__(
        self,
        start: datetime,
        speed: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if start.tzinfo is None:
            raise ValueError("SimClock needs a timezone-aware start")
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self._monotonic = monotonic
        self._base = start.astimezone(UTC).timestamp()
        self._t0 = monotonic()
        self._speed = float(speed)

    @property
    def speed(self) -> float:
        return self._speed

    def epoch(self) -> float:
        """Simulated time as epoch seconds."""
        return self._base + (self._monotonic() - self._t0) * self._speed

    def now(self) -> datetime:
        """Simulated time, tz-aware UTC."""
        return datetime.fromtimestamp(self.epoch(), UTC)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the simulated clock never goes back")
        self._base += seconds

    def set_speed(self, speed: float) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self._base = self.epoch()
        self._t0 = self._monotonic()
        self._speed = float(speed)

    def real_seconds_until(self, epoch: float) -> float:
        """Host seconds until simulated ``epoch`` (inf on a frozen clock)."""
        delta = epoch - self.epoch()
        if delta <= 0:
            return 0.0
        return delta / self._speed if self._speed > 0 else float("inf")


def _nyse_day(d: date) -> bool:
    return d.weekday() < 5 and d not in year_rules("XNYS", d.year).holidays


def _us_stock_rth(t: datetime) -> bool:
    local = t.astimezone(NEW_YORK)
    close = year_rules("XNYS", local.year).early_closes.get(local.date(), day_time(16, 0))
    return _nyse_day(local.date()) and day_time(9, 30) <= local.time() < close


def resolve_start(spec: str, now: datetime | None = None) -> datetime:
    """``"auto"`` or ``"YYYY-MM-DD HH:MM"`` (America/New_York) → the simulated start, UTC.

    auto = the current time when US stocks are in regular trading hours, otherwise 10:00 New York
    time of the most recent NYSE trading day whose 10:00 has passed, so a demo always opens on a
    live market. The choice is logged.
    """
    real_now = (now or datetime.now(UTC)).astimezone(UTC)
    text = spec.strip()
    if text.lower() != "auto":
        try:
            local = datetime.strptime(text, "%Y-%m-%d %H:%M")
        except ValueError:
            try:
                local = datetime.strptime(text, "%Y-%m-%d")
            except ValueError:
                raise ValueError(
                    f"start must be 'auto' or 'YYYY-MM-DD HH:MM' (New York time), got {spec!r}"
                ) from None
        start = local.replace(tzinfo=NEW_YORK).astimezone(UTC)
        log.info("simulated clock starts at %s New York time", local.strftime("%Y-%m-%d %H:%M"))
        return start
    if _us_stock_rth(real_now):
        log.info("simulated clock starts now: US stocks are in regular trading hours")
        return real_now
    local = real_now.astimezone(NEW_YORK)
    day = local.date()
    # Before 10:00 on a weekday the most recent 10:00 was on the previous weekday.
    if local.hour < 10:
        day -= timedelta(days=1)
    while not _nyse_day(day):
        day -= timedelta(days=1)
    start_local = datetime(day.year, day.month, day.day, 10, 0, tzinfo=NEW_YORK)
    log.info(
        "US stocks are outside regular trading hours: simulated clock starts at %s 10:00 New York",
        day.isoformat(),
    )
    return start_local.astimezone(UTC)


def resume_start(spec: str, saved: float | None, now: datetime | None = None) -> datetime:
    """``resolve_start(spec)``, or ``saved`` (epoch seconds a previous run with the same spec had
    reached) when that is later: a restart, a crash included, resumes the simulated day rather
    than living its hours (and its working DAY orders) twice. ``auto`` resumes only into US
    regular hours, so a demo still opens on a live market."""
    start = resolve_start(spec, now)
    if saved is None or saved <= start.timestamp():
        return start
    resumed = datetime.fromtimestamp(saved, UTC)
    if spec.strip().lower() == "auto" and not _us_stock_rth(resumed):
        return start
    log.info(
        "simulated clock resumes at %s New York time, where the last run with this start stopped",
        resumed.astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M:%S"),
    )
    return resumed
