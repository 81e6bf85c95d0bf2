"""Simulated clock, --start resolution and exchange sessions."""

import logging
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from terminal_app.simulator.clock import SimClock, resolve_start, resume_start
from terminal_app.simulator.market.calendar import (
    is_open,
    next_session,
    previous_session,
    session_at,
    trading_hours,
)

NY = ZoneInfo("America/New_York")


def ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY)


class FakeMonotonic:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_clock_runs_at_speed_and_advances():
    mono = FakeMonotonic()
    start = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    clock = SimClock(start, speed=60, monotonic=mono)
    assert clock.now() == start and clock.now().tzinfo is UTC
    mono.t += 2
    assert clock.epoch() == start.timestamp() + 120
    clock.advance(30)
    assert clock.epoch() == start.timestamp() + 150
    clock.set_speed(1)
    mono.t += 10
    assert clock.epoch() == start.timestamp() + 160
    assert clock.real_seconds_until(clock.epoch() + 5) == 5
    frozen = SimClock(start, speed=0, monotonic=mono)
    mono.t += 1000
    assert frozen.now() == start
    with pytest.raises(ValueError):
        frozen.advance(-1)
    with pytest.raises(ValueError):
        SimClock(datetime(2026, 1, 1), 1.0)


def test_explicit_start_is_new_york_time():
    assert resolve_start("2026-07-01 09:45") == ny(2026, 7, 1, 9, 45).astimezone(UTC)
    assert resolve_start("2026-01-05 09:45") == datetime(2026, 1, 5, 14, 45, tzinfo=UTC)
    with pytest.raises(ValueError, match="YYYY-MM-DD HH:MM"):
        resolve_start("tomorrow")


@pytest.mark.parametrize(
    ("real", "expected"),
    [
        (ny(2026, 11, 24, 11, 17), ny(2026, 11, 24, 11, 17)),  # Tuesday in RTH: now
        (ny(2026, 11, 24, 17, 30), ny(2026, 11, 24, 10, 0)),  # after the close: today 10:00
        (ny(2026, 11, 24, 8, 0), ny(2026, 11, 23, 10, 0)),  # before 10:00: previous weekday
        (ny(2026, 11, 23, 9, 0), ny(2026, 11, 20, 10, 0)),  # Monday morning: Friday
        (ny(2026, 11, 28, 12, 0), ny(2026, 11, 27, 10, 0)),  # Saturday: Friday
        (ny(2026, 11, 29, 23, 0), ny(2026, 11, 27, 10, 0)),  # Sunday night: Friday
        (ny(2026, 11, 26, 11, 0), ny(2026, 11, 25, 10, 0)),  # Thanksgiving: Wednesday
        (ny(2026, 11, 27, 14, 0), ny(2026, 11, 27, 10, 0)),  # after Friday's 13:00 close
        (ny(2026, 11, 27, 12, 0), ny(2026, 11, 27, 12, 0)),  # before it: now
    ],
)
def test_auto_start(real, expected, caplog):
    with caplog.at_level(logging.INFO, logger="terminal_app.simulator.clock"):
        assert resolve_start("auto", now=real.astimezone(UTC)) == expected.astimezone(UTC)
    assert caplog.records, "the choice is logged"


@pytest.mark.parametrize(
    ("spec", "saved", "expected"),
    [
        ("2026-11-24 10:00", ny(2026, 11, 24, 15, 30), ny(2026, 11, 24, 15, 30)),  # resumes
        ("2026-11-24 10:00", ny(2026, 11, 24, 20, 0), ny(2026, 11, 24, 20, 0)),  # closed too
        ("2026-11-24 10:00", ny(2026, 11, 23, 15, 0), ny(2026, 11, 24, 10, 0)),  # saved earlier
        ("2026-11-24 10:00", None, ny(2026, 11, 24, 10, 0)),  # nothing saved
        ("auto", ny(2026, 11, 27, 12, 0), ny(2026, 11, 27, 12, 0)),  # auto, into RTH
        ("auto", ny(2026, 11, 27, 14, 0), ny(2026, 11, 27, 10, 0)),  # after the 13:00 early close
        ("auto", ny(2026, 11, 27, 16, 30), ny(2026, 11, 27, 10, 0)),  # never into a closed market
    ],
)
def test_a_restart_resumes_the_clock_of_the_same_start(spec, saved, expected):
    saturday = ny(2026, 11, 28, 12, 0).astimezone(UTC)  # auto alone would give Friday 10:00
    epoch = saved.timestamp() if saved is not None else None
    assert resume_start(spec, epoch, now=saturday) == expected.astimezone(UTC)


def test_stock_sessions(universe):
    spec = universe.by_con_id[265598].sessions
    t = ny(2026, 11, 24, 9, 29).timestamp()
    assert is_open(spec, t) and not is_open(spec, t, rth=True)
    assert is_open(spec, ny(2026, 11, 24, 9, 30).timestamp(), rth=True)
    assert not is_open(spec, ny(2026, 11, 24, 16, 0).timestamp(), rth=True)
    assert is_open(spec, ny(2026, 11, 24, 19, 59).timestamp())
    assert not is_open(spec, ny(2026, 11, 24, 20, 0).timestamp())
    assert not is_open(spec, ny(2026, 11, 28, 12, 0).timestamp())  # Saturday
    s = next_session(spec, ny(2026, 11, 27, 17, 0).timestamp(), rth=True)  # Friday evening
    assert s.trade_date == date(2026, 11, 30)
    assert s.start == ny(2026, 11, 30, 9, 30).timestamp()
    assert s.end == ny(2026, 11, 30, 16, 0).timestamp()
    prev = previous_session(spec, ny(2026, 11, 30, 9, 0).timestamp(), rth=True)
    assert prev.trade_date == date(2026, 11, 27)


def test_forex_sessions(universe):
    spec = universe.by_con_id[12087792].sessions
    assert not is_open(spec, ny(2026, 11, 29, 17, 0).timestamp())  # Sunday before 17:15
    s = session_at(spec, ny(2026, 11, 29, 17, 15).timestamp())
    assert s is not None and s.trade_date == date(2026, 11, 30)  # Sunday night is Monday's
    assert is_open(spec, ny(2026, 12, 2, 3, 0).timestamp())
    assert not is_open(spec, ny(2026, 12, 2, 17, 5).timestamp())  # the daily 15 minutes
    assert is_open(spec, ny(2026, 12, 4, 16, 59).timestamp())  # Friday
    assert not is_open(spec, ny(2026, 12, 4, 17, 15).timestamp())  # weekend


def test_futures_sessions_with_daily_break(universe):
    es = next(i for i in universe.instruments if i.localSymbol == "ESZ6")
    spec = es.sessions
    assert is_open(spec, ny(2026, 11, 24, 16, 59).timestamp())
    assert not is_open(spec, ny(2026, 11, 24, 17, 30).timestamp())  # break 17:00-18:00 NY
    assert is_open(spec, ny(2026, 11, 24, 18, 0).timestamp())
    assert not is_open(spec, ny(2026, 11, 29, 12, 0).timestamp())  # Sunday
    assert is_open(spec, ny(2026, 11, 29, 18, 30).timestamp())  # Sunday evening open
    assert is_open(spec, ny(2026, 11, 24, 10, 0).timestamp(), rth=True)
    assert not is_open(spec, ny(2026, 11, 24, 16, 30).timestamp(), rth=True)
    text = trading_hours(spec, ny(2026, 11, 28, 12, 0).timestamp(), rth=False, days=3)
    assert text == "20261128:CLOSED;20261129:1700-20261130:1600"
