"""Logging is configured once, at start-up: a rotating file in the platform log dir and stderr.

A log folder that cannot be written does not stop the app: everything goes to stderr instead,
and the caller gets the reason to tell the user.
"""

import io
import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import NamedTuple, cast

from terminal_app.paths import log_dir, why_unwritable

_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class PrivateLogFile(logging.handlers.RotatingFileHandler):
    """A rotating log readable by its owner only (0600): it holds account ids and orders."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if hasattr(os, "fchmod"):  # a file created before by an older version
            os.fchmod(fd, 0o600)
        return cast(
            io.TextIOWrapper, open(fd, self.mode, encoding=self.encoding, errors=self.errors)
        )


class LogTarget(NamedTuple):
    path: Path
    problem: str | None = None  # why `path` could not be opened; then stderr gets everything


_configured: LogTarget | None = None


def configure_logging(level: int = logging.INFO, filename: str = "ib-terminal.log") -> LogTarget:
    """Install the handlers on the root logger; later calls only return the first result."""
    global _configured
    if _configured is not None:
        return _configured
    folder = log_dir()
    target = LogTarget(folder / filename, why_unwritable(folder))
    root = logging.getLogger()
    root.setLevel(level)
    if target.problem is None:
        try:
            file_handler = PrivateLogFile(
                target.path, maxBytes=5_000_000, backupCount=3, encoding="utf-8"
            )
        except OSError as exc:  # the log file itself is read-only, or a folder
            target = target._replace(problem=f"{target.path}: {exc.strerror or exc}")
        else:
            file_handler.setFormatter(logging.Formatter(_FORMAT))
            root.addHandler(file_handler)
    # A windowed frozen build has no stderr: log to the file only.
    if sys.stderr is not None:
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter(_FORMAT))
        console.setLevel(level if target.problem else max(level, logging.WARNING))
        root.addHandler(console)
    # ib_async logs every tick-level detail at INFO; keep its chatter out of the console.
    logging.getLogger("ib_async").setLevel(logging.WARNING)
    if target.problem:
        logging.getLogger(__name__).warning("no log file (%s): logging to stderr", target.problem)
    _configured = target
    return target
