"""A live-table column over text a row already has (search results, messages): no formatting."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TextColumn:
    """Shows `text(row)` as it is; satisfies `ColumnSpec`."""

    key: str
    header: str
    text: Callable[[Any], str]
    visible: bool = True
    flashes: bool = False
    tooltip: str = ""
    align_right: bool = False

    def get(self, row: Any) -> str:
        return self.text(row)

    def format(self, value: float | str | None, row: Any) -> str:
        return "" if value is None else str(value)
