"""`--startup-report FILE`: the start-up timeline of a real start on the embedded gateway."""

import asyncio
import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from terminal_app.cli import parse_args
from tests.workspace.app_run import window_in
from ui.app import run_app
from ui.startup_timeline import STAGES, describe
from ui.watchlist.panel import default_lists


@pytest.mark.asyncio
async def test_report_written_once_every_default_row_streams_then_the_app_quits(
    qapp: QApplication, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    report = tmp_path / "startup.json"
    window = window_in(tmp_path)
    caplog.set_level("INFO", logger="ui.startup_timeline")
    run = asyncio.ensure_future(run_app(parse_args(["--startup-report", str(report)]), window))
    assert await asyncio.wait_for(run, 60) == 0  # it quits by itself
    figures = json.loads(report.read_text(encoding="utf-8"))
    assert figures["rows"] == sum(len(lst["symbols"]) for lst in default_lists())
    times = [figures[s] for s in STAGES]
    assert all(t > 0 for t in times)
    assert figures["window_s"] <= figures["first_quote_s"] <= figures["all_rows_s"]
    assert figures["connected_s"] <= figures["first_quote_s"]
    logged = [r.getMessage() for r in caplog.records if r.name == "ui.startup_timeline"]
    assert logged == [f"start-up: {describe(figures)}"]


def test_stages_not_reached_are_said_so() -> None:
    text = describe({"window_s": 0.8, "rows": 0, "since": "process start"})
    assert text.startswith("window shown 0.80 s, connected: not reached")
    assert text.endswith("all 0 watchlist rows streaming: not reached (since process start)")
