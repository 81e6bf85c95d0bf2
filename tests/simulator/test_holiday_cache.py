"""The exchange calendar cache: a year computed once is read back without the library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from terminal_app.simulator import holidays


def test_a_cached_year_is_read_back_and_a_corrupt_cache_recomputed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IB_TERMINAL_HOME", str(tmp_path))
    monkeypatch.setattr(holidays._Cache, "_instance", None)
    holidays.year_rules.cache_clear()
    fresh = holidays.year_rules("XNYS", 2026)
    saved = json.loads((tmp_path / "data" / "cache" / holidays.CACHE_FILE).read_text())
    assert len(saved) == 1

    monkeypatch.setattr(holidays._Cache, "_instance", None)
    holidays.year_rules.cache_clear()
    monkeypatch.setattr(holidays, "_from_library", lambda *_: pytest.fail("not from the cache"))
    assert holidays.year_rules("XNYS", 2026) == fresh

    (tmp_path / "data" / "cache" / holidays.CACHE_FILE).write_text("{not json")
    monkeypatch.undo()
    monkeypatch.setenv("IB_TERMINAL_HOME", str(tmp_path))
    monkeypatch.setattr(holidays._Cache, "_instance", None)
    holidays.year_rules.cache_clear()
    assert holidays.year_rules("XNYS", 2026) == fresh
    holidays.year_rules.cache_clear()
    monkeypatch.setattr(holidays._Cache, "_instance", None)
