"""Guard against PySide6 builds that drop references to None/True (6.12.0 does: every void method
such as QTimer.start returns None without a reference). On Python 3.11 None and the bools are not
immortal, so a long-running terminal aborts with "Fatal Python error: none_dealloc"."""

import sys

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication


class _Emitter(QObject):
    ping = Signal(object)


def _drift(call: object, times: int = 2000) -> tuple[int, int, int]:
    assert callable(call)
    before = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
    for _ in range(times):
        call()
    after = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
    return (after[0] - before[0], after[1] - before[1], after[2] - before[2])


def test_void_qt_calls_and_emits_keep_singleton_refcounts(qapp: QApplication) -> None:
    timer = QTimer()
    emitter = _Emitter()
    emitter.ping.connect(lambda _value: None)
    for call in (
        lambda: timer.start(1000),
        timer.stop,
        lambda: timer.setInterval(5),
        timer.isActive,
        lambda: emitter.ping.emit(None),
    ):
        none, true, false = _drift(call)
        # A little noise is fine; the broken build loses one reference per call (-2000).
        assert min(none, true, false) > -100, (none, true, false)
