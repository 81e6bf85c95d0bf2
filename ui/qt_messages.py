"""Route Qt's own warnings into `logging`, so they land in the log file and tests can see them."""

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication

log = logging.getLogger("qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


# Said by the headless "offscreen" platform for every dock it shows; meaningless there.
_OFFSCREEN_NOISE = frozenset({"This plugin does not support propagateSizeHints()"})


def _handler(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    if message in _OFFSCREEN_NOISE and QGuiApplication.platformName() == "offscreen":
        return
    log.log(_LEVELS.get(kind, logging.WARNING), "%s", message)


def route_qt_messages() -> None:
    qInstallMessageHandler(_handler)
