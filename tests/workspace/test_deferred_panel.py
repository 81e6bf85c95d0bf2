"""A heavy panel kind restored during a start: a stand-in first, the panel once the gate opens,
told what the stand-in was told, in order; removed before then, it is never built."""

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ib_async import Contract, Stock
from PySide6.QtWidgets import QDockWidget, QWidget
from pytestqt.qtbot import QtBot

from tests.workspace.app_run import shown_window
from ui.deferred_panel import LinkedStandIn, PanelGate, deferred, holding
from ui.docks import PanelKind
from ui.main_window import MainWindow
from ui.panel import PanelContext

AAPL = Stock("AAPL", "SMART", "USD", conId=265598)


class Heavy(QWidget):
    """Stands for the chart: stateful, follows its link colour."""

    built = 0

    def __init__(self) -> None:
        super().__init__()
        Heavy.built += 1
        self.calls: list[tuple[str, Any]] = []

    def restore_panel_state(self, state: dict[str, Any]) -> None:
        self.calls.append(("state", state))

    def panel_state(self) -> dict[str, Any]:
        return {"from": "panel"}

    def show_contract(self, contract: Contract) -> None:
        self.calls.append(("contract", contract.symbol))

    def shown_contract(self) -> Contract | None:
        return None


Held = tuple[MainWindow, PanelGate, list[QDockWidget]]


@contextlib.contextmanager
def heavy_docks(tmp_path: Path, *links: str) -> Iterator[Held]:
    """A shown window with a "heavy" kind, and one dock of it per link colour opened during a
    start (held by the gate)."""

    def build(_ctx: PanelContext) -> QWidget:
        return Heavy()

    kind = PanelKind("heavy", "Heavy", deferred(build, "heavy", linked=True), default_link="red")
    with shown_window(tmp_path) as window:
        window.docks.register_kind(kind)
        gate = PanelGate(window)
        with holding(gate):
            docks = [window.docks.open("heavy", link=link) for link in links]
        try:
            yield window, gate, docks
        finally:
            window.docks.remove_all()


def test_a_stand_in_keeps_the_place_and_the_calls_until_the_gate_opens(
    qtbot: QtBot, tmp_path: Path
) -> None:
    with heavy_docks(tmp_path, "red") as (window, gate, [dock]):
        stand_in = dock.widget()
        assert isinstance(stand_in, LinkedStandIn) and window.docks.link_of(dock) == "red"
        stand_in.restore_panel_state({"n": 1})
        window.docks.set_link(dock, "red")
        window.links.publish("red", AAPL, None)
        assert stand_in.panel_state() == {"n": 1}  # saving now loses nothing
        assert stand_in.shown_contract() is AAPL and not stand_in.has_live_data()
        gate.release()
        qtbot.waitUntil(lambda: isinstance(dock.widget(), Heavy))
        panel = dock.widget()
        assert isinstance(panel, Heavy)
        assert panel.calls == [("state", {"n": 1}), ("contract", "AAPL")]
        window.docks.open("heavy")  # the start is over: built at once
        assert isinstance(window.docks.docks("heavy")[-1].widget(), Heavy)


def test_a_stand_in_removed_before_the_gate_opens_is_never_built(
    qtbot: QtBot, tmp_path: Path
) -> None:
    with heavy_docks(tmp_path, "red", "none") as (window, gate, [removed, kept]):
        before = Heavy.built
        window.docks.remove(removed)
        gate.release()
        qtbot.waitUntil(lambda: isinstance(kept.widget(), Heavy))
        assert Heavy.built == before + 1


def test_a_stand_in_names_the_contract_of_its_restored_state(qtbot: QtBot, tmp_path: Path) -> None:
    """Link seeding runs while the chart is still a stand-in: without this the default
    workspace's DOM and ticket showed no contract."""
    with heavy_docks(tmp_path, "red") as (_window, _gate, [dock]):
        stand_in = dock.widget()
        assert isinstance(stand_in, LinkedStandIn) and stand_in.shown_contract() is None
        stand_in.restore_panel_state({"contract": {"symbol": "SPY", "secType": "STK"}})
        shown = stand_in.shown_contract()
        assert shown is not None and (shown.symbol, shown.secType) == ("SPY", "STK")
        stand_in.show_contract(AAPL)
        assert stand_in.shown_contract() is AAPL
