import shiboken6
from ib_async import Stock
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from terminal_app.ib_errors import Severity
from terminal_app.session.messages import MessageLog
from ui.messages_dock import MessagesPanel


def _texts(panel: MessagesPanel, column: int = 5) -> list[str]:
    model = panel.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_messages_show_explanations_and_filter(qtbot: QtBot) -> None:
    log = MessageLog()
    panel = MessagesPanel(log)
    qtbot.addWidget(panel)
    log.add_ib(7, 200, "No security definition has been found", Stock("ZZZZ", "SMART", "USD"))
    log.add_ib(-1, 2104, "Market data farm connection is OK:usfarm")
    log.add_app("workspace file corrupt", Severity.WARNING)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    assert _texts(panel, 2) == ["200", "2104", ""]
    assert _texts(panel, 4)[0] == "ZZZZ STK SMART USD"
    assert _texts(panel)[2] == "[app] workspace file corrupt"
    assert _texts(panel, 6)[0]  # code 200 is explained in plain language
    error_row = panel.model.index(0, 5)
    assert error_row.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert panel.model.index(1, 5).data(Qt.ItemDataRole.BackgroundRole) is None

    panel.severity.setCurrentIndex(panel.severity.findData(2))
    assert _texts(panel, 2) == ["200"]
    panel.severity.setCurrentIndex(panel.severity.findData(1))
    assert _texts(panel, 2) == ["200", ""]
    panel.severity.setCurrentIndex(0)
    panel.search.setText("USFARM")
    assert _texts(panel, 2) == ["2104"]
    assert panel.count.text() == "1 of 3"
    panel.table.selectRow(0)
    copied = panel.copy_selection().split("\t")
    assert copied[2] == "2104" and copied[5].startswith("Market data farm")
    assert QGuiApplication.clipboard().text() == "\t".join(copied)
    state = panel.panel_state()
    other = MessagesPanel(log)
    qtbot.addWidget(other)
    other.restore_panel_state(state)
    assert _texts(other, 2) == ["2104"]


def test_burst_is_inserted_once_per_frame_and_capacity_drops_oldest(qtbot: QtBot) -> None:
    log = MessageLog(capacity=100)
    panel = MessagesPanel(log)
    qtbot.addWidget(panel)
    inserts: list[int] = []
    panel.model.rowsInserted.connect(lambda _p, first, last: inserts.append(last - first + 1))
    for i in range(250):
        log.add_ib(i, 10197, f"competing session {i}")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 100)
    assert len(inserts) == 1
    assert _texts(panel, 3)[0] == "150"
    assert _texts(panel, 3)[-1] == "249"
    log.clear()
    panel.model.sync()
    assert panel.model.rowCount() == 0


def test_a_deleted_panel_stops_listening(qtbot: QtBot) -> None:
    log = MessageLog()
    panel = MessagesPanel(log)
    model = panel.model
    shiboken6.delete(panel)
    log.add_app("after the panel is gone")  # must not raise into the session
    assert model._unsubscribe is None


def test_the_dock_paints_errors_highlighted_and_follows_new_messages(qtbot: QtBot) -> None:
    log = MessageLog()
    panel = MessagesPanel(log)
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    qtbot.waitExposed(panel)
    log.add_ib(-1, 2104, "Market data farm connection is OK:usfarm")
    log.add_ib(7, 200, "No security definition has been found")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)
    table = panel.table
    qtbot.waitUntil(lambda: not panel.model.frame_pending())
    image = table.viewport().grab().toImage()
    x = table.columnViewportPosition(3) + 2  # the Id column's left edge: no text there
    error, notice = (image.pixelColor(x, table.rowViewportPosition(r) + 2) for r in (1, 0))
    assert error != notice and error.red() > error.green()
    severity = panel.model.index(1, 1).data(Qt.ItemDataRole.ForegroundRole)
    assert severity is not None and severity.red() > severity.green()
    assert panel.model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) is None

    for i in range(100):
        log.add_app(f"problem {i}", Severity.WARNING)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 102)
    bar = table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    bar.setValue(0)  # the user scrolls up to read: new messages leave the view there
    log.add_app("one more")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 103)
    assert bar.value() == 0
    assert panel.count.text() == "103"
    panel.severity.setCurrentIndex(panel.severity.findData(2))
    assert panel.count.text() == "2 of 103"  # the 200 and "one more" (an app error)
