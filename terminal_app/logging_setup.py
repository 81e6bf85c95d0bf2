"""Logging is configured once, at start-up: a rotating file in the platform log dir and stderr."""

import io
import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import cast

from terminal_app.paths import log_dir

_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_configured = False


class PrivateLogFile(logging.handlers.RotatingFileHandler):
    """A rotating log readable by its owner only (0600): it holds account ids and orders."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if hasattr(os, "fchmod"):  # a file created before by an older version
            os.fchmod(fd, 0o600)
        return cast(
            io.TextIOWrapper, open(fd, self.mode, encoding=self.encoding, errors=self.errors)
        )


def configure_logging(level: int = logging.INFO, filename: str = "ib-terminal.log") -> Path:
    """Install the handlers on the root logger; later calls only return the log file's path."""
    global _configured
    path = log_dir() / filename
    if _configured:
        return path
    root = logging.getLogger()
    root.setLevel(level)
    file_handler = PrivateLogFile(path, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(file_handler)
    # A windowed frozen build has no stderr: log to the file only.
    if sys.stderr is not None:
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter(_FORMAT))
        console.setLevel(max(level, logging.WARNING))
        root.addHandler(console)
    # ib_async logs every tick-level detail at INFO; keep its chatter out of the console.
    logging.getLogger("ib_async").setLevel(logging.WARNING)
    _configured = True
    return path
