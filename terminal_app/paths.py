"""Where the app reads its bundled resources and writes its own files.

Logs, settings and state go to the platform's user dirs, never next to the executable (a frozen
build may live in a read-only folder).
"""

import os
import sys
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
        path = home / kind
    elif kind == "log":
        path = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    elif kind == "config":
        path = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    return _user_dir("log")


def config_dir() -> Path:
    return _user_dir("config")


def data_dir() -> Path:
    return _user_dir("data")
