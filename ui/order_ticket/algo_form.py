"""The algo section, generated from `terminal_app.orders.algos.ALGOS`: a strategy chooser and one
field per parameter of the chosen algo (choices as combo boxes, flags as check boxes, times and
percentages as text), with each parameter's help as its tooltip."""

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from terminal_app.orders.algos import ALGOS, AlgoParam, ParamKind
from terminal_app.orders.intent import AlgoChoice
from ui.order_ticket.fields import emitter

NONE = "None"

Editor = QComboBox | QCheckBox | QLineEdit


class AlgoForm(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strategy = QComboBox()
        self.strategy.addItem(NONE, "")
        for algo in ALGOS.values():
            self.strategy.addItem(algo.title, algo.strategy)
            self.strategy.setItemData(self.strategy.count() - 1, algo.help, 3)  # ToolTipRole
        self.strategy.currentIndexChanged.connect(self._rebuild)
        self._fields = QFormLayout()
        self._fields.setContentsMargins(0, 0, 0, 0)
        self._editors: dict[str, Editor] = {}
        self.hints: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.strategy)
        layout.addLayout(self._fields)

    def choice(self) -> AlgoChoice | None:
        strategy = self.strategy.currentData()
        if not strategy:
            return None
        return AlgoChoice(strategy, {tag: _read(e) for tag, e in self._editors.items()})

    def set_choice(self, choice: AlgoChoice | None) -> None:
        index = self.strategy.findData(choice.strategy if choice else "")
        self.strategy.setCurrentIndex(max(index, 0))
        for tag, value in (choice.params if choice else {}).items():
            editor = self._editors.get(tag)
            if editor is not None:
                _write(editor, value)

    def _rebuild(self) -> None:
        while self._fields.rowCount():
            self._fields.removeRow(0)
        self._editors.clear()
        self.hints.clear()
        algo = ALGOS.get(self.strategy.currentData() or "")
        for param in algo.params if algo else ():
            editor = _editor(param)
            editor.setToolTip(param.help)
            _on_change(editor, emitter(self.changed))
            hint = QLabel()
            hint.setObjectName("fieldHint")
            hint.setWordWrap(True)
            hint.hide()
            self._fields.addRow(param.label, editor)
            self._fields.addRow("", hint)
            self._editors[param.tag] = editor
            self.hints[param.tag] = hint
        self.changed.emit()


def _editor(param: AlgoParam) -> Editor:
    if param.kind is ParamKind.CHOICE:
        combo = QComboBox()
        combo.addItems(list(param.choices))
        combo.setCurrentText(param.default)
        return combo
    if param.kind is ParamKind.FLAG:
        box = QCheckBox()
        box.setChecked(param.default == "1")
        return box
    edit = QLineEdit(param.default)
    edit.setPlaceholderText("HH:MM" if param.kind is ParamKind.TIME else "0.01-0.5")
    return edit


def _read(editor: Editor) -> str:
    if isinstance(editor, QComboBox):
        return editor.currentText()
    if isinstance(editor, QCheckBox):
        return "1" if editor.isChecked() else "0"
    return editor.text().strip()


def _write(editor: Editor, value: str) -> None:
    if isinstance(editor, QComboBox):
        editor.setCurrentText(value)
    elif isinstance(editor, QCheckBox):
        editor.setChecked(value == "1")
    else:
        editor.setText(value)


def _on_change(editor: Editor, slot: Callable[..., None]) -> None:
    if isinstance(editor, QComboBox):
        editor.currentIndexChanged.connect(slot)
    elif isinstance(editor, QCheckBox):
        editor.toggled.connect(slot)
    else:
        editor.textChanged.connect(slot)
