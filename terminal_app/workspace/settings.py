"""The terminal's own UI settings (theme, last workspace), in `<config>/ui-settings.json`."""

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from terminal_app.paths import config_dir
from terminal_app.workspace.files import Loaded, read_json, write_json_atomic
from terminal_app.workspace.layout import DEFAULT_NAME

THEMES = ("dark", "light")


@dataclass
class UiSettings:
    theme: str = "dark"
    last_workspace: str = DEFAULT_NAME

    @classmethod
    def from_json(cls, data: Any) -> "UiSettings":
        if not isinstance(data, dict):
            raise TypeError("settings must be a JSON object")
        theme = str(data.get("theme", "dark"))
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}")
        return cls(theme=theme, last_workspace=str(data.get("last_workspace", DEFAULT_NAME)))


def settings_path() -> Path:
    return config_dir() / "ui-settings.json"


def load_settings(path: Path | None = None) -> Loaded[UiSettings]:
    return read_json(path or settings_path(), UiSettings.from_json)


def save_settings(settings: UiSettings, path: Path | None = None) -> None:
    write_json_atomic(path or settings_path(), asdict(settings))
