"""JSON files that survive crashes and bad edits.

Writes go to a temporary file in the same folder, are fsynced, then `os.replace`d over the old
file, so a reader sees either the old or the new content, never half of it; a temporary file left
by a write that was killed half-way is removed by the next read in that folder. A file that cannot
be read or parsed, whatever is wrong with it, is moved aside to `<file>.bak` (kept for the user)
and the caller gets the problem as text to show, instead of an exception.
"""

import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

#: What a damaged file makes reading or parsing raise: bad UTF-8 (a ValueError), bad JSON, the
#: wrong shape, a number out of range (`int(1e999)`: OverflowError), nesting too deep to parse.
_DAMAGED = (ValueError, KeyError, TypeError, AttributeError, ArithmeticError, RecursionError)
_TEMP_SUFFIX = ".tmp"
#: A temporary file younger than this may be another terminal's write in progress.
STALE_TEMP_AGE = 60.0


def write_json_atomic(path: Path, data: Any) -> None:
    """Replace `path` with `data` as JSON in one atomic step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TEMP_SUFFIX, dir=path.parent)
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


def remove_stale_temps(folder: Path, max_age: float = STALE_TEMP_AGE) -> list[Path]:
    """Delete the temporary files of writes that were killed before their rename (never read,
    never cleaned up otherwise); recent ones are left to the write that may still own them."""
    cutoff = time.time() - max_age
    removed = []
    for tmp in folder.glob(f".*{_TEMP_SUFFIX}"):
        try:
            if tmp.is_file() and tmp.stat().st_mtime < cutoff:
                tmp.unlink()
                removed.append(tmp)
        except OSError as exc:
            log.warning("could not remove the stale temporary file %s: %s", tmp, exc)
    if removed:
        log.info("removed %d stale temporary file(s) in %s", len(removed), folder)
    return removed


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """What a read produced: `value` (None when missing or corrupt) and a `problem` to show."""

    value: T | None
    problem: str | None = None


def read_json(path: Path, parse: Callable[[Any], T]) -> Loaded[T]:
    """Read and `parse` a JSON file. Missing → (None, None). Damaged → moved to .bak, with text.

    `parse` raises ValueError, KeyError, TypeError (or any of `_DAMAGED`) when the JSON does not
    have the right shape; that counts as damaged too, as does a file that cannot be read.
    """
    remove_stale_temps(path.parent)
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):  # not there, or its folder is not one
        return Loaded(None)
    except OSError as exc:
        return _keep_damaged(path, "cannot be read", exc.strerror or str(exc))
    try:
        return Loaded(parse(json.loads(raw.decode("utf-8"))))
    except _DAMAGED as exc:
        return _keep_damaged(path, "is damaged", _describe(exc))


def _describe(exc: BaseException) -> str:
    """The parser's complaint in the user's terms where Python's own words are cryptic."""
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text at byte {exc.start}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, OverflowError):
        return f"a number out of range: {exc}"
    return str(exc) or type(exc).__name__


def _keep_damaged(path: Path, what: str, why: str) -> Loaded[Any]:
    """Move the damaged file to `.bak`, so the next save cannot overwrite what the user had.
    The text leads with the outcome (a status bar may show only its start), the cause last."""
    backup = backup_path(path)
    try:
        os.replace(path, backup)
    except OSError as move_error:
        log.error("could not move damaged %s aside: %s", path, move_error)
        return Loaded(None, f"{path.name} {what}; defaults are used ({why}).")
    log.warning("damaged %s moved to %s: %s", path, backup, why)
    return Loaded(None, f"{path.name} {what}; kept as {backup.name}, defaults are used ({why}).")
