"""The connection dialog under each theme: spin boxes keep their arrows, disabled fields look
disabled (a dark style sheet once hid both)."""

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSpinBox, QWidget
from pytestqt.qtbot import QtBot

from terminal_app.workspace.settings import THEMES
from ui.connection_dialog import ConnectionDialog
from ui.themes import apply_theme


@pytest.fixture(params=THEMES)
def dialog(
    request: pytest.FixtureRequest, qtbot: QtBot, qapp: QApplication
) -> Iterator[ConnectionDialog]:
    apply_theme(qapp, request.param)
    dialog = ConnectionDialog(None)  # the simulated profile: host and port do not apply
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    apply_theme(qapp, "dark")


def _colours(image: QImage, rect: QRect) -> set[int]:
    return {
        image.pixel(x, y)
        for x in range(rect.left(), rect.right())
        for y in range(rect.top(), rect.bottom())
    }


def _fill(widget: QWidget) -> int:
    """The field's background: a pixel inside its frame, left of any text."""
    image = widget.grab().toImage()
    return image.pixel(3, image.height() // 2)


def test_spin_boxes_show_their_arrows(dialog: ConnectionDialog) -> None:
    spin = dialog.client_id
    option = QStyleOptionSpinBox()
    spin.initStyleOption(option)
    image = spin.grab().toImage()
    for control in (QStyle.SubControl.SC_SpinBoxUp, QStyle.SubControl.SC_SpinBoxDown):
        rect = spin.style().subControlRect(QStyle.ComplexControl.CC_SpinBox, option, control, spin)
        assert rect.width() > 4 and rect.height() > 4
        assert len(_colours(image, rect.adjusted(2, 1, -2, -1))) > 2, control  # an arrow drawn


def test_disabled_fields_do_not_look_editable(dialog: ConnectionDialog) -> None:
    assert not dialog.host.isEnabled() and not dialog.port.isEnabled()
    assert dialog.client_id.isEnabled()
    editable = _fill(dialog.client_id)
    assert _fill(dialog.host) != editable
    assert _fill(dialog.port) != editable
