"""Actions other panels offer on a symbol ("Open chart", "Order ticket", ...).

A panel kind registers its action when it is built; symbol-bearing tables (watchlist, portfolio)
list whatever is registered in their context menus, so a menu never shows an entry for a panel
that does not exist yet.
"""

from collections.abc import Callable
from dataclasses import dataclass

from ib_async import Contract


@dataclass(frozen=True)
class RowAction:
    key: str
    label: str
    run: Callable[[Contract], None]
    shortcut: str | None = None


class RowActionRegistry:
    def __init__(self) -> None:
        self._actions: dict[str, RowAction] = {}

    def register(self, action: RowAction) -> None:
        self._actions[action.key] = action

    def unregister(self, key: str) -> None:
        self._actions.pop(key, None)

    def actions(self) -> list[RowAction]:
        return list(self._actions.values())
