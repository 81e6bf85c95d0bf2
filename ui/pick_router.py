"""Where a symbol-search pick (Ctrl+K) lands, and where Ctrl+L types a symbol.

A pick always shows somewhere: in the panels of the active link colour that show contracts (a
chart), else in the watchlist last worked in (or the first one open), else in a new watchlist.
The status bar says where it went. The same "active watchlist" is where Ctrl+L puts the cursor.
"""

from typing import Protocol, runtime_checkable

from ib_async import Contract
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QDockWidget, QLineEdit, QWidget

from terminal_app.workspace.link_groups import LinkGroups, link_color
from ui.docks import DockManager, dock_of
from ui.panel import LinkTarget


@runtime_checkable
class ContractList(Protocol):
    """A panel that lists contracts and has a box to type symbols into (a watchlist)."""

    entry: QLineEdit

    def add_contracts(self, contracts: list[Contract]) -> None: ...


class PickRouter(QObject):
    """Follows which watchlist the user works in; decides and says where a pick goes."""

    def __init__(self, docks: DockManager, links: LinkGroups, list_kind: str) -> None:
        super().__init__(docks)
        self._docks = docks
        self._links = links
        self._list_kind = list_kind
        self._last_list: QDockWidget | None = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        dock = dock_of(new)
        if dock is not None and dock in self._docks.docks(self._list_kind):
            self._last_list = dock

    def linked_panels(self) -> list[QDockWidget]:
        """Open panels of the active link colour that show a contract when it is published."""
        color = self._links.active_color
        return [
            d
            for d in self._docks.docks()
            if self._docks.link_of(d) == color and _open(d) and isinstance(d.widget(), LinkTarget)
        ]

    def active_list(self) -> QDockWidget | None:
        """The watchlist last worked in, else the first one showing, else any open one."""
        lists = self._docks.docks(self._list_kind)
        if self._last_list in lists and _open(self._last_list):
            return self._last_list
        candidates = [d for d in lists if _open(d)] or lists
        return candidates[0] if candidates else None

    def describe(self) -> str:
        """Where the next pick will go, for the search box to say before the user picks."""
        linked = self.linked_panels()
        if linked:
            color = link_color(self._links.active_color).label.lower()
            return f"The pick goes to the {color} link group ({_titles(linked)})."
        target = self.active_list()
        if target is not None:
            return f"The pick goes to {target.windowTitle()}."
        return "The pick opens a new watchlist."

    def route(self, contract: Contract) -> str:
        """Make sure the (already published) pick is seen; returns where it went."""
        symbol = contract.localSymbol or contract.symbol
        linked = self.linked_panels()
        if linked:
            for dock in linked:
                dock.raise_()  # tabbed behind another panel: bring it to the front
            color = link_color(self._links.active_color).label.lower()
            return f"{symbol} shown in the {color} link group ({_titles(linked)})."
        dock, opened = self._list_dock()
        widget = dock.widget()
        if isinstance(widget, ContractList):
            widget.add_contracts([contract])
        where = f"a new {dock.windowTitle()}" if opened else dock.windowTitle()
        return f"{symbol} sent to {where}."  # added, or selected if it was there already

    def focus_symbol_box(self) -> None:
        """Ctrl+L: the cursor in the active watchlist's symbol box (a new watchlist if none)."""
        dock, _opened = self._list_dock()
        widget = dock.widget()
        if isinstance(widget, ContractList):
            widget.entry.setFocus()
            widget.entry.selectAll()

    def _list_dock(self) -> tuple[QDockWidget, bool]:
        """The active watchlist, shown and raised; (a new one, True) when none is open."""
        dock = self.active_list()
        if dock is None:
            return self._docks.open(self._list_kind), True
        dock.show()
        dock.raise_()
        return dock, False


def _open(dock: QDockWidget) -> bool:
    """Not closed by the user (a panel tabbed behind another counts as open)."""
    return dock.toggleViewAction().isChecked()


def _titles(docks: list[QDockWidget]) -> str:
    return ", ".join(d.windowTitle() for d in docks)
