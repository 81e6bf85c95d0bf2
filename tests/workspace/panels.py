"""A small linked, stateful panel to exercise the shell (real panels plug in the same way)."""

from typing import Any

from ib_async import Contract
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from ui.docks import PanelKind
from ui.panel import PanelContext


class SymbolPanel(QLineEdit):
    contract_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown: list[str] = []
        self.timeframe = "1 min"

    def show_contract(self, contract: Contract) -> None:
        self.shown.append(contract.symbol)
        self.setText(contract.symbol)

    def pick(self, contract: Contract) -> None:
        self.setText(contract.symbol)
        self.contract_chosen.emit(contract)

    def panel_state(self) -> dict[str, Any]:
        return {"symbol": self.text(), "timeframe": self.timeframe}

    def restore_panel_state(self, state: dict[str, Any]) -> None:
        if "explode" in state:
            raise ValueError("cannot use this state")
        self.setText(state["symbol"])
        self.timeframe = state["timeframe"]


def symbol_kind(kind: str = "sym", area: str = "right") -> PanelKind:
    def make(_ctx: PanelContext) -> SymbolPanel:
        return SymbolPanel()

    return PanelKind(kind, kind.capitalize(), make, area, default_link="red")
