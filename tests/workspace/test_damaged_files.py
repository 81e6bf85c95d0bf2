"""Damaged settings and workspace files, as a careless or hostile user leaves them: the terminal
starts with defaults, keeps what was there as `.bak`, and says so where the user looks (status
bar and Messages dock); a killed save leaves no temporary file behind for good."""

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from terminal_app.workspace.files import STALE_TEMP_AGE, backup_path
from terminal_app.workspace.settings import UiSettings
from tests.workspace.app_run import window_in
from ui.main_window import MainWindow

#: Damage either file can have: not UTF-8, nesting deeper than any parser recursion allows.
ANY_FILE = {
    "invalid UTF-8": b'{"name": "\xff\xfe"}',
    "200,000 nested [": b"[" * 200_000,
    "100,000 nested objects": b'{"a": ' * 100_000,
}
#: Damage only the settings file can have: numbers no integer holds, client ids IB refuses.
SETTINGS_ONLY = {
    f"{key} {value}": f'{{"last_profile": {{"kind": "custom", "{key}": {value}}}}}'.encode()
    for key, value in (("port", "1e999"), ("client_id", "1e999"), ("client_id", "1099511627776"))
}
SETTINGS = ANY_FILE | SETTINGS_ONLY


def _window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    window = window_in(tmp_path)
    qtbot.addWidget(window)
    return window


def _told(window: MainWindow, text: str) -> bool:
    """`text` is in the status bar now and in the Messages dock for good."""
    in_dock = any(text in m.text for m in window.session.messages)
    return in_dock and text in window.statusBar().currentMessage()


@pytest.mark.parametrize("content", SETTINGS.values(), ids=SETTINGS.keys())
def test_damaged_settings_start_with_defaults_kept_as_bak_and_said(
    qtbot: QtBot, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "ui.json"
    path.write_bytes(content)
    window = _window(qtbot, tmp_path)
    assert window.settings == UiSettings()
    assert backup_path(path).read_bytes() == content
    assert _told(window, "ui.json is damaged; kept as ui.json.bak, defaults are used")
    window.show_connection_dialog().reject()  # the defaults work where the damage crashed


@pytest.mark.parametrize("content", ANY_FILE.values(), ids=ANY_FILE.keys())
def test_damaged_workspace_starts_with_the_default_kept_as_bak_and_said(
    qtbot: QtBot, tmp_path: Path, content: bytes
) -> None:
    window = _window(qtbot, tmp_path)
    path = window.workspace.store.path_for("Default")
    path.parent.mkdir()
    path.write_bytes(content)
    assert not window.workspace.restore("Default")
    default = [p.name for p in window.workspace.default().panels]
    assert [d.objectName() for d in window.docks.docks()] == default
    assert backup_path(path).read_bytes() == content
    assert _told(window, "Default.json is damaged; kept as Default.json.bak")


#: Panels a workspace file holds that this window cannot fully take back.
UNUSABLE_PANELS: dict[str, dict[str, Any]] = {
    "watchlist lists not a list": {"name": "watchlist:1", "state": {"lists": "zzz"}},
    "watchlist list not an object": {"name": "watchlist:1", "state": {"lists": [5]}},
    "panel kind this build lacks": {"name": "gone:1", "state": {"notes": "keep me"}},
}


@pytest.mark.parametrize("panel", UNUSABLE_PANELS.values(), ids=UNUSABLE_PANELS.keys())
def test_a_panel_state_that_cannot_be_used_is_kept_as_bak_before_the_next_save(
    qtbot: QtBot, tmp_path: Path, panel: dict[str, Any]
) -> None:
    window = _window(qtbot, tmp_path)
    path = window.workspace.store.path_for("Default")
    path.parent.mkdir()
    saved = {"format": 1, "name": "Default", "panels": [panel, {"name": "messages:1"}]}
    path.write_text(json.dumps(saved), encoding="utf-8")
    assert window.workspace.restore("Default")
    assert _told(window, "kept as Default.json.bak")
    assert window.workspace.save()
    assert json.loads(backup_path(path).read_text(encoding="utf-8")) == saved
    assert json.loads(path.read_text(encoding="utf-8")) != saved


def test_temp_files_of_a_killed_save_are_removed_at_start(qtbot: QtBot, tmp_path: Path) -> None:
    workspaces = tmp_path / "ws"
    workspaces.mkdir()
    # What a kill between mkstemp and os.replace leaves: empty, hidden, never read again.
    stale = [tmp_path / ".ui.json.k1ll3d.tmp", workspaces / ".Default.json.k1ll3d.tmp"]
    in_progress = workspaces / ".Default.json.wr1t1n.tmp"  # another terminal saving right now
    for tmp in [*stale, in_progress]:
        tmp.write_bytes(b"")
    old = time.time() - STALE_TEMP_AGE - 1
    for tmp in stale:
        os.utime(tmp, (old, old))
    window = _window(qtbot, tmp_path)
    window.workspace.restore(window.settings.last_workspace)
    assert [p for p in stale if p.exists()] == []
    assert in_progress.exists()
