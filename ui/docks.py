"""The dock framework: panel kinds are registered once, then opened as many times as wanted.

Each open panel is a QDockWidget with a unique object name (`kind:N`) so that QMainWindow's
saveState/restoreState can find it again, and a toggle entry in the View menu.
"""

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget


@dataclass(frozen=True)
class PanelKind:
    kind: str
    title: str
    factory: Callable[[], QWidget]
    area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea
    shortcut: str | None = None


class DockManager(QObject):
    """Creates, lists and removes docks; keeps the View menu in step with them."""

    dock_opened = Signal(QDockWidget)
    dock_closed = Signal(QDockWidget)

    def __init__(self, window: QMainWindow, view_menu: QMenu) -> None:
        super().__init__(window)
        self._window = window
        self._kinds: dict[str, PanelKind] = {}
        self._docks: list[QDockWidget] = []
        self._view_menu = view_menu
        self._new_menu = view_menu.addMenu("&New panel")
        self._panels_separator = view_menu.addSeparator()

    def register_kind(self, kind: PanelKind) -> None:
        if kind.kind in self._kinds:
            raise ValueError(f"panel kind {kind.kind!r} is already registered")
        self._kinds[kind.kind] = kind
        action = QAction(kind.title, self._new_menu)
        if kind.shortcut:
            action.setShortcut(kind.shortcut)
        action.triggered.connect(lambda _checked=False, k=kind.kind: self.open(k))
        self._new_menu.addAction(action)

    def kinds(self) -> list[PanelKind]:
        return list(self._kinds.values())

    def docks(self, kind: str | None = None) -> list[QDockWidget]:
        return [d for d in self._docks if kind is None or kind_of(d) == kind]

    def open(
        self, kind: str, object_name: str | None = None, widget: QWidget | None = None
    ) -> QDockWidget:
        """Open a new panel of `kind` (object_name restores a saved one under its old name)."""
        spec = self._kinds[kind]
        name = object_name or self._next_name(kind)
        dock = QDockWidget(self._title_for(spec, name), self._window)
        dock.setObjectName(name)
        dock.setWidget(widget if widget is not None else spec.factory())
        dock.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self._window.addDockWidget(spec.area, dock)
        siblings = [d for d in self.docks(kind) if d.isVisible()]
        if siblings:
            self._window.tabifyDockWidget(siblings[-1], dock)
        self._docks.append(dock)
        self._view_menu.insertAction(self._panels_separator, dock.toggleViewAction())
        dock.show()
        dock.raise_()
        self.dock_opened.emit(dock)
        return dock

    def remove(self, dock: QDockWidget) -> None:
        """Remove a panel for good (a closed dock is only hidden and stays in the View menu)."""
        if dock not in self._docks:
            return
        self._docks.remove(dock)
        self._view_menu.removeAction(dock.toggleViewAction())
        self._window.removeDockWidget(dock)
        self.dock_closed.emit(dock)
        dock.deleteLater()

    def remove_all(self) -> None:
        for dock in list(self._docks):
            self.remove(dock)

    def tabify(self, first: QDockWidget, second: QDockWidget) -> None:
        self._window.tabifyDockWidget(first, second)

    def _next_name(self, kind: str) -> str:
        used = {d.objectName() for d in self._docks}
        n = 1
        while f"{kind}:{n}" in used:
            n += 1
        return f"{kind}:{n}"

    @staticmethod
    def _title_for(spec: PanelKind, name: str) -> str:
        number = name.partition(":")[2]
        return spec.title if number in ("", "1") else f"{spec.title} {number}"


def kind_of(dock: QDockWidget) -> str:
    return dock.objectName().partition(":")[0]
