"""The dock manager's `open_panel` for the order ticket alone, for panels that open the ticket
(the blotter's Modify, the chart's right-click menu) hosted outside a main window."""

from ib_async import Contract
from PySide6.QtWidgets import QWidget

from ui.order_ticket.panel import OrderTicketPanel
from ui.panel import PanelContext


class TicketOpener:
    """What the dock manager does for `open_panel("order_ticket", contract)`: one ticket."""

    def __init__(self) -> None:
        self.ticket: OrderTicketPanel | None = None
        self.context: PanelContext | None = None

    def open_panel(self, kind: str, contract: Contract) -> QWidget:
        assert kind == "order_ticket" and self.context is not None
        if self.ticket is None:
            self.ticket = OrderTicketPanel(self.context)
            self.ticket.show()
        self.ticket.show_contract(contract)
        return self.ticket
