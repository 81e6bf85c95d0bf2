"""The exchange calendar table and cache: shipped years and years computed once are read back
without the library (which costs seconds in the middle of serving history)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from terminal_app.paths import resources_dir
from terminal_app.simulator import holidays
from terminal_app.simulator.gateway import SimulatedGateway
from tests.sim_fixtures import sim_config

OUTSIDE_TABLE = holidays.TABLE_YEARS.start - 1


def test_the_shipped_table_is_the_librarys_and_covers_every_calendar_in_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    named = set(
        re.findall(r'"calendar": *"(\w+)"', (resources_dir() / "instruments.json").read_text())
    )
    assert named <= set(holidays.CALENDARS)
    table = json.loads((resources_dir() / holidays.TABLE_FILE).read_text())
    assert set(table) == {f"{c}:{y}" for c in holidays.CALENDARS for y in holidays.TABLE_YEARS}
    for calendar, year in (("XNYS", 2026), ("CMES", 2025)):
        assert holidays._decode(table[f"{calendar}:{year}"]) == holidays._from_library(
            calendar, year
        ), "resources/exchange_calendars.json is stale: run `make calendars`"
    holidays.year_rules.cache_clear()
    monkeypatch.setattr(holidays, "_from_library", lambda *_: pytest.fail("not from the table"))
    assert date(2026, 11, 26) in holidays.year_rules("XNYS", 2026).holidays  # Thanksgiving
    holidays.year_rules.cache_clear()


def test_a_cached_year_is_read_back_and_a_corrupt_cache_recomputed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IB_TERMINAL_HOME", str(tmp_path))
    monkeypatch.setattr(holidays._Cache, "_instance", None)
    holidays.year_rules.cache_clear()
    fresh = holidays.year_rules("XNYS", OUTSIDE_TABLE)
    saved = json.loads((tmp_path / "data" / "cache" / holidays.CACHE_FILE).read_text())
    assert len(saved) == 1

    monkeypatch.setattr(holidays._Cache, "_instance", None)
    holidays.year_rules.cache_clear()
    monkeypatch.setattr(holidays, "_from_library", lambda *_: pytest.fail("not from the cache"))
    assert holidays.year_rules("XNYS", OUTSIDE_TABLE) == fresh

    (tmp_path / "data" / "cache" / holidays.CACHE_FILE).write_text("{not json")
    monkeypatch.undo()
    monkeypatch.setenv("IB_TERMINAL_HOME", str(tmp_path))
    monkeypatch.setattr(holidays._Cache, "_instance", None)
    holidays.year_rules.cache_clear()
    assert holidays.year_rules("XNYS", OUTSIDE_TABLE) == fresh
    holidays.year_rules.cache_clear()
    monkeypatch.setattr(holidays._Cache, "_instance", None)


@pytest.mark.asyncio
async def test_every_first_quote_is_served_without_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quote's session stats reach back to the instrument's first history (stocks: 2004): on a
    first start that year must come from the table, not from importing the library (pandas)
    while the terminal waits for its first quotes."""
    monkeypatch.setenv("IB_TERMINAL_HOME", str(tmp_path))  # no cached years
    monkeypatch.setattr(holidays._Cache, "_instance", None)
    holidays.year_rules.cache_clear()
    monkeypatch.setattr(
        holidays, "_from_library", lambda *args: pytest.fail(f"{args} is not in the table")
    )
    try:
        gateway = SimulatedGateway(sim_config())
        for inst in gateway.universe.instruments:
            assert gateway.market.quote(inst.conId).conId == inst.conId
    finally:
        holidays.year_rules.cache_clear()
