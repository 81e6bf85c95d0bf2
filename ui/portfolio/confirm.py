"""The non-blocking confirmation of a close/flatten: it lists exactly the plan's lines, and only
its OK sends them (no nested event loop: `open()` and the `finished` signal)."""

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from terminal_app.portfolio.flatten import ClosePlan


def confirm_plan(
    parent: QWidget,
    title: str,
    plan: ClosePlan,
    accepted: Callable[[], None],
    live_warning: str = "",
) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    if plan.problems:
        box.setText("Nothing was sent: " + "; ".join(plan.problems))
        box.setStandardButtons(QMessageBox.StandardButton.Close)
    elif plan.empty:
        box.setText("There is nothing to close: no open positions.")
        box.setStandardButtons(QMessageBox.StandardButton.Close)
    else:
        live = f"{live_warning}.\n\n" if live_warning else ""
        box.setText(
            f"{live}This sends exactly:\n\n" + "\n".join(f"• {line}" for line in plan.lines)
        )
        box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.accepted.connect(accepted)
    box.finished.connect(box.deleteLater)
    box.open()
    return box
