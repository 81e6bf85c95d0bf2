"""What panel kinds offer each other on a contract: "Open chart", "Trade…", "Add to watchlist ▸ …".

A panel kind declares its offers on its `PanelKind` (`ui.docks`); the dock manager turns them into
entries of the shared `RowActionRegistry`: an `OpenOffer` for as long as the kind can be opened, a
`TargetOffer` while at least one panel of the kind is open. Symbol tables (the watchlist, later the
portfolio) list what is registered in their row menus with `add_row_actions`. So a menu never
shows an entry for a panel that does not exist, and no panel imports another.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ib_async import Contract
from PySide6.QtWidgets import QMenu


@dataclass(frozen=True)
class OpenOffer:
    """Like "Open chart": raise the panel of the declaring kind that shows the row's contract, or
    open a new one on it (see `DockManager.open_panel`)."""

    label: str


@dataclass(frozen=True)
class TargetOffer:
    """Like "Add to watchlist ▸ <list>": hand the selected rows to a place in an open panel of the
    declaring kind, which lists its places with `contract_targets()` (`ui.panel.TargetPanel`)."""

    label: str


Offer = OpenOffer | TargetOffer


@dataclass(frozen=True)
class ContractTarget:
    """A place that takes contracts, such as one list of a watchlist."""

    label: str
    add: Callable[[list[Contract]], None]
    owner: object = None  # what it belongs to (the list), so a list is not offered its own rows


@dataclass(frozen=True)
class RowAction:
    """A menu entry acting on the clicked row's contract."""

    key: str
    label: str
    run: Callable[[Contract], object]


@dataclass(frozen=True)
class RowTargets:
    """A submenu with one entry per target, each taking the selected rows' contracts."""

    key: str
    label: str
    targets: Callable[[], list[ContractTarget]]


class RowActionRegistry:
    def __init__(self) -> None:
        self._actions: dict[str, RowAction | RowTargets] = {}

    def register(self, action: RowAction | RowTargets) -> None:
        self._actions[action.key] = action

    def unregister(self, key: str) -> None:
        self._actions.pop(key, None)

    def actions(self) -> list[RowAction | RowTargets]:
        return list(self._actions.values())


def add_row_actions(
    menu: QMenu,
    registry: RowActionRegistry,
    contract: Contract | None,
    contracts: list[Contract],
    source: object = None,
) -> bool:
    """Add what is offered on `contract` (the clicked row, None for none) and on `contracts` (the
    selected rows) to `menu`: actions first, then target submenus. Targets owned by `source` and
    submenus left without a target are not shown. Returns whether anything was added."""
    added = False
    offered = registry.actions()
    if contract is not None:
        for action in offered:
            if isinstance(action, RowAction):
                menu.addAction(action.label, partial(action.run, contract))
                added = True
    if contracts:
        for action in offered:
            if not isinstance(action, RowTargets):
                continue
            targets = [t for t in action.targets() if source is None or t.owner is not source]
            if targets:
                submenu = menu.addMenu(action.label)
                for target in targets:
                    submenu.addAction(target.label, partial(target.add, contracts))
                added = True
    return added
