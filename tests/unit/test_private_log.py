"""The log holds account ids and orders: only its owner may read it (issue 12, item 7)."""

from __future__ import annotations

import logging
from pathlib import Path

from terminal_app.logging_setup import PrivateLogFile


def test_the_log_and_its_rollovers_are_private(tmp_path: Path) -> None:
    handler = PrivateLogFile(tmp_path / "sim.log", maxBytes=200, backupCount=1)
    try:
        for _ in range(5):  # rolls over: the new file is private too
            handler.emit(logging.makeLogRecord({"msg": "x" * 100}))
    finally:
        handler.close()
    files = list(tmp_path.glob("sim.log*"))
    assert len(files) == 2
    assert {p.name: p.stat().st_mode & 0o777 for p in files} == {p.name: 0o600 for p in files}
