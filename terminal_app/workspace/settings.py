"""The terminal's own UI settings (theme, last workspace, last connection profile used), in
`<config>/ui-settings.json`."""

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from terminal_app.paths import config_dir
from terminal_app.session.profiles import ConnectionProfile
from terminal_app.workspace.files import Loaded, read_json, write_json_atomic
from terminal_app.workspace.layout import DEFAULT_NAME

THEMES = ("dark", "light")


@dataclass
class UiSettings:
    theme: str = "dark"
    last_workspace: str = DEFAULT_NAME
    last_profile: dict[str, Any] = field(default_factory=dict)  # ConnectionProfile.to_dict()

    def profile(self) -> ConnectionProfile | None:
        """The last profile the user connected with, if any (pre-fills the connect dialog)."""
        return ConnectionProfile.from_dict(self.last_profile) if self.last_profile else None

    @classmethod
    def from_json(cls, data: Any) -> "UiSettings":
        if not isinstance(data, dict):
            raise TypeError("settings must be a JSON object")
        theme = str(data.get("theme", "dark"))
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}")
        profile = data.get("last_profile") or {}
        if not isinstance(profile, dict):
            raise TypeError("last_profile must be an object")
        if profile:
            ConnectionProfile.from_dict(profile)  # raises ValueError when unusable
        return cls(theme, str(data.get("last_workspace", DEFAULT_NAME)), profile)


def settings_path() -> Path:
    return config_dir() / "ui-settings.json"


def load_settings(path: Path | None = None) -> Loaded[UiSettings]:
    return read_json(path or settings_path(), UiSettings.from_json)


def save_settings(settings: UiSettings, path: Path | None = None) -> None:
    write_json_atomic(path or settings_path(), asdict(settings))
