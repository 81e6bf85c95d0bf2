"""Spin boxes that step prices by the contract's minimum tick, and quantities by its lot size.

Values read back as `Decimal` on the tick grid (Qt's doubles stay inside the widget). Zero is
shown as "—" and means "not set"."""

from decimal import Decimal

from PySide6.QtWidgets import QDoubleSpinBox, QWidget

from terminal_app.orders.prices import ABSURD
from terminal_app.price_format import decimals_for_tick

NOT_SET = "—"


class DecimalSpinBox(QDoubleSpinBox):
    def __init__(self, step: Decimal = Decimal("0.01"), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, float(ABSURD) - 1)
        self.setSpecialValueText(NOT_SET)
        self.setAccelerated(True)
        self.setKeyboardTracking(True)
        # The size hint fits the largest value (1e11): far too wide for a dock.
        self.setMinimumWidth(80)
        self.set_step(step)

    def set_step(self, step: Decimal) -> None:
        """Step (and show decimals) by `step`: the min tick for prices, the lot for sizes."""
        self._step = step
        self.setDecimals(decimals_for_tick(float(step)))
        self.setSingleStep(float(step))

    def decimal(self) -> Decimal | None:
        """The value as shown, or None while it shows "not set" or a half-typed text (Qt's
        value() then still holds the previous number: the field would read empty and send
        that)."""
        if self.is_unset() or not self.hasAcceptableInput():
            return None
        return Decimal(self.textFromValue(self.value()).replace(",", ""))

    def is_unset(self) -> bool:
        """Showing "not set" (not merely being edited): what a pre-fill may fill in."""
        return self.value() == self.minimum()

    def set_decimal(self, value: Decimal | None) -> None:
        self.setValue(float(value) if value is not None else self.minimum())
