"""JSON files that survive crashes and bad edits.

Writes go to a temporary file in the same folder, are fsynced, then `os.replace`d over the old
file, so a reader sees either the old or the new content, never half of it. A file that cannot be
read or parsed is moved aside to `<file>.bak` (kept for the user) and the caller gets the problem
as text to show, instead of an exception.
"""

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def write_json_atomic(path: Path, data: Any) -> None:
    """Replace `path` with `data` as JSON in one atomic step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as tmp:
            json.dump(data, tmp, indent=2, ensure_ascii=False)
            tmp.write("\n")
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open folders, and needs not."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """What a read produced: `value` (None when missing or corrupt) and a `problem` to show."""

    value: T | None
    problem: str | None = None


def read_json(path: Path, parse: Callable[[Any], T]) -> Loaded[T]:
    """Read and `parse` a JSON file. Missing → (None, None). Corrupt → moved to .bak, with text.

    `parse` raises ValueError, KeyError or TypeError when the JSON does not have the right shape;
    that counts as corrupt too.
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Loaded(None)
    except OSError as exc:
        return Loaded(None, f"Could not read {path}: {exc.strerror or exc}")
    try:
        return Loaded(parse(json.loads(raw)))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        backup = backup_path(path)
        try:
            os.replace(path, backup)
        except OSError as move_error:
            log.error("could not move corrupt %s aside: %s", path, move_error)
            return Loaded(None, f"{path.name} is corrupt ({exc}); defaults are used.")
        log.warning("corrupt %s moved to %s: %s", path, backup, exc)
        problem = f"{path.name} is corrupt ({exc}); kept as {backup.name}, defaults are used."
        return Loaded(None, problem)
