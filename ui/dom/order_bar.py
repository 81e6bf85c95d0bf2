"""The ladder's trading controls: quantity with presets, bracket distances in ticks, the
one-click switch (red and labelled while on), cancel all and flatten; and the confirmation bar
a click waits in while one-click is off (inline, so nothing modal runs on the loop)."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QToolButton, QWidget

from terminal_app.dom.click_orders import BracketTicks
from ui.dom.trading import LadderTrading

PRESETS = (1, 2, 5, 10)
ONE_CLICK_ON = "background: #b3261e; color: white; font-weight: bold;"


class OrderBar(QWidget):
    def __init__(self, trading: LadderTrading, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._trading = trading
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.quantity = QSpinBox(minimum=1, maximum=100000, value=1)
        self.quantity.setToolTip("Quantity of every click order (keys 1–4 pick the presets)")
        self.quantity.valueChanged.connect(self._on_quantity)
        layout.addWidget(QLabel("Qty"))
        layout.addWidget(self.quantity)
        for preset in PRESETS:
            button = QToolButton()
            button.setText(str(preset))
            button.clicked.connect(lambda _=False, n=preset: self.quantity.setValue(n))
            layout.addWidget(button)
        self.take_profit = self._ticks_box("TP", "Take-profit ticks from the entry (0 = none)")
        self.stop_loss = self._ticks_box("SL", "Stop-loss ticks from the entry (0 = none)")
        layout.addWidget(QLabel("TP"))
        layout.addWidget(self.take_profit)
        layout.addWidget(QLabel("SL"))
        layout.addWidget(self.stop_loss)
        self.one_click = QToolButton()
        self.one_click.setText("One-click")
        self.one_click.setCheckable(True)
        self.one_click.setToolTip("Send click orders without asking (precautions still ask)")
        self.one_click.toggled.connect(self._on_one_click)
        layout.addWidget(self.one_click)
        layout.addStretch(1)
        self.cancel_all = QPushButton("Cancel all")
        self.cancel_all.setToolTip("Cancel every working order for this contract")
        self.cancel_all.clicked.connect(trading.cancel_all)
        self.flatten = QPushButton("Flatten")
        self.flatten.setToolTip("Close the position with a market order")
        self.flatten.clicked.connect(trading.flatten)
        layout.addWidget(self.cancel_all)
        layout.addWidget(self.flatten)

    def preset(self, number: int) -> None:
        """Key 1–4: the number-th quantity preset."""
        if 1 <= number <= len(PRESETS):
            self.quantity.setValue(PRESETS[number - 1])

    def _ticks_box(self, name: str, tip: str) -> QSpinBox:
        box = QSpinBox(minimum=0, maximum=1000, value=0)
        box.setToolTip(tip)
        box.setAccessibleName(name)
        box.valueChanged.connect(self._on_bracket)
        return box

    def _on_quantity(self, value: int) -> None:
        self._trading.quantity = Decimal(value)

    def _on_bracket(self, _value: int) -> None:
        self._trading.bracket = BracketTicks(self.take_profit.value(), self.stop_loss.value())

    def _on_one_click(self, on: bool) -> None:
        self._trading.one_click = on
        self.one_click.setText("ONE-CLICK ON" if on else "One-click")
        self.one_click.setStyleSheet(ONE_CLICK_ON if on else "")


class Confirming(Protocol):
    """What waits for the user's yes: the ladder's click orders, a chart's dragged line."""

    @property
    def confirmNeeded(self) -> SignalInstance: ...

    @property
    def confirmCleared(self) -> SignalInstance: ...

    def confirm(self) -> None: ...

    def dismiss(self) -> None: ...


class ConfirmBar(QWidget):
    """Shows what a click would send; Send or Cancel. Hidden while nothing waits."""

    def __init__(self, trading: Confirming, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.send = QPushButton("Send")
        self.send.clicked.connect(trading.confirm)
        self.cancel = QPushButton("Don't send")
        self.cancel.clicked.connect(trading.dismiss)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.send)
        layout.addWidget(self.cancel)
        trading.confirmNeeded.connect(self._ask)
        trading.confirmCleared.connect(self.hide)
        self.hide()

    def _ask(self, text: str) -> None:
        self.text.setText(text)
        self.show()
