"""Logging is configured once, at start-up: a rotating file in the platform log dir and stderr."""

import logging
import logging.handlers
import sys
from pathlib import Path

from terminal_app.paths import log_dir

_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_configured = False


def configure_logging(level: int = logging.INFO, filename: str = "ib-terminal.log") -> Path:
    """Install the handlers on the root logger; later calls only return the log file's path."""
    global _configured
    path = log_dir() / filename
    if _configured:
        return path
    root = logging.getLogger()
    root.setLevel(level)
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=5_000_000, backupCount=3, encoding="utf-8"
    )
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
