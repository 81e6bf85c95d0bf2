"""Where the app reads its bundled resources and writes its own files.

Logs, settings and state go to the platform's user dirs, never next to the executable (a frozen
build may live in a read-only folder). Looking a folder up does not create it: whoever writes
creates it, so a folder that cannot be created costs only what would have been saved there.
"""

import os
import sys
import tempfile
from pathlib import Path

import platformdirs

from terminal_app import APP_NAME

_ENV_HOME = "IB_TERMINAL_HOME"


def resources_dir() -> Path:
    """The `resources/` folder: beside the packages in a checkout, inside the bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def _home_override() -> Path | None:
    """Tests and portable installs point every user dir below one folder with IB_TERMINAL_HOME."""
    value = os.environ.get(_ENV_HOME)
    return Path(value) if value else None


def _user_dir(kind: str) -> Path:
    home = _home_override()
    if home is not None:
        return home / kind
    if kind == "log":
        return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    if kind == "config":
        return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    if kind == "cache":
        return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return _user_dir("log")


def config_dir() -> Path:
    return _user_dir("config")


def data_dir() -> Path:
    return _user_dir("data")


def cache_dir() -> Path:
    """What can be rebuilt from IB (contract lookups): losing it costs only time."""
    return _user_dir("cache")


def why_unwritable(folder: Path) -> str | None:
    """Create `folder` if needed and write a scratch file in it: None if that works, else why
    not, in words for the user. Trying is the only test that holds for root and read-only mounts
    alike (permission bits do not stop root)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except FileExistsError:
        return f"{folder} is a file, not a folder"
    except OSError as exc:
        return f"{exc.filename or folder}: {exc.strerror or exc}"
    return None


def unsaved_at_start() -> list[str]:
    """What this run cannot keep, in words for the user: said at start-up, before the user
    changes anything, rather than as a failed save when quitting. Settings come last: the
    status bar shows the last message."""
    problems = []
    for folder, what in (
        (data_dir(), "The simulated paper account"),
        (config_dir(), "Settings and workspaces"),
    ):
        reason = why_unwritable(folder)
        if reason:
            problems.append(f"{what} cannot be saved, changes last until you quit ({reason}).")
    return problems
