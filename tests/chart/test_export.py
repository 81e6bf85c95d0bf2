"""Chart data to CSV / Parquet, the picture to PNG."""

import importlib.util
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from terminal_app.chart.export import chart_frame, export_frame
from terminal_app.chart.indicators import IndicatorSpec
from terminal_app.chart.studies import Studies
from terminal_app.chart.synthetic import minute_bars
from terminal_app.session import BrokerSession
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from ui.chart.panel import ChartPanel
from ui.panel import PanelContext

NY = ZoneInfo("America/New_York")


def test_csv_holds_bars_in_exchange_time_and_indicator_columns(tmp_path: Path) -> None:
    bars = minute_bars(300)
    studies = Studies()
    studies.add(IndicatorSpec.make("BB"), bars, NY)
    path = tmp_path / "aapl.csv"
    export_frame(chart_frame(bars, studies, NY), path)
    back = pd.read_csv(path, index_col="time")
    assert len(back) == 300
    assert list(back.columns)[:5] == ["open", "high", "low", "close", "volume"]
    assert "BB(20,2) upper" in back.columns
    assert back.index[0] == "2024-01-01 09:30:00-05:00"
    assert not list(tmp_path.glob("*.tmp"))  # written atomically


def test_parquet_round_trips_or_says_what_it_needs(tmp_path: Path) -> None:
    frame = chart_frame(minute_bars(50), Studies(), NY)
    path = tmp_path / "aapl.parquet"
    if importlib.util.find_spec("pyarrow") is None:
        with pytest.raises(ValueError, match="needs pyarrow"):
            export_frame(frame, path)
        assert not path.exists()
        return
    export_frame(frame, path)
    pd.testing.assert_frame_equal(pd.read_parquet(path), frame)


@pytest.mark.asyncio
async def test_the_picture_is_a_png_of_the_chart_and_a_bad_path_says_so(
    qapp: QApplication, session: BrokerSession, tmp_path: Path
) -> None:
    panel = ChartPanel(PanelContext(session, LinkGroups(), TaskOwner("export-test")))
    panel.resize(600, 400)
    path = tmp_path / "chart.png"
    panel.export_png(path)
    image = QImage(str(path))
    assert image.width() == panel.view.width() and image.height() == panel.view.height()
    panel.export_png(tmp_path / "missing" / "chart.png")
    assert "Export failed" in panel.controls.status.text()
    panel.release_panel()
    panel.deleteLater()
