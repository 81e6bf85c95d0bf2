"""Named order presets ("Scalp 100 + 10/5 tick bracket"), kept in the order settings file."""

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QPushButton, QWidget

from terminal_app.orders.settings import OrderSettings, save_order_settings

CHOOSE = "Presets…"


class PresetBar(QWidget):
    def __init__(
        self,
        settings: OrderSettings,
        current: Callable[[], dict[str, Any]],
        apply: Callable[[dict[str, Any]], None],
        say: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._current = current
        self._apply = apply
        self._say = say
        self.combo = QComboBox()
        self.save = QPushButton("Save…")
        self.delete = QPushButton("Delete")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.save)
        layout.addWidget(self.delete)
        self.combo.activated.connect(self._chosen)
        self.save.clicked.connect(self._ask_name)
        self.delete.clicked.connect(self._delete)
        self._fill()

    def save_as(self, name: str) -> None:
        name = name.strip()
        if not name:
            return
        self._settings.presets[name] = self._current()
        self._save(f"Preset {name}")
        self._fill(name)

    def choose(self, name: str) -> None:
        values = self._settings.presets.get(name)
        if values is not None:
            self._apply(values)

    def _chosen(self, index: int) -> None:
        if index > 0:
            self.choose(self.combo.itemText(index))

    def _ask_name(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Save order preset")
        dialog.setLabelText("Preset name:")
        dialog.setTextValue(self.combo.currentText() if self.combo.currentIndex() > 0 else "")
        dialog.textValueSelected.connect(self.save_as)
        dialog.open()

    def _delete(self) -> None:
        if self.combo.currentIndex() > 0:
            name = self.combo.currentText()
            self._settings.presets.pop(name, None)
            self._save(f"Deleting preset {name}")
            self._fill()

    def _save(self, what: str) -> None:
        """Write the presets; a folder that cannot be written keeps them for this session."""
        try:
            save_order_settings(self._settings)
        except OSError as exc:
            self._say(f"{what} is kept until you quit: the order settings cannot be saved ({exc})")

    def _fill(self, selected: str = "") -> None:
        self.combo.clear()
        self.combo.addItem(CHOOSE)
        self.combo.addItems(sorted(self._settings.presets))
        if selected:
            self.combo.setCurrentText(selected)
        self.delete.setEnabled(bool(self._settings.presets))
