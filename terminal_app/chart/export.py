"""A chart's bars and indicator values to CSV or Parquet, written atomically."""

import os
from pathlib import Path
from typing import Any

import pandas as pd

from terminal_app.chart.indicators import SHOWN
from terminal_app.chart.series import BarSeries
from terminal_app.chart.studies import Studies


def chart_frame(series: BarSeries, studies: Studies, zone: Any) -> pd.DataFrame:
    """Bars indexed by exchange time, one column per drawn indicator output."""
    frame = series.to_frame(zone)
    for indicator in studies.items:
        for name in SHOWN[indicator.spec.kind]:
            values = indicator.output(name)
            if len(values) == len(frame):
                frame[f"{indicator.spec.label} {name}"] = values
    return frame


def export_frame(frame: pd.DataFrame, path: Path) -> None:
    """`.parquet` → Parquet (needs pyarrow or fastparquet), anything else → CSV. Raises
    ValueError with a plain message when Parquet has no engine here."""
    tmp = path.with_name(path.name + ".tmp")
    if path.suffix.lower() == ".parquet":
        try:
            frame.to_parquet(tmp)
        except ImportError as exc:
            raise ValueError(
                "Parquet export needs pyarrow (pip install 'ib-terminal[parquet]'); "
                "CSV works without it"
            ) from exc
    else:
        frame.to_csv(tmp)
    os.replace(tmp, path)
