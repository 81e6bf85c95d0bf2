"""File → Connect…: pick a profile, adjust host/port/client id/read-only, connect.

Non-blocking throughout (`open()` + signals, never `exec()`). The dialog only edits a profile;
the window asks for the remote-host acknowledgement (`ask_remote_acknowledgement`) for every
connection request alike, from this dialog or the command line.
"""

import ipaddress
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from terminal_app.session.profiles import (
    CLIENT_ID_MAX,
    ConnectionProfile,
    ProfileKind,
    builtin_profiles,
)


def remote_host_warning(parent: QWidget, profile: ConnectionProfile) -> QMessageBox:
    """The warning shown before connecting to another computer (built, not yet opened)."""
    live = "\n\nThis is a LIVE profile: orders use real money." if profile.is_live else ""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Connect to another computer?",
        f"{profile.host}:{profile.port} is not this computer.\n\n"
        "The TWS API connection is not encrypted: account data and orders travel in clear "
        "text, and anyone who can reach that port with an allowed IP can trade the account.\n\n"
        "Connect only over a network you trust (VPN or SSH tunnel)." + live,
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setObjectName("remote-host-warning")
    box.addButton("I understand, connect", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box


def ask_remote_acknowledgement(
    parent: QWidget, profile: ConnectionProfile, on_yes: Callable[[ConnectionProfile], None]
) -> QMessageBox:
    """Open the warning; `on_yes(profile)` runs only if the user accepts it."""
    box = remote_host_warning(parent, profile)

    def clicked(button: QAbstractButton) -> None:
        if box.buttonRole(button) == QMessageBox.ButtonRole.AcceptRole:
            on_yes(profile)

    box.buttonClicked.connect(clicked)
    box.finished.connect(box.deleteLater)
    box.open()
    return box


class ConnectionDialog(QDialog):
    connect_requested = Signal(object)  # ConnectionProfile

    def __init__(self, current: ConnectionProfile | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect")
        self.setObjectName("connection-dialog")
        self._profiles = builtin_profiles()
        self.profile_box = QComboBox(self)
        for p in self._profiles:
            self.profile_box.addItem(p.name + ("   (LIVE)" if p.is_live else ""), p.kind.value)
        self.host = QLineEdit(self)
        self.port = QSpinBox(self)
        self.port.setRange(0, 65535)
        self.port.setSpecialValueText("automatic")  # 0: the embedded simulator picks a free port
        self.client_id = QSpinBox(self)
        self.client_id.setRange(0, CLIENT_ID_MAX)
        self.read_only = QCheckBox("Read-only (no orders can be sent)", self)
        self.live_note = QLabel(self)
        self.live_note.setObjectName("live-badge")
        self.live_note.setText("LIVE ACCOUNT: orders use real money")
        self.live_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.remote_note = QLabel("This host is not this computer: you will be asked to confirm.")
        self.remote_note.setWordWrap(True)
        self.problem = QLabel(self)
        self.problem.setObjectName("fieldHint")
        self.problem.setWordWrap(True)
        self.problem.hide()
        form = QFormLayout()
        form.addRow("Profile", self.profile_box)
        form.addRow("Host", self.host)
        form.addRow("Port", self.port)
        form.addRow("Client id", self.client_id)
        form.addRow("", self.read_only)
        buttons = QDialogButtonBox(self)
        self.connect_button = buttons.addButton("Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.live_note)
        layout.addWidget(self.remote_note)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.profile_box.currentIndexChanged.connect(self._profile_picked)
        self.host.textChanged.connect(self._update_notes)
        self.port.valueChanged.connect(self._update_notes)
        self.setMinimumWidth(420)
        self._show(current or self._profiles[0])

    def _show(self, profile: ConnectionProfile) -> None:
        index = self.profile_box.findData(profile.kind.value)
        self.profile_box.blockSignals(True)
        self.profile_box.setCurrentIndex(max(0, index))
        self.profile_box.blockSignals(False)
        self.host.setText(profile.host)
        self.port.setValue(profile.port)
        self.client_id.setValue(profile.client_id)
        self.read_only.setChecked(profile.read_only)
        self._update_notes()

    def _profile_picked(self, index: int) -> None:
        base = self._profiles[index]
        self._show(
            base.with_(client_id=self.client_id.value(), read_only=self.read_only.isChecked())
        )

    def _kind(self) -> ProfileKind:
        return ProfileKind(self.profile_box.currentData())

    def profile(self) -> ConnectionProfile:
        """The profile as edited; a changed host/port of a built-in profile makes it custom."""
        base = self._profiles[self.profile_box.currentIndex()]
        host = self.host.text().strip() or "127.0.0.1"
        port = self.port.value()
        if base.is_simulated:
            return base.with_(
                client_id=self.client_id.value(), read_only=self.read_only.isChecked()
            )
        kind, name = base.kind, base.name
        if (host, port) != (base.host, base.port) and kind is not ProfileKind.CUSTOM:
            kind, name = ProfileKind.CUSTOM, f"{base.name} (custom)"
        return base.with_(
            kind=kind,
            name=name,
            host=host,
            port=port,
            live=base.is_live,
            **self._identity(),
        )

    def _identity(self) -> dict[str, Any]:
        """What the user set that carries over when switching profiles."""
        return {"client_id": self.client_id.value(), "read_only": self.read_only.isChecked()}

    def _update_notes(self) -> None:
        simulated = self._kind() is ProfileKind.SIMULATED
        self.host.setEnabled(not simulated)
        self.port.setEnabled(not simulated)
        profile = self.profile()
        self.live_note.setVisible(profile.is_live)
        self.remote_note.setVisible(profile.needs_host_warning)

    def why_not(self) -> str:
        """Why the fields cannot be connected with, as a sentence; "" when they can. A spin box
        left empty or half-typed still holds its previous value(): refuse, do not use that."""
        if not self.client_id.hasAcceptableInput():
            return f"Client id must be a whole number from 0 to {CLIENT_ID_MAX}"
        if self._kind() is ProfileKind.SIMULATED:
            return ""
        host = self.host.text().strip()
        if host and not is_host(host):
            return f"{host[:60]!r} is not a host name or IP address"
        if not self.port.hasAcceptableInput() or self.port.value() == 0:
            return "Port must be a number from 1 to 65535 (TWS: 7497 paper, 7496 live)"
        return ""

    def _submit(self) -> None:
        problem = self.why_not()
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        if problem:
            return
        profile = self.profile()
        self.accept()
        self.connect_requested.emit(profile)


_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def is_host(text: str) -> bool:
    """An IP address or a DNS name (RFC 1123 labels): anything else cannot be connected to,
    and would only fail later, after the remote-host warning, as a resolver error."""
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        pass
    labels = text.rstrip(".").split(".")
    if labels[-1].isdigit():  # "256.1.1.1", "1234": no name, and no address either
        return False
    return len(text) <= 253 and all(_LABEL.fullmatch(label) for label in labels)
