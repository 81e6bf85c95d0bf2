"""The day's P&L curve of one account: daily P&L sampled from the `reqPnL` stream, kept across
reconnects by its owner and saved atomically, so a restart on the same day continues the curve.

One sample a second at most (IB streams PnL about once a second; a faster burst replaces the
last sample), in preallocated-free plain lists: a trading day is at most ~86k samples.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from terminal_app.workspace.files import read_json, write_json_atomic

MIN_STEP_S = 1.0
FORMAT = 1


def curve_path(folder: Path, account: str, day: date) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", account) or "default"
    return folder / f"{safe}-{day.isoformat()}.json"


@dataclass
class PnlCurve:
    account: str
    day: date
    times: list[float] = field(default_factory=list)  # epoch seconds
    values: list[float] = field(default_factory=list)  # daily P&L

    def add(self, when: float, value: float) -> None:
        if self.times and when - self.times[-1] < MIN_STEP_S:
            self.values[-1] = value
            return
        self.times.append(when)
        self.values.append(value)

    def save(self, folder: Path) -> None:
        data = {"format": FORMAT, "account": self.account, "day": self.day.isoformat()}
        data |= {"times": self.times, "values": self.values}
        write_json_atomic(curve_path(folder, self.account, self.day), data)


def load_curve(folder: Path, account: str, day: date) -> tuple[PnlCurve, str | None]:
    """The saved curve of `account` for `day`, or a new one; the problem with a damaged file
    (kept as .bak) as text."""

    def parse(data: Any) -> PnlCurve:
        if data["format"] != FORMAT or data["day"] != day.isoformat():
            raise ValueError("not this day's curve")
        times = [float(t) for t in data["times"]]
        values = [float(v) for v in data["values"]]
        if len(times) != len(values):
            raise ValueError("times and values differ in length")
        return PnlCurve(account, day, times, values)

    loaded = read_json(curve_path(folder, account, day), parse)
    return loaded.value or PnlCurve(account, day), loaded.problem
