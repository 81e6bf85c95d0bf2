"""The order fields of the ticket (no symbol, quote or buttons): side, quantity with presets,
type, prices stepping by the contract's tick, trail, TIF and GTD, RTH, account and reference,
with the bracket and algo sections. It reads as an `OrderIntent` and shows validation's
sentences under the fields they are about."""

from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ib_async import Order
from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from terminal_app.orders.intent import CAPPED, AlgoChoice, OrderIntent, OrderType, Side, Tif
from terminal_app.orders.prices import ContractRules, InputError, Quote, from_ib
from terminal_app.orders.states import size as decimal_size
from terminal_app.orders.validation import Problem
from ui.order_ticket.algo_form import AlgoForm
from ui.order_ticket.bracket_section import BracketSection
from ui.order_ticket.fields import TrailEdit, add_row, emitter, hint_label
from ui.order_ticket.price_box import DecimalSpinBox

QUANTITY_PRESETS = (1, 10, 100, 500, 1000)
BUY_COLOR, SELL_COLOR = "#1f6fd1", "#c8372d"
SIDE_STYLE = "QPushButton:checked {{ background: {color}; color: white; font-weight: bold; }}"
# What the second price field means for each type (None: not used).
AUX_LABEL = {
    OrderType.STP: "Stop",
    OrderType.STP_LMT: "Stop",
    OrderType.MIT: "Trigger",
    OrderType.LIT: "Trigger",
    OrderType.REL: "Offset",
    OrderType.PEG_MID: "Offset",
}


class OrderForm(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hints: dict[str, QLabel] = {}
        self._rules = ContractRules()
        self.buy = QPushButton("Buy")
        self.sell = QPushButton("Sell")
        sides = QButtonGroup(self)
        for button in (self.buy, self.sell):
            button.setCheckable(True)
            sides.addButton(button)
        self.buy.setChecked(True)
        self.buy.setStyleSheet(SIDE_STYLE.format(color=BUY_COLOR))
        self.sell.setStyleSheet(SIDE_STYLE.format(color=SELL_COLOR))
        self.quantity = DecimalSpinBox(Decimal(1))
        self.quantity.set_decimal(Decimal(100))
        self.type = QComboBox()
        for kind in OrderType:
            self.type.addItem(kind.value, kind)
        self.type.setCurrentIndex(self.type.findData(OrderType.LMT))
        self.limit = DecimalSpinBox()
        self.aux = DecimalSpinBox()
        self.aux_label = QLabel("Stop")
        self.trail = TrailEdit()
        self.tif = QComboBox()
        for tif in Tif:
            self.tif.addItem(tif.value, tif)
        self.good_till = QDateTimeEdit(QDateTime.currentDateTime().addDays(1))
        self.good_till.setCalendarPopup(True)
        self.good_till.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.outside_rth = QCheckBox("Outside regular trading hours")
        self.account = QComboBox()
        self.account.setEditable(True)
        self.order_ref = QLineEdit()
        self.order_ref.setPlaceholderText("order reference (optional)")
        self.bracket = BracketSection()
        self.algo = AlgoForm()
        self._lay_out()
        self._wire()
        self._type_changed()

    def _lay_out(self) -> None:
        sides = QHBoxLayout()
        sides.addWidget(self.buy)
        sides.addWidget(self.sell)
        presets = QHBoxLayout()
        for size in QUANTITY_PRESETS:
            button = QPushButton(f"{size:,}")
            button.setFocusPolicy(button.focusPolicy().NoFocus)  # Tab goes field to field
            button.setMinimumWidth(40)  # five fit a narrow dock
            button.clicked.connect(lambda _c=False, n=size: self.quantity.set_decimal(Decimal(n)))
            presets.addWidget(button)
        form = QFormLayout()
        form.addRow(sides)
        add_row(form, "Quantity", self.quantity, self.hints, "quantity")
        form.addRow("", _row(presets))
        add_row(form, "Type", self.type, self.hints, "order_type")
        self._limit_label = QLabel("Limit")
        add_row(form, self._limit_label, self.limit, self.hints, "limit")
        add_row(form, self.aux_label, self.aux, self.hints, "stop")
        add_row(form, "Trail", self.trail, self.hints, "trail")
        self._trail_label = form.labelForField(self.trail)
        add_row(form, "Time in force", self.tif, self.hints, "tif")
        add_row(form, "Good till", self.good_till, self.hints, "good_till")
        self._good_till_label = form.labelForField(self.good_till)
        form.addRow("", self.outside_rth)
        form.addRow("Account", self.account)
        form.addRow("Reference", self.order_ref)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.bracket)
        layout.addWidget(QLabel("Algo"))
        layout.addWidget(self.algo)
        self.hints["algo"] = hint = hint_label()
        layout.addWidget(hint)
        layout.addStretch(1)

    def _wire(self) -> None:
        self.type.currentIndexChanged.connect(self._type_changed)
        self.tif.currentIndexChanged.connect(self._type_changed)
        for box in (self.quantity, self.limit, self.aux):
            box.valueChanged.connect(emitter(self.changed))
        for signal in (
            self.buy.toggled,
            self.tif.currentIndexChanged,
            self.trail.changed,
            self.bracket.changed,
            self.algo.changed,
            self.good_till.dateTimeChanged,
        ):
            signal.connect(emitter(self.changed))

    def _type_changed(self) -> None:
        kind: OrderType = self.type.currentData()
        uses_limit = kind.needs_limit or kind in CAPPED
        self.limit.setVisible(uses_limit)
        self._limit_label.setVisible(uses_limit)
        self._limit_label.setText("Cap" if kind in CAPPED else "Limit")
        aux = AUX_LABEL.get(kind)
        self.aux.setVisible(aux is not None)
        self.aux_label.setVisible(aux is not None)
        self.aux_label.setText(aux or "")
        self.trail.setVisible(kind.trails)
        self._trail_label.setVisible(kind.trails)
        self.trail.show_limit(kind is OrderType.TRAIL_LIMIT)
        gtd = self.tif.currentData() is Tif.GTD
        self.good_till.setVisible(gtd)
        self._good_till_label.setVisible(gtd)
        self.changed.emit()

    # ------------------------------------------------------------------ reading and writing
    @property
    def side(self) -> Side:
        return Side.BUY if self.buy.isChecked() else Side.SELL

    def intent(self) -> OrderIntent:
        """The form as an intent; InputError for a value that cannot even be read."""
        kind: OrderType = self.type.currentData()
        quantity = self.quantity.decimal()
        if quantity is None:
            raise InputError("Quantity must be more than 0", "quantity")
        tif: Tif = self.tif.currentData()
        good_till = self.good_till.dateTime().toPython()
        assert isinstance(good_till, datetime)
        return OrderIntent(
            side=self.side,
            quantity=quantity,
            order_type=kind,
            limit_price=self.limit.decimal() if self.limit.isVisible() else None,
            stop_price=self.aux.decimal() if self.aux.isVisible() else None,
            trail=self.trail.trail() if kind.trails else None,
            tif=tif,
            good_till=good_till.astimezone(UTC) if tif is Tif.GTD else None,
            outside_rth=self.outside_rth.isChecked(),
            account=self.account.currentText().strip(),
            order_ref=self.order_ref.text().strip(),
            bracket=self.bracket.bracket(),
            algo=self.algo.choice(),
        )

    def show_problems(self, problems: list[Problem]) -> None:
        """Each problem's sentence under its field; fields without one show nothing."""
        algo_hints = {f"algo.{tag}": hint for tag, hint in self.algo.hints.items()}
        hints = {**self.hints, **self.bracket.hints, **algo_hints}
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            key = problem.field if problem.field in hints else "order_type"
            by_field.setdefault(key, []).append(problem.message)
        for key, hint in hints.items():
            text = "\n".join(by_field.get(key, []))
            hint.setText(text)
            hint.setVisible(bool(text))

    def set_rules(self, rules: ContractRules) -> None:
        self._rules = rules
        for box in (self.limit, self.aux):
            box.set_step(rules.min_tick)
        self.quantity.set_step(rules.size_increment)
        self.trail.set_tick(rules.min_tick)
        self.bracket.set_rules(rules.min_tick, rules.size_increment)

    def prefill(self, quote: Quote) -> None:
        """Prices from the live quote where none is entered: a buy rests on the bid, a sell on
        the ask, stops and triggers start at the last price."""
        passive = quote.bid if self.side is Side.BUY else quote.ask
        if self.limit.is_unset() and passive is not None:
            self.limit.set_decimal(self._rules.nearest(passive))
        kind: OrderType = self.type.currentData()
        if self.aux.is_unset() and kind.needs_stop and quote.reference is not None:
            self.aux.set_decimal(self._rules.nearest(quote.reference))

    def clear_prices(self) -> None:
        for box in (self.limit, self.aux):
            box.set_decimal(None)

    def set_accounts(self, accounts: list[str]) -> None:
        current = self.account.currentText()
        self.account.clear()
        self.account.addItems(accounts)
        if current:
            self.account.setCurrentText(current)

    def values(self) -> dict[str, Any]:
        """What a preset keeps: everything but the prices, which belong to the moment."""
        algo = self.algo.choice()
        return {
            "side": self.side.value,
            "quantity": str(self.quantity.decimal() or ""),
            "type": self.type.currentData().value,
            "tif": self.tif.currentData().value,
            "outside_rth": self.outside_rth.isChecked(),
            "order_ref": self.order_ref.text(),
            "algo": asdict(algo) if algo is not None else None,
            "bracket": self.bracket.values(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        (self.buy if values.get("side", "BUY") == "BUY" else self.sell).setChecked(True)
        if values.get("quantity"):
            self.quantity.set_decimal(Decimal(str(values["quantity"])))
        self.type.setCurrentIndex(max(self.type.findText(str(values.get("type", "LMT"))), 0))
        self.tif.setCurrentIndex(max(self.tif.findText(str(values.get("tif", "DAY"))), 0))
        self.outside_rth.setChecked(bool(values.get("outside_rth", False)))
        self.order_ref.setText(str(values.get("order_ref", "")))
        algo = values.get("algo")
        self.algo.set_choice(AlgoChoice(algo["strategy"], dict(algo["params"])) if algo else None)
        self.bracket.set_values(values.get("bracket"))

    def set_order(self, order: Order) -> None:
        """The fields of a working order, for a modify (its prices, not the quote's)."""
        self.set_values(
            {
                "side": order.action,
                "quantity": str(decimal_size(order.totalQuantity)),
                "type": order.orderType,
                "tif": order.tif,
                "outside_rth": order.outsideRth,
                "order_ref": order.orderRef,
            }
        )
        self.account.setCurrentText(order.account)
        self.limit.set_decimal(from_ib(order.lmtPrice))
        self.aux.set_decimal(from_ib(order.auxPrice))


def _row(layout: QHBoxLayout) -> QWidget:
    row = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    row.setLayout(layout)
    return row
