"""OCA staging: orders collected one by one from the ticket, then sent together as one new OCA
group (type 1 cancel the rest, 2 reduce with block, 3 reduce). Each staged contract keeps its
live quote line until it is sent or removed, so the precautions see a fresh price."""

from dataclasses import dataclass

from ib_async import Contract
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from terminal_app.orders.intent import OrderIntent
from terminal_app.orders.prices import Quote
from terminal_app.session import TickerHandle

OCA_TYPES = [
    (1, "1: cancel the others"),
    (2, "2: reduce the others (with block)"),
    (3, "3: reduce the others"),
]


@dataclass
class Staged:
    contract: Contract
    intent: OrderIntent
    line: str
    handle: TickerHandle

    def quote(self) -> Quote:
        return Quote.of(self.handle)


class StagingList(QGroupBox):
    send_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("OCA group", parent)
        self.staged: list[Staged] = []
        self.list = QListWidget()
        self.list.setMaximumHeight(90)
        self.oca_type = QComboBox()
        for value, label in OCA_TYPES:
            self.oca_type.addItem(label, value)
        self.send = QPushButton("Send group")
        self.remove = QPushButton("Remove")
        self.send.clicked.connect(self.send_requested.emit)
        self.remove.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.oca_type, 1)
        buttons.addWidget(self.remove)
        buttons.addWidget(self.send)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self._update()

    def add(self, staged: Staged) -> None:
        self.staged.append(staged)
        self.list.addItem(staged.line)
        self._update()

    def entries(self) -> list[tuple[Contract, OrderIntent, Quote]]:
        return [(s.contract, s.intent, s.quote()) for s in self.staged]

    def clear(self) -> None:
        for staged in self.staged:
            staged.handle.release()
        self.staged.clear()
        self.list.clear()
        self._update()

    def _remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.staged):
            self.staged.pop(row).handle.release()
            self.list.takeItem(row)
        self._update()

    def _update(self) -> None:
        self.send.setEnabled(len(self.staged) >= 2)
        self.remove.setEnabled(bool(self.staged))
        self.setVisible(bool(self.staged))
