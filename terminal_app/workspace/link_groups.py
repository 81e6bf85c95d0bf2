"""TWS-style link groups: panels that share a colour follow the same symbol.

Each symbol-bearing panel has a link colour ("none" = not linked). When the user picks a symbol
in one panel (a watchlist row, a search result), `publish` it on that panel's colour and every
other panel of the colour receives it through `symbol_changed`. The group remembers its current
contract, so a panel that joins a colour later can show it at once.
"""

from dataclasses import dataclass

from ib_async import Contract
from PySide6.QtCore import QObject, Signal


@dataclass(frozen=True)
class LinkColor:
    key: str
    label: str
    hex: str | None  # None for "not linked"


NOT_LINKED = "none"
LINK_COLORS: tuple[LinkColor, ...] = (
    LinkColor(NOT_LINKED, "Not linked", None),
    LinkColor("red", "Red", "#e5484d"),
    LinkColor("green", "Green", "#30a46c"),
    LinkColor("blue", "Blue", "#3e8ef7"),
    LinkColor("yellow", "Yellow", "#f5d90a"),
    LinkColor("orange", "Orange", "#f76b15"),
    LinkColor("purple", "Purple", "#a06ee1"),
    LinkColor("cyan", "Cyan", "#00b8d9"),
)
_BY_KEY = {c.key: c for c in LINK_COLORS}


def link_color(key: str) -> LinkColor:
    """The colour for `key`; unknown keys (e.g. from an old file) mean not linked."""
    return _BY_KEY.get(key, _BY_KEY[NOT_LINKED])


class LinkGroups(QObject):
    """The shared symbol per colour, and the colour the user is working in right now."""

    #: colour key, Contract, the object that published it (so it can ignore its own echo)
    symbol_changed = Signal(str, object, object)
    active_color_changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._current: dict[str, Contract] = {}
        self._active = LINK_COLORS[1].key

    def publish(self, color: str, contract: Contract, source: object = None) -> None:
        """Drive every panel of `color` to `contract` (a no-op for "not linked")."""
        color = link_color(color).key
        if color == NOT_LINKED:
            return
        self._current[color] = contract
        self.symbol_changed.emit(color, contract, source)

    def current(self, color: str) -> Contract | None:
        return self._current.get(color)

    @property
    def active_color(self) -> str:
        """The colour of the last linked panel the user worked in: where a search result goes."""
        return self._active

    def set_active_color(self, color: str) -> None:
        color = link_color(color).key
        if color != NOT_LINKED and color != self._active:
            self._active = color
            self.active_color_changed.emit(color)
