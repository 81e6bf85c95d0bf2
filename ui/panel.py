"""What the shell expects of a panel widget, and what it hands to one.

A panel is any QWidget. It may opt in to:
- persistence: `panel_state() -> dict` (JSON-able: symbols, timeframe, columns…) and
  `restore_panel_state(state: dict) -> None`, called when a workspace is saved / restored;
- linking (TWS colour groups): `show_contract(contract) -> None`, called when another panel of the
  same link colour picks a symbol, and/or a `contract_chosen` Signal(object) it emits when the user
  picks one in it. A panel with either gets a link colour chooser in its dock's title bar;
- health: `has_live_data() -> bool`, True once its data streams (what `--self-test` waits for);
- cross-panel actions: `shown_contract() -> Contract | None`, the one contract it shows, so that
  "Open chart" on a row raises the chart already showing it; `contract_targets()`, the places it
  takes contracts into (a watchlist's lists) for its kind's `TargetOffer` (see `ui.row_actions`);
- clean-up: `release_panel() -> None`, called when its dock is removed for good (a workspace
  switch, or Remove panel): give back session handles (`handle.release()`), stop timers.

It gets a `PanelContext`: the session, link groups and task owner, the registry of what other
kinds offer on a row (`actions`), and `open_panel(kind, contract)` to open or raise another panel.
"""

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from ib_async import Contract
from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QWidget

from terminal_app.session.broker import BrokerSession
from terminal_app.tasks import TaskOwner
from terminal_app.workspace.link_groups import LinkGroups
from ui.row_actions import ContractTarget, RowActionRegistry


class PanelOpener(Protocol):
    def open_panel(self, kind: str, contract: Contract) -> QWidget: ...


@dataclass(frozen=True)
class PanelContext:
    """Everything a panel factory may use; panels get market data from `session` only."""

    session: BrokerSession
    links: LinkGroups
    tasks: TaskOwner
    # What panel kinds offer on a symbol ("Open chart", "Add to watchlist"): registered by the
    # dock manager from the kinds' declarations, listed by symbol tables in their row menus.
    actions: RowActionRegistry = field(default_factory=RowActionRegistry)
    # The dock manager hosting the panel (it binds itself), so panels never reach the window.
    opener: PanelOpener | None = None

    def open_panel(self, kind: str, contract: Contract) -> QWidget:
        """Raise the panel of `kind` showing `contract`, or open a new one on it."""
        if self.opener is None:
            raise RuntimeError("this panel is not hosted by a dock manager")
        return self.opener.open_panel(kind, contract)


@runtime_checkable
class StatefulPanel(Protocol):
    def panel_state(self) -> dict[str, Any]: ...

    def restore_panel_state(self, state: dict[str, Any]) -> None: ...


@runtime_checkable
class LinkTarget(Protocol):
    def show_contract(self, contract: Contract) -> None: ...


@runtime_checkable
class ShowsContract(Protocol):
    def shown_contract(self) -> Contract | None: ...


@runtime_checkable
class TargetPanel(Protocol):
    def contract_targets(self) -> list[ContractTarget]: ...


@runtime_checkable
class LiveDataPanel(Protocol):
    def has_live_data(self) -> bool: ...


@runtime_checkable
class ReleasablePanel(Protocol):
    def release_panel(self) -> None: ...


def chosen_signal(widget: QWidget) -> SignalInstance | None:
    """The panel's `contract_chosen` signal, if it has one."""
    signal = getattr(widget, "contract_chosen", None)
    return signal if isinstance(signal, SignalInstance) else None


def is_linkable(widget: QWidget) -> bool:
    return isinstance(widget, LinkTarget) or chosen_signal(widget) is not None
