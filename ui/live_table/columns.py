"""What a live table needs from a column and keeps per row, whatever the rows are."""

import math
from dataclasses import dataclass, field
from typing import Any, Protocol


class ColumnSpec(Protocol):
    """A declarative column (e.g. the watchlist's `Column`): its header and how a row shows."""

    @property
    def key(self) -> str: ...
    @property
    def header(self) -> str: ...
    @property
    def visible(self) -> bool: ...
    @property
    def flashes(self) -> bool: ...
    @property
    def tooltip(self) -> str: ...
    @property
    def align_right(self) -> bool: ...

    def get(self, row: Any) -> float | str | None: ...

    def format(self, value: float | str | None, row: Any) -> str:
        """The text of `value` (what `get` returned) in this row."""
        ...


@dataclass(kw_only=True, eq=False)
class LiveRow:
    """The per-row state the live table keeps beside a row's own data.

    `texts` and `foregrounds` are built once per change (`outdated`: rebuild before the next
    paint); `colors` is what painting uses: the foreground index plus the flash level per column.
    Lists are replaced, never changed in place, so the view can tell an unchanged row by identity.
    `memo` keeps the values behind the texts, so a rebuild formats only the values that moved."""

    # Flash state per column: (direction +1/-1, start time in ms), and the last values seen.
    flashes: dict[int, tuple[int, float]] = field(default_factory=dict)
    seen: dict[int, float] = field(default_factory=dict)
    outdated: bool = True
    texts: list[str] | None = None
    foregrounds: list[int] | None = None
    colors: list[int] | None = None
    memo: tuple[list[Any], list[str], Any] | None = None
    next_step: float = math.inf  # when its flash next changes level (ms)
