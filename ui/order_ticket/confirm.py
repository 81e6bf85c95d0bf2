"""The confirmation before sending: what will be sent, one line per order, and every limit or
warning the order goes beyond with its numbers. Non-blocking (`open()` and a signal), so the
event loop and the quotes keep running while it is up."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget


class ConfirmDialog(QDialog):
    confirmed = Signal()

    def __init__(
        self,
        lines: list[str],
        reasons: list[str],
        parent: QWidget | None = None,
        live_warning: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Confirm order")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        self.live = QLabel(live_warning)  # a live account: said first, in red
        self.live.setStyleSheet("color: #e04040; font-weight: bold;")
        self.live.setVisible(bool(live_warning))
        layout.addWidget(self.live)
        self.summary = QLabel("\n".join(lines))
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.reasons = QLabel("\n".join(f"⚠ {r}" for r in reasons))
        self.reasons.setWordWrap(True)
        self.reasons.setStyleSheet("color: #e0a040;")
        self.reasons.setVisible(bool(reasons))
        layout.addWidget(self.reasons)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        send = buttons.button(QDialogButtonBox.StandardButton.Ok)
        send.setText("Send" if not reasons else "Send anyway")
        send.setDefault(True)  # Enter sends, Esc cancels
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.accepted.connect(self.confirmed.emit)
        layout.addWidget(buttons)
