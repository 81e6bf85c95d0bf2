"""Named workspaces: what a window looked like (dock geometry) and what each panel showed.

A `Workspace` is plain data. Qt's `saveState()`/`saveGeometry()` blobs are kept opaque (base64 in
the JSON); each panel's own state is the dict it returned from `panel_state()`. The bundled
`resources/layouts/default.json` lists panels by kind; any registered kind it does not mention is
added in its own default area, so a new panel kind appears in the default workspace by being
registered, without editing the default file or this module.
"""

import base64
import json
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from terminal_app.paths import config_dir, resources_dir
from terminal_app.workspace.files import Loaded, backup_path, read_json, write_json_atomic

FORMAT = 1
AREAS = ("left", "right", "top", "bottom")
DEFAULT_NAME = "Default"
_NAME_RE = re.compile(r"^(?P<kind>[a-z][a-z0-9_-]*):(?P<n>[1-9][0-9]*)$")


@dataclass
class PanelEntry:
    """One dock: its unique `kind:N` name, where it goes, its link colour and its own state."""

    name: str
    area: str = "right"
    link: str = "none"
    visible: bool = True
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.name.partition(":")[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "area": self.area,
            "link": self.link,
            "visible": self.visible,
            "state": self.state,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "PanelEntry":
        name = str(data["name"])
        if not _NAME_RE.match(name):
            raise ValueError(f"bad panel name {name!r} (expected kind:N)")
        area = str(data.get("area", "right"))
        if area not in AREAS:
            raise ValueError(f"bad dock area {area!r}")
        state = data.get("state", {})
        if not isinstance(state, dict):
            raise TypeError(f"state of {name} is not an object")
        link = str(data.get("link", "none"))
        return cls(name, area, link, bool(data.get("visible", True)), state)


@dataclass
class Workspace:
    name: str
    panels: list[PanelEntry] = field(default_factory=list)
    window_state: bytes | None = None
    geometry: bytes | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "name": self.name,
            "window_state": _b64(self.window_state),
            "geometry": _b64(self.geometry),
            "panels": [p.to_json() for p in self.panels],
        }

    @classmethod
    def from_json(cls, data: Any) -> "Workspace":
        if not isinstance(data, dict):
            raise TypeError("a workspace file must hold a JSON object")
        if data.get("format", FORMAT) != FORMAT:
            raise ValueError(f"unknown workspace format {data.get('format')!r}")
        panels = [PanelEntry.from_json(p) for p in data.get("panels", [])]
        names = [p.name for p in panels]
        if len(set(names)) != len(names):
            raise ValueError("two panels share a name")
        return cls(
            name=str(data["name"]),
            panels=panels,
            window_state=_unb64(data.get("window_state")),
            geometry=_unb64(data.get("geometry")),
        )


def _b64(blob: bytes | None) -> str | None:
    return None if blob is None else base64.b64encode(blob).decode("ascii")


def _unb64(text: Any) -> bytes | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError("window state must be base64 text")
    return base64.b64decode(text, validate=True)


@dataclass(frozen=True)
class KindDefaults:
    """Where a panel kind goes and which link colour it starts with, when nothing says otherwise."""

    area: str = "right"
    link: str = "none"


def default_workspace(kinds: Mapping[str, KindDefaults], template: Path | None = None) -> Workspace:
    """The first-run workspace: the bundled template's panels whose kind is registered, then one
    panel of every registered kind the template does not mention, with that kind's defaults."""
    path = template or resources_dir() / "layouts" / "default.json"
    loaded = read_template(path)
    panels: list[PanelEntry] = []
    counts: dict[str, int] = {}
    for item in loaded:
        kind = str(item["kind"])
        if kind not in kinds:
            continue  # a kind this build does not have (yet)
        counts[kind] = counts.get(kind, 0) + 1
        defaults = {"area": kinds[kind].area, "link": kinds[kind].link}
        entry = PanelEntry.from_json({**defaults, **item, "name": f"{kind}:{counts[kind]}"})
        panels.append(entry)
    for kind, spec in kinds.items():
        if kind not in counts:
            panels.append(PanelEntry(f"{kind}:1", spec.area, spec.link))
    return Workspace(DEFAULT_NAME, panels)


def read_template(path: Path) -> list[Mapping[str, Any]]:
    """The bundled template is read-only and ours: a broken one is a bug, so it raises."""
    data = json.loads(path.read_text(encoding="utf-8"))
    panels = data["panels"]
    if not isinstance(panels, list):
        raise TypeError(f"{path}: panels must be a list")
    return panels


class LayoutStore:
    """Named workspaces as one JSON file each in `<config>/workspaces/`."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else config_dir() / "workspaces"

    def path_for(self, name: str) -> Path:
        return self.directory / (quote(name, safe=" -_()") + ".json")

    def names(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted((unquote(p.stem) for p in self.directory.glob("*.json")), key=str.casefold)

    def exists(self, name: str) -> bool:
        return self.path_for(name).is_file()

    def load(self, name: str) -> Loaded[Workspace]:
        """The saved workspace, or None with the problem (a corrupt file is kept as .bak)."""
        loaded = read_json(self.path_for(name), Workspace.from_json)
        if loaded.value is not None and loaded.value.name != name:
            return Loaded(replace(loaded.value, name=name), loaded.problem)
        return loaded

    def keep_backup(self, name: str) -> Path:
        """Copy the saved file to `.bak`: part of it could not be used (a panel refused its
        state, a kind this build lacks), and the next save would write over that part."""
        path = self.path_for(name)
        backup = backup_path(path)
        shutil.copyfile(path, backup)
        return backup

    def save(self, workspace: Workspace) -> Path:
        validate_name(workspace.name)
        path = self.path_for(workspace.name)
        write_json_atomic(path, workspace.to_json())
        return path

    def delete(self, name: str) -> None:
        self.path_for(name).unlink(missing_ok=True)


def validate_name(name: str) -> str:
    """Workspace names are what the user typed, trimmed; empty or path-like names are refused."""
    cleaned = name.strip()
    if not cleaned:
        raise ValueError("a workspace needs a name")
    if len(cleaned) > 80:
        raise ValueError("a workspace name is at most 80 characters")
    if cleaned in (".", ".."):
        raise ValueError(f"{cleaned!r} is not a usable name")
    return cleaned
