"""The ticket's attached-bracket section: take-profit and stop-loss as prices or distances from
the entry, a trailing stop as the stop leg, and an optional second target (scale-out)."""

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from terminal_app.orders.intent import Bracket, Level, OffsetUnit
from ui.order_ticket.fields import LevelEdit, TrailEdit, add_row, emitter
from ui.order_ticket.price_box import DecimalSpinBox


class BracketSection(QGroupBox):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Attach bracket", parent)
        self.setCheckable(True)
        self.setChecked(False)
        self.hints: dict[str, QLabel] = {}
        self.take_profit = LevelEdit(OffsetUnit.TICKS)
        self.stop_loss = LevelEdit(OffsetUnit.TICKS)
        self.trailing = QCheckBox("Trailing stop as the stop leg")
        self.trail = TrailEdit()
        self.trail.show_limit(False)
        self.take_profit_2 = LevelEdit(OffsetUnit.TICKS)
        self.scale_quantity = DecimalSpinBox(Decimal(1))
        self.scale_quantity.setToolTip("How much of the position the second target takes")
        self._body = QWidget()
        form = QFormLayout(self._body)
        form.setContentsMargins(0, 0, 0, 0)
        outer = QVBoxLayout(self)
        outer.addWidget(self._body)
        add_row(form, "Take-profit", self.take_profit, self.hints, "take_profit")
        add_row(form, "Stop-loss", self.stop_loss, self.hints, "stop_loss")
        form.addRow("", self.trailing)
        form.addRow("Trail", self.trail)
        add_row(form, "2nd target", self.take_profit_2, self.hints, "take_profit_2")
        add_row(form, "2nd target qty", self.scale_quantity, self.hints, "scale_quantity")
        self.trailing.toggled.connect(self._show_trail)
        self._show_trail(False)
        self.toggled.connect(self._collapse)
        self._collapse(False)
        for edit in (self.take_profit, self.stop_loss, self.trail, self.take_profit_2):
            edit.changed.connect(emitter(self.changed))
        self.scale_quantity.valueChanged.connect(emitter(self.changed))
        self.toggled.connect(emitter(self.changed))

    def _collapse(self, on: bool) -> None:
        """Unchecked, the section is its title only: the ticket stays short."""
        self._body.setVisible(on)

    def _show_trail(self, shown: bool) -> None:
        self.trail.setEnabled(shown)
        self.changed.emit()

    def bracket(self) -> Bracket | None:
        """None when the section is off; InputError from the trail when it is incomplete."""
        if not self.isChecked():
            return None
        second = self.take_profit_2.level()
        return Bracket(
            take_profit=self.take_profit.level(),
            stop_loss=self.stop_loss.level(),
            trail=self.trail.trail() if self.trailing.isChecked() else None,
            take_profit_2=second,
            scale_quantity=self.scale_quantity.decimal() if second else None,
        )

    def values(self) -> dict[str, Any] | None:
        """For presets: the distances and units (prices belong to the moment, not a preset)."""
        if not self.isChecked():
            return None
        edits = {"take_profit": self.take_profit, "stop_loss": self.stop_loss}
        edits["take_profit_2"] = self.take_profit_2
        saved: dict[str, Any] = {
            key: [str(level.value), level.unit.value]
            for key, edit in edits.items()
            if (level := edit.level()) is not None
        }
        saved["trailing"] = self.trailing.isChecked()
        return saved

    def set_values(self, values: dict[str, Any] | None) -> None:
        self.setChecked(bool(values))
        values = values or {}
        for key, edit in (
            ("take_profit", self.take_profit),
            ("stop_loss", self.stop_loss),
            ("take_profit_2", self.take_profit_2),
        ):
            saved = values.get(key)
            edit.set_level(Level(Decimal(saved[0]), OffsetUnit(saved[1])) if saved else None)
        self.trailing.setChecked(bool(values.get("trailing")))

    def set_rules(self, tick: Decimal, lot: Decimal) -> None:
        for edit in (self.take_profit, self.stop_loss, self.take_profit_2):
            edit.set_tick(tick)
        self.trail.set_tick(tick)
        self.scale_quantity.set_step(lot)
