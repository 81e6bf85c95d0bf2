"""The dock framework: panel kinds are registered once, then opened as many times as wanted.

Each open panel is a QDockWidget with a unique object name (`kind:N`) so that QMainWindow's
saveState/restoreState can find it again, and a toggle entry in the View menu. Panels that take
part in linking (see `ui.panel`) get a link colour chooser in their title bar and are wired to the
window's `LinkGroups` here, so no panel talks to another directly. What a kind offers other panels
on a contract (`PanelKind.offers`) is registered in the context's `RowActionRegistry` here too.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from ib_async import Contract
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QMenu, QWidget

from terminal_app.workspace.link_groups import NOT_LINKED
from ui.dock_title import DockTitleBar
from ui.link_chooser import LinkColorButton
from ui.panel import (
    LinkTarget,
    PanelContext,
    ReleasablePanel,
    ShowsContract,
    TargetPanel,
    chosen_signal,
    is_linkable,
)
from ui.row_actions import ContractTarget, Offer, OpenOffer, RowAction, RowTargets, TargetOffer

AREAS: dict[str, Qt.DockWidgetArea] = {
    "left": Qt.DockWidgetArea.LeftDockWidgetArea,
    "right": Qt.DockWidgetArea.RightDockWidgetArea,
    "top": Qt.DockWidgetArea.TopDockWidgetArea,
    "bottom": Qt.DockWidgetArea.BottomDockWidgetArea,
}
AREA_NAMES = {v: k for k, v in AREAS.items()}
MIN_SPLIT_PX = 160  # a panel split narrower (or lower) than this floats instead
FLOAT_SIZE = (520, 360)


@dataclass(frozen=True)
class PanelKind:
    kind: str
    title: str
    factory: Callable[[PanelContext], QWidget]
    area: str = "right"
    shortcut: str | None = None
    default_link: str = NOT_LINKED
    # What it offers other panels' row menus: one declaration each ("Open chart", "Trade…").
    offers: tuple[Offer, ...] = ()


class DockManager(QObject):
    """Creates, lists and removes docks; keeps the View menu and link groups in step with them."""

    dock_opened = Signal(QDockWidget)
    dock_closed = Signal(QDockWidget)

    def __init__(self, window: QMainWindow, view_menu: QMenu, context: PanelContext) -> None:
        super().__init__(window)
        self._window = window
        self._context = replace(context, opener=self)
        self._kinds: dict[str, PanelKind] = {}
        self._docks: list[QDockWidget] = []
        self._links: dict[QDockWidget, LinkColorButton] = {}
        self._view_menu = view_menu
        self._new_menu = view_menu.addMenu("&New panel")
        self._panels_separator = view_menu.addSeparator()
        context.links.symbol_changed.connect(self._on_linked_symbol)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

    def register_kind(self, kind: PanelKind) -> None:
        if kind.kind in self._kinds:
            raise ValueError(f"panel kind {kind.kind!r} is already registered")
        if kind.area not in AREAS:
            raise ValueError(f"unknown dock area {kind.area!r}")
        self._kinds[kind.kind] = kind
        action = QAction(kind.title, self._new_menu)
        if kind.shortcut:
            action.setShortcut(kind.shortcut)
        action.triggered.connect(lambda _checked=False, k=kind.kind: self.open(k))
        self._new_menu.addAction(action)
        for offer in kind.offers:
            if isinstance(offer, OpenOffer):
                run = partial(self.open_panel, kind.kind)
                self._context.actions.register(RowAction(_offer_key(kind, offer), offer.label, run))

    def kinds(self) -> list[PanelKind]:
        return list(self._kinds.values())

    def has_kind(self, kind: str) -> bool:
        return kind in self._kinds

    def docks(self, kind: str | None = None) -> list[QDockWidget]:
        return [d for d in self._docks if kind is None or kind_of(d) == kind]

    def open(
        self,
        kind: str,
        object_name: str | None = None,
        area: str | None = None,
        link: str | None = None,
        contract: Contract | None = None,
    ) -> QDockWidget:
        """Open a new panel of `kind`: beside its siblings (see `_place_beside`) unless an
        `area` is given; `object_name` restores a saved one under its old name; `contract` is
        what it shows first (else its link colour's current symbol)."""
        spec = self._kinds[kind]
        name = object_name or self._next_name(kind)
        if any(d.objectName() == name for d in self._docks):
            raise ValueError(f"a panel named {name!r} is already open")
        dock = QDockWidget(self._title_for(spec, name), self._window)
        dock.setObjectName(name)
        widget = spec.factory(self._context)
        dock.setWidget(widget)
        dock.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        button: LinkColorButton | None = None
        if is_linkable(widget):
            button = LinkColorButton(link if link is not None else spec.default_link)
            self._links[dock] = button
            button.color_chosen.connect(lambda color, d=dock: self._on_color_chosen(d, color))
            signal = chosen_signal(widget)
            if signal is not None:
                signal.connect(lambda contract, d=dock: self.publish_from(d, contract))
        dock.setTitleBarWidget(DockTitleBar(dock, button, partial(self.remove, dock)))
        qt_area = AREAS[area or spec.area]
        siblings = [d for d in self.docks(kind) if d.isVisible() and not d.isFloating()]
        if siblings and object_name is None and area is None:
            self._place_beside(siblings, dock)
        else:
            self._window.addDockWidget(qt_area, dock)
        self._docks.append(dock)
        self._view_menu.insertAction(self._panels_separator, dock.toggleViewAction())
        dock.show()
        dock.raise_()
        if contract is not None and isinstance(widget, LinkTarget):
            widget.show_contract(contract)
        elif button is not None:
            self._push_current(dock, button.color)
        for offer in spec.offers:
            if isinstance(offer, TargetOffer):
                targets = partial(self._targets, kind)
                key = _offer_key(spec, offer)
                self._context.actions.register(RowTargets(key, offer.label, targets))
        self.dock_opened.emit(dock)
        return dock

    def _place_beside(self, siblings: list[QDockWidget], dock: QDockWidget) -> None:
        """Split the largest sibling along its longer side, as Mosaic tiles its windows, so a
        new panel is seen at once (tabbed, five watchlists showed one at a time); where no
        sibling has room for two, float it over the window."""
        target = max(siblings, key=lambda d: d.width() * d.height())
        wide = target.width() >= target.height()
        window = self._window
        window.addDockWidget(window.dockWidgetArea(target), dock)
        if (target.width() if wide else target.height()) >= 2 * MIN_SPLIT_PX:
            orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
            window.splitDockWidget(target, dock, orientation)
            return
        dock.setFloating(True)
        dock.resize(*FLOAT_SIZE)
        centre = window.geometry().center()
        dock.move(centre.x() - FLOAT_SIZE[0] // 2, centre.y() - FLOAT_SIZE[1] // 2)

    def open_panel(self, kind: str, contract: Contract) -> QWidget:
        """What "Open chart" on a row does: raise the panel of `kind` already showing `contract`
        (a hidden one comes back), else open a new one on it; returns the panel."""
        for dock in self.docks(kind):
            widget = dock.widget()
            if isinstance(widget, ShowsContract) and _same(widget.shown_contract(), contract):
                dock.show()
                dock.raise_()
                return widget
        return self.open(kind, contract=contract).widget()

    def remove(self, dock: QDockWidget) -> None:
        """Remove a panel for good, releasing what it holds (the title bar's ×; hiding from the
        View menu keeps it instead)."""
        if dock not in self._docks:
            return
        self._docks.remove(dock)
        self._links.pop(dock, None)
        spec = self._kinds[kind_of(dock)]
        if not self.docks(spec.kind):  # the last one: nothing left to take what it offered
            for offer in spec.offers:
                if isinstance(offer, TargetOffer):
                    self._context.actions.unregister(_offer_key(spec, offer))
        widget = dock.widget()
        if isinstance(widget, ReleasablePanel):
            widget.release_panel()
        self._view_menu.removeAction(dock.toggleViewAction())
        self._window.removeDockWidget(dock)
        # restoreState looks docks up by name among the window's children: a dock awaiting
        # deletion must not be found in place of the new one of the same name.
        dock.setObjectName("")
        self.dock_closed.emit(dock)
        dock.deleteLater()

    def remove_all(self) -> None:
        for dock in list(self._docks):
            self.remove(dock)

    # -- link groups --------------------------------------------------------------------------

    def link_of(self, dock: QDockWidget) -> str | None:
        """The dock's link colour, or None when its panel does not take part in linking."""
        button = self._links.get(dock)
        return button.color if button is not None else None

    def set_link(self, dock: QDockWidget, color: str) -> None:
        button = self._links.get(dock)
        if button is None:
            return
        button.set_color(color)
        self._on_color_chosen(dock, button.color)

    def publish_from(self, dock: QDockWidget, contract: Contract) -> None:
        """The user picked `contract` in `dock`: drive the other panels of its colour."""
        color = self.link_of(dock)
        if color is None or color == NOT_LINKED:
            return
        self._context.links.set_active_color(color)
        self._context.links.publish(color, contract, dock.widget())

    def _on_color_chosen(self, dock: QDockWidget, color: str) -> None:
        if color != NOT_LINKED:
            self._context.links.set_active_color(color)
        self._push_current(dock, color)

    def _push_current(self, dock: QDockWidget, color: str) -> None:
        """A panel joining a colour shows that colour's current symbol right away."""
        contract = self._context.links.current(color)
        widget = dock.widget()
        if contract is not None and isinstance(widget, LinkTarget):
            widget.show_contract(contract)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Working in a linked panel makes its colour the active one (where a search goes)."""
        dock = dock_of(new)
        if dock is not None and dock in self._links:
            color = self._links[dock].color
            if color != NOT_LINKED:
                self._context.links.set_active_color(color)

    def _on_linked_symbol(self, color: str, contract: Contract, source: object) -> None:
        for dock, button in self._links.items():
            widget = dock.widget()
            if button.color == color and widget is not source and isinstance(widget, LinkTarget):
                widget.show_contract(contract)

    def _targets(self, kind: str) -> list[ContractTarget]:
        """The targets of every open panel of `kind`, named after their dock when there are
        several ("Watchlist 2: Markets")."""
        panels = [(d, d.widget()) for d in self.docks(kind)]
        offered = [(d, w.contract_targets()) for d, w in panels if isinstance(w, TargetPanel)]
        if len(offered) == 1:
            return offered[0][1]
        return [
            replace(target, label=f"{dock.windowTitle()}: {target.label}")
            for dock, targets in offered
            for target in targets
        ]

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


def dock_of(widget: QWidget | None) -> QDockWidget | None:
    """The dock `widget` is in (itself if it is one), or None."""
    while widget is not None and not isinstance(widget, QDockWidget):
        widget = widget.parentWidget()
    return widget


def kind_of(dock: QDockWidget) -> str:
    return dock.objectName().partition(":")[0]


def _offer_key(kind: PanelKind, offer: Offer) -> str:
    return f"{kind.kind}:{offer.label}"


def _same(shown: Contract | None, contract: Contract) -> bool:
    return shown is not None and bool(contract.conId) and shown.conId == contract.conId
