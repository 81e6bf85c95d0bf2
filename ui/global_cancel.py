"""The global cancel after a non-blocking confirmation (`open()` and a signal, no nested loop),
shared by the Orders menu and the blotter: it reaches the orders of every client."""

from collections.abc import Callable

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from terminal_app.session.broker import BrokerSession, OrderRefused


def confirm_global_cancel(
    session: BrokerSession, parent: QWidget, report: Callable[[str, bool], None]
) -> QMessageBox:
    """Open the confirmation; on Yes send reqGlobalCancel. `report(text, is_error)` says what
    happened."""
    count = len(session.open_trades())
    profile = session.profile
    live = f" (LIVE: {profile.name})" if profile is not None and profile.is_live else ""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Cancel all open orders?",
        f"Send a global cancel for every open order of the account{live} ({count} known to "
        "this terminal; orders placed from TWS or other API clients are cancelled too).",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.No)

    def clicked(button: QAbstractButton) -> None:
        if box.standardButton(button) != QMessageBox.StandardButton.Yes:
            return
        try:
            session.global_cancel()
        except OrderRefused as exc:
            report(f"Global cancel not sent: {exc}", True)
            return
        report("Global cancel sent.", False)

    box.buttonClicked.connect(clicked)
    box.finished.connect(box.deleteLater)
    box.open()
    return box
