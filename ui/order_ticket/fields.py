"""Small shared pieces of the ticket's form: a field's hint line (the sentence validation gives
for it), a distance/price with its unit, and the trail fields."""

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QWidget

from terminal_app.orders.intent import Level, OffsetUnit, Trail
from terminal_app.orders.prices import InputError
from ui.order_ticket.price_box import DecimalSpinBox

UNITS = [(OffsetUnit.PRICE, "price"), (OffsetUnit.TICKS, "ticks"), (OffsetUnit.POINTS, "points")]
UNITS.append((OffsetUnit.PERCENT, "%"))


def emitter(signal: SignalInstance) -> Callable[..., None]:
    """A slot that emits `signal` without arguments, whatever the source signal carries."""
    return lambda *_args: signal.emit()


def hint_label() -> QLabel:
    """The line under a field where its problem is said (hidden while there is none)."""
    hint = QLabel()
    hint.setObjectName("fieldHint")
    hint.setWordWrap(True)
    hint.setStyleSheet("color: #e0605a;")
    hint.hide()
    return hint


def add_row(
    form: QFormLayout, label: str | QLabel, widget: QWidget, hints: dict[str, QLabel], key: str
) -> None:
    """`widget` under `label`, and its hint line under it, filed in `hints` as `key`."""
    form.addRow(label, widget)
    hints[key] = hint = hint_label()
    form.addRow("", hint)


class LevelEdit(QWidget):
    """A bracket exit: a number and whether it is a price or a distance (ticks, points, %)."""

    changed = Signal()

    def __init__(self, unit: OffsetUnit = OffsetUnit.TICKS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = DecimalSpinBox(Decimal("0.01"))
        self.unit = QComboBox()
        for u, label in UNITS:
            self.unit.addItem(label, u)
        self.unit.setCurrentIndex(self.unit.findData(unit))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.value, 1)
        layout.addWidget(self.unit)
        self._tick = Decimal("0.01")
        self.value.valueChanged.connect(emitter(self.changed))
        self.unit.currentIndexChanged.connect(self._unit_changed)

    def level(self) -> Level | None:
        value = self.value.decimal()
        return Level(value, self.unit.currentData()) if value is not None else None

    def set_level(self, level: Level | None) -> None:
        self.value.set_decimal(level.value if level else None)
        if level is not None:
            self.unit.setCurrentIndex(self.unit.findData(level.unit))

    def set_level_text(self, text: str, unit: OffsetUnit) -> None:
        """As a user types it: the unit first, then the number (which the unit's step rounds)."""
        self.unit.setCurrentIndex(self.unit.findData(unit))
        self.value.lineEdit().setText(text)
        self.value.interpretText()

    def set_tick(self, tick: Decimal) -> None:
        self._tick = tick
        self._unit_changed()

    def _unit_changed(self) -> None:
        """Prices and points step by the tick, ticks by one, percentages by a tenth."""
        unit = self.unit.currentData()
        steps = {OffsetUnit.TICKS: Decimal(1), OffsetUnit.PERCENT: Decimal("0.1")}
        self.value.set_step(steps.get(unit, self._tick))
        self.changed.emit()


class TrailEdit(QWidget):
    """A trail by amount or percent, an optional initial stop, and (TRAIL LIMIT) a limit offset."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.amount = DecimalSpinBox()
        self.by = QComboBox()
        self.by.addItems(["amount", "%"])
        self.limit_offset = DecimalSpinBox()
        self.limit_offset.setToolTip("TRAIL LIMIT: the limit is this far beyond the stop")
        self.limit_label = QLabel("limit ±")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.amount, 1)
        layout.addWidget(self.by)
        layout.addWidget(self.limit_label)
        layout.addWidget(self.limit_offset, 1)
        for box in (self.amount, self.limit_offset):
            box.valueChanged.connect(emitter(self.changed))
        self.by.currentIndexChanged.connect(emitter(self.changed))

    def show_limit(self, shown: bool) -> None:
        self.limit_label.setVisible(shown)
        self.limit_offset.setVisible(shown)

    def trail(self, stop_price: Decimal | None = None) -> Trail:
        value = self.amount.decimal()
        if value is None:
            raise InputError("A trailing stop needs a trail amount or a trail percent", "trail")
        offset = self.limit_offset.decimal() if self.limit_offset.isVisible() else None
        if self.by.currentText() == "%":
            return Trail(percent=value, stop_price=stop_price, limit_offset=offset)
        return Trail(amount=value, stop_price=stop_price, limit_offset=offset)

    def set_tick(self, tick: Decimal) -> None:
        self.amount.set_step(tick)
        self.limit_offset.set_step(tick)
