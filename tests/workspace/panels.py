"""A small linked, stateful panel to exercise the shell (real panels plug in the same way)."""

from typing import Any

from ib_async import Contract
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from ui.docks import PanelKind
from ui.panel import PanelContext
from ui.row_actions import ContractTarget, Offer


class SymbolPanel(QLineEdit):
    contract_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown: list[str] = []
        self.contract: Contract | None = None
        self.timeframe = "1 min"

    def show_contract(self, contract: Contract) -> None:
        self.shown.append(contract.symbol)
        self.contract = contract
        self.setText(contract.symbol)

    def shown_contract(self) -> Contract | None:
        return self.contract

    def contract_targets(self) -> list[ContractTarget]:
        """One place that takes contracts: it shows the first (for a `TargetOffer`)."""
        return [ContractTarget("Compare", lambda contracts: self.show_contract(contracts[0]))]

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


def symbol_kind(
    kind: str = "sym", area: str = "right", offers: tuple[Offer, ...] = ()
) -> PanelKind:
    def make(_ctx: PanelContext) -> SymbolPanel:
        return SymbolPanel()

    return PanelKind(kind, kind.capitalize(), make, area, default_link="red", offers=offers)
