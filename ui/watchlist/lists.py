"""The watchlist's named lists as tabs: `+` (Ctrl+T) for a new list, double-click (F2) to rename,
Ctrl+PgDown / Ctrl+PgUp to move between them, a tab menu.

What a list holds (rows, subscriptions) is the panel's business: it creates and deletes lists when
asked through the signals here, so closing a list always releases its lines.
"""

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QInputDialog, QMenu, QTabWidget, QToolButton, QWidget

from ui.watchlist.columns import RowData
from ui.watchlist.table_view import WatchlistView


class WatchlistTab:
    """One named list: its model, its view, the symbols it still has to resolve, and the notice
    shown under it while it is the current list."""

    def __init__(self, name: str, view: WatchlistView) -> None:
        self.name = name
        self.view = view
        self.model = view.watchlist_model()
        self.pending: list[str] = []  # symbols not resolved yet (first run: resolved on connect)
        self.notice = ""  # e.g. why typed symbols were not added
        self.notice_row: RowData | None = None  # the row the notice is about: goes with it
        self.early: dict[str, RowData] = {}  # pending symbol -> its row from the symbol cache


class ListTabs(QTabWidget):
    new_list_requested = Signal()
    remove_requested = Signal(object)  # the WatchlistTab to delete

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tabs: dict[int, WatchlistTab] = {}  # id(view) -> its list
        self.setDocumentMode(True)
        self.setMovable(True)
        self.tabBar().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tabBar().customContextMenuRequested.connect(self._tab_menu)
        self.tabBarDoubleClicked.connect(self.rename)
        new_list = QToolButton(self)
        new_list.setText("+")
        new_list.setToolTip("New watchlist")
        new_list.setAutoRaise(True)
        new_list.clicked.connect(lambda: self.new_list_requested.emit())
        self.setCornerWidget(new_list, Qt.Corner.TopRightCorner)
        # Keyboard equivalents of `+` and double-click, anywhere in the panel (its symbol box
        # too); listed in Help → Keyboard shortcuts through their whatsThis.
        scope = parent or self
        for keys, what, run in (
            ("Ctrl+T", "New watchlist tab", self.new_list_requested.emit),
            ("F2", "Rename the watchlist tab", lambda: self.rename(self.currentIndex())),
            ("Ctrl+PgDown", "Next watchlist tab", lambda: self.step(1)),
            ("Ctrl+PgUp", "Previous watchlist tab", lambda: self.step(-1)),
        ):
            shortcut = QShortcut(QKeySequence(keys), scope)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.setWhatsThis(what)
            shortcut.activated.connect(run)

    def lists(self) -> list[WatchlistTab]:
        return [self.tab_at(i) for i in range(self.count())]

    def tab_at(self, index: int) -> WatchlistTab:
        return self._tabs[id(self.widget(index))]

    def insert(self, tab: WatchlistTab) -> None:
        self._tabs[id(tab.view)] = tab
        self.addTab(tab.view, tab.name)
        self.setCurrentWidget(tab.view)

    def take(self, tab: WatchlistTab) -> None:
        self.removeTab(self.indexOf(tab.view))
        self._tabs.pop(id(tab.view), None)

    def unique_name(self, base: str = "List") -> str:
        names = {t.name for t in self.lists()}
        n = 1
        while f"{base} {n}" in names:
            n += 1
        return f"{base} {n}"

    def step(self, by: int) -> None:
        """Show the tab `by` places on, wrapping around (Ctrl+PgDown / Ctrl+PgUp)."""
        if self.count():
            self.setCurrentIndex((self.currentIndex() + by) % self.count())

    def rename(self, index: int) -> None:
        if index < 0:
            return
        tab = self.tab_at(index)
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Rename watchlist")
        dialog.setLabelText("Name:")
        dialog.setTextValue(tab.name)

        def accept(name: str) -> None:
            name = name.strip()
            if name:
                tab.name = name
                self.setTabText(self.indexOf(tab.view), name)

        dialog.textValueSelected.connect(accept)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # non-blocking: never a nested event loop

    def _tab_menu(self, position: QPoint) -> None:
        index = self.tabBar().tabAt(position)
        menu = QMenu(self)
        menu.addAction("New list", self.new_list_requested.emit)
        if index >= 0:
            menu.addAction("Rename…", lambda: self.rename(index))
            if self.count() > 1:
                tab = self.tab_at(index)
                menu.addAction("Delete list", lambda: self.remove_requested.emit(tab))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.tabBar().mapToGlobal(position))
