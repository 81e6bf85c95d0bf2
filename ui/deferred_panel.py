"""Panels whose modules are heavy to import (pyqtgraph, pandas: the chart, the PnL graph) are
built once the start-up is over, not during it.

Importing them takes longer than the whole start-up budget, and an import blocks the loop. So
while the first workspace is restored (`holding(gate)`), such a kind's factory (`deferred`) gives
a light stand-in: the dock, its title and link colour are there at once, and what the workspace
and the link groups tell the panel (its saved state, a contract) is kept in order. When the gate
opens (`PanelGate.release`: every watchlist row streams, or the start could not connect, or
`HOLD_MAX_S` passed) each stand-in in turn builds its panel, replays what it was told, and puts
the panel into its dock in its place. Outside a start the factory builds the panel at once.

A stand-in offers what the shell asks of these kinds: state, health, clean-up, and (`linked`)
`show_contract` / `shown_contract`; not `contract_chosen` or `contract_targets`, which neither
heavy kind has.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

from ib_async import Contract
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel, QVBoxLayout, QWidget

from ui.panel import PanelContext
from ui.watchlist.model import contract_from_dict

log = logging.getLogger(__name__)

HOLD_MAX_S = 10.0  # the heavy panels are built by then whatever the start-up's state
Build = Callable[[PanelContext], QWidget]


class PanelGate(QObject):
    """Holds the stand-ins made during one start; `release()` builds them, one per loop turn so
    the window repaints between two builds."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._waiting: list[StandIn] = []
        self._released = False

    @property
    def released(self) -> bool:
        return self._released

    def hold(self, stand_in: StandIn) -> None:
        self._waiting.append(stand_in)

    def forget(self, stand_in: StandIn) -> None:
        if stand_in in self._waiting:
            self._waiting.remove(stand_in)

    def release(self) -> None:
        """Build the stand-ins from the next loop turn on (never inside the caller: it may be
        a paint event)."""
        if not self._released:
            self._released = True
            QTimer.singleShot(0, self, self._build_next)

    def _build_next(self) -> None:
        if self._waiting:
            self._waiting.pop(0).build()
        if self._waiting:
            QTimer.singleShot(0, self, self._build_next)


_holding: PanelGate | None = None


@contextlib.contextmanager
def holding(gate: PanelGate) -> Iterator[PanelGate]:
    """Heavy panels created inside the block are stand-ins until `gate` is released."""
    global _holding
    previous, _holding = _holding, gate
    try:
        yield gate
    finally:
        _holding = previous


def deferred(build: Build, title: str, linked: bool = False) -> Build:
    """The factory of a heavy kind: `build` at once, or a stand-in during a start."""

    def factory(ctx: PanelContext) -> QWidget:
        gate = _holding
        if gate is None or gate.released:
            return build(ctx)
        kind = LinkedStandIn if linked else StandIn
        stand_in = kind(ctx, build, title, gate)
        gate.hold(stand_in)
        return stand_in

    return factory


class StandIn(QWidget):
    """Holds a heavy panel's place in its dock until the gate builds it."""

    def __init__(self, ctx: PanelContext, build: Build, title: str, gate: PanelGate) -> None:
        super().__init__()
        self._ctx = ctx
        self._build = build
        self._gate = gate
        self._calls: list[tuple[str, tuple[Any, ...]]] = []  # what the panel is to be told
        self._state: dict[str, Any] = {}
        label = QLabel(f"Loading {title}…", self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setEnabled(False)  # muted, like the window's empty-area hint
        layout = QVBoxLayout(self)
        layout.addWidget(label)

    def build(self) -> None:
        """Build the panel, tell it what this stand-in was told, and put it in the dock."""
        panel = self._build(self._ctx)
        for name, args in self._calls:
            method = getattr(panel, name, None)
            if method is None:
                continue
            try:
                method(*args)
            except Exception as exc:  # as the workspace reports a state a panel refuses
                log.exception("%s.%s failed after a deferred build", type(panel).__name__, name)
                self._ctx.session.report_error(f"{type(panel).__name__}: {name} failed ({exc})")
        dock = self.parentWidget()
        if isinstance(dock, QDockWidget):
            dock.setWidget(panel)
        self.deleteLater()

    # -- what the shell asks of a panel (ui/panel.py) ----------------------------------------

    def panel_state(self) -> dict[str, Any]:
        """The state it was restored with: saving during the start-up loses nothing."""
        return dict(self._state)

    def restore_panel_state(self, state: dict[str, Any]) -> None:
        self._state = dict(state)
        self._calls.append(("restore_panel_state", (state,)))

    def has_live_data(self) -> bool:
        return False

    def release_panel(self) -> None:
        """Removed before it was built: it never will be."""
        self._gate.forget(self)


class LinkedStandIn(StandIn):
    """For a kind that follows its link colour."""

    _contract: Contract | None = None

    def show_contract(self, contract: Contract) -> None:
        self._contract = contract
        self._calls.append(("show_contract", (contract,)))

    def shown_contract(self) -> Contract | None:
        """The contract it was shown, else the one its restored state names (a workspace's
        chart): link seeding reads it before the panel is built."""
        if self._contract is None and isinstance(self._state.get("contract"), dict):
            return contract_from_dict(self._state["contract"])
        return self._contract
