import json
import os
from pathlib import Path

import pytest

from terminal_app.session.profiles import ProfileKind, make_profile
from terminal_app.workspace.files import backup_path, read_json, write_json_atomic
from terminal_app.workspace.layout import (
    KindDefaults,
    LayoutStore,
    PanelEntry,
    Workspace,
    default_workspace,
    validate_name,
)
from terminal_app.workspace.settings import UiSettings, load_settings, save_settings


def _workspace(name: str = "Trading") -> Workspace:
    return Workspace(
        name,
        [
            PanelEntry("chart:1", "right", "red", True, {"symbol": "AAPL", "bar": "5 mins"}),
            PanelEntry("chart:2", "right", "blue", False, {"symbol": "EUR.USD"}),
            PanelEntry("messages:1", "bottom"),
        ],
        window_state=b"\x00\x01state\xff",
        geometry=b"geo",
    )


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path)
    ws = _workspace("Day / night: 2")
    path = store.save(ws)
    assert path.parent == tmp_path and "/" not in path.name.replace(".json", "")
    assert store.names() == ["Day / night: 2"]
    loaded = store.load("Day / night: 2")
    assert loaded.problem is None
    assert loaded.value == ws
    assert [p.kind for p in loaded.value.panels] == ["chart", "chart", "messages"]


def test_missing_workspace_is_not_a_problem(tmp_path: Path) -> None:
    loaded = LayoutStore(tmp_path).load("nope")
    assert (loaded.value, loaded.problem) == (None, None)


@pytest.mark.parametrize(
    "content",
    [
        "{ not json",
        '["a list"]',
        '{"name": "x", "panels": [{"name": "no-number"}]}',
        '{"name": "x", "window_state": "***"}',
        '{"name": "x", "panels": [{"name": "a:1"}, {"name": "a:1"}]}',
        '{"name": "x", "format": 99}',
    ],
)
def test_corrupt_file_is_kept_as_bak_with_a_message(tmp_path: Path, content: str) -> None:
    store = LayoutStore(tmp_path)
    path = store.path_for("Broken")
    path.write_text(content, encoding="utf-8")
    loaded = store.load("Broken")
    assert loaded.value is None
    assert loaded.problem is not None and "Broken.json.bak" in loaded.problem
    assert not path.exists()
    assert backup_path(path).read_text(encoding="utf-8") == content


def test_atomic_write_leaves_no_temp_files_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "f.json"
    write_json_atomic(target, {"a": 1})
    write_json_atomic(target, {"a": 2})
    assert json.loads(target.read_text()) == {"a": 2}
    assert os.listdir(target.parent) == ["f.json"]


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    write_json_atomic(target, {"a": 1})
    with pytest.raises(TypeError):
        write_json_atomic(target, {"a": object()})
    assert json.loads(target.read_text()) == {"a": 1}
    assert os.listdir(tmp_path) == ["f.json"]


def test_unreadable_shape_from_parser_counts_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{}")

    def parse(data: object) -> int:
        raise KeyError("needed")

    assert read_json(path, parse).problem is not None
    assert backup_path(path).exists()


def test_default_workspace_follows_registered_kinds(tmp_path: Path) -> None:
    template = tmp_path / "default.json"
    template.write_text(
        json.dumps(
            {
                "panels": [
                    {"kind": "watchlist", "area": "left", "link": "red"},
                    {"kind": "future_kind", "area": "top"},
                    {"kind": "messages", "area": "bottom"},
                ]
            }
        )
    )
    kinds = {
        "messages": KindDefaults("bottom"),
        "watchlist": KindDefaults("right", "blue"),
        "notes": KindDefaults("top", "green"),
    }
    ws = default_workspace(kinds, template)
    assert [(p.name, p.area, p.link) for p in ws.panels] == [
        ("watchlist:1", "left", "red"),
        ("messages:1", "bottom", "none"),
        ("notes:1", "top", "green"),
    ]


def test_bundled_default_template_parses() -> None:
    ws = default_workspace({"messages": KindDefaults("bottom")})
    assert [p.kind for p in ws.panels] == ["messages"]


def test_workspace_names_are_validated() -> None:
    assert validate_name("  Morning  ") == "Morning"
    for bad in ("", "   ", "..", "x" * 81):
        with pytest.raises(ValueError):
            validate_name(bad)


def test_settings_round_trip_and_corruption(tmp_path: Path) -> None:
    path = tmp_path / "ui.json"
    tws = make_profile(ProfileKind.TWS_PAPER, client_id=5).to_dict()
    save_settings(UiSettings(theme="light", last_workspace="Night", last_profile=tws), path)
    loaded = load_settings(path).value
    assert loaded == UiSettings("light", "Night", tws)
    profile = loaded.profile()
    assert profile is not None and (profile.port, profile.client_id) == (7497, 5)
    for bad in ('{"theme": "purple"}', '{"last_profile": {"port": 99999}}'):
        path.write_text(bad)
        problem = load_settings(path)
        assert problem.value is None and problem.problem is not None
        assert backup_path(path).read_text() == bad
