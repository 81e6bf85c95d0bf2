"""A watchlist row's context menu: what other panel kinds offer on its symbol (registered by the
dock manager, see `ui.row_actions`), then the list's own Remove and Paste."""

from collections.abc import Callable

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QMenu, QWidget

from ui.row_actions import RowActionRegistry, add_row_actions
from ui.watchlist.lists import WatchlistTab


def row_menu(
    parent: QWidget,
    tab: WatchlistTab,
    index: QModelIndex,
    offered: RowActionRegistry,
    paste: Callable[[], None],
) -> QMenu:
    """Offers act on qualified contracts only (a row that failed to resolve has nothing to
    chart); the clicked row for actions, the selection for "Add to …" targets."""
    rows = tab.view.selected_rows() or ([index.row()] if index.isValid() else [])
    clicked = tab.model.row(index.row()).contract if index.isValid() else None
    chosen = [tab.model.row(r).contract for r in rows]
    menu = QMenu(parent)
    qualified = clicked if clicked is not None and clicked.conId else None
    if add_row_actions(menu, offered, qualified, [c for c in chosen if c.conId], tab):
        menu.addSeparator()
    if rows:
        menu.addAction("Remove", lambda: tab.model.remove_indices(rows))
    menu.addAction("Paste symbols", paste)
    return menu
