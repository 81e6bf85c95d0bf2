"""The chart's timeframes: what IB is asked for, and how far back one history chunk reaches.

A chunk is small enough that ib_async decodes its reply within a frame or two (it decodes a
reply in one go: ~0.4 s for 40k bars), so each holds at most a few thousand bars. 4 h and 1 W are
built from 1 h and 1 D bars (`aggregate`), so they line up with the exchange day.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Timeframe:
    label: str
    bar_size: str  # IB barSizeSetting of the bars requested
    seconds: int  # length of one displayed bar
    chunk: str  # IB durationStr of one history chunk (first load and each older one)
    group: str | None = None  # aggregate the requested bars: "4h" or "week"


TIMEFRAMES: tuple[Timeframe, ...] = (
    Timeframe("5 s", "5 secs", 5, "3600 S"),
    Timeframe("1 min", "1 min", 60, "1 D"),
    Timeframe("5 min", "5 mins", 300, "1 W"),
    Timeframe("15 min", "15 mins", 900, "2 W"),
    Timeframe("1 h", "1 hour", 3600, "1 M"),
    Timeframe("4 h", "1 hour", 4 * 3600, "3 M", group="4h"),
    Timeframe("1 D", "1 day", 86400, "1 Y"),
    Timeframe("1 W", "1 day", 7 * 86400, "2 Y", group="week"),
)
BY_LABEL = {tf.label: tf for tf in TIMEFRAMES}
DEFAULT = BY_LABEL["1 min"]
WHAT_TO_SHOW = ("TRADES", "MIDPOINT", "BID", "ASK", "BID_ASK")


def timeframe(label: str) -> Timeframe:
    """The timeframe called `label`; the default for an unknown one (an old workspace)."""
    return BY_LABEL.get(label, DEFAULT)
