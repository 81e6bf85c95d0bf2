"""Damaged settings, workspace and order-preset files (issue 22): missing, empty, cut short at
many points, not JSON, the wrong JSON type, and every field of a good file given every wrong
type. Each loader gives the defaults, keeps the damaged bytes as `<file>.bak` and says so (file,
outcome, cause); what a loader does accept must then work where it is used. A folder that cannot
be written is said, not raised. tests/workspace/test_damaged_files.py shows the same reaching
the status bar and Messages dock of the whole window; this is the breadth.
"""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from terminal_app.orders.settings import OrderSettings, load_order_settings
from terminal_app.workspace.files import Loaded, backup_path
from terminal_app.workspace.layout import LayoutStore, Workspace
from terminal_app.workspace.settings import THEMES, UiSettings, load_settings
from tests.reliability.conftest_input import tried
from ui.order_ticket.form import OrderForm
from ui.order_ticket.presets import PresetBar

GOOD_SETTINGS = {
    "theme": "light",
    "last_workspace": "Trading",
    "last_profile": {"kind": "custom", "host": "127.0.0.1", "port": 7497, "client_id": 5},
}
GOOD_WORKSPACE = {
    "format": 1,
    "name": "Default",
    "panels": [{"name": "watchlist:1", "state": {}}, {"name": "messages:1"}],
}
GOOD_ORDERS = {
    "max_order_size": "500",
    "max_order_value": "50000",
    "max_pct_away": "3",
    "confirm_orders": True,
    "presets": {
        "Scalp": {
            "side": "BUY",
            "quantity": "100",
            "type": "LMT",
            "tif": "DAY",
            "outside_rth": False,
            "order_ref": "",
            "algo": None,
            "bracket": {"take_profit": ["10", "ticks"], "trailing": False},
        }
    },
}
WRONG_TYPES: list[Any] = [None, 0, -1, 1.5, 1e308, "", "x", "NaN", [], [1, "a"], {}, {"a": 1}, True]


def _nested_keys(good: dict[str, Any]) -> Iterator[tuple[str, ...]]:
    """Every path to a value in `good` (objects only: lists are replaced whole)."""
    for key, value in good.items():
        yield (key,)
        if isinstance(value, dict):
            for inner in _nested_keys(value):
                yield (key, *inner)


def _with(good: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(good))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copy


def damaged(good: dict[str, Any]) -> dict[str, bytes]:
    """Generated damage to a good file's bytes: named, distinct."""
    text = json.dumps(good, indent=2).encode()
    cases = {"empty": b"", "spaces": b" \n\t ", "NUL bytes": b"\0" * 16, "not UTF-8": b"\xff\xfe{}"}
    for cut in range(1, len(text), max(1, len(text) // 15)):
        cases[f"cut at byte {cut}"] = text[:cut]
    for name, raw in {
        "open brace": b"{",
        "single quotes": b"{'theme': 'dark'}",
        "trailing comma": b'{"a": 1,}',
        "comment": b"// settings\n{}",
        "two documents": b"{} {}",
        "bare word": b"dark",
        "BOM": b"\xef\xbb\xbf{}",
    }.items():
        cases[f"not JSON: {name}"] = raw
    for value in ("null", "[]", "1", '"text"', "true", "1e999", "NaN", "-Infinity"):
        cases[f"top level {value}"] = value.encode()
    for path in _nested_keys(good):
        for wrong in WRONG_TYPES:
            raw = json.dumps(_with(good, path, wrong)).encode()
            cases.setdefault(f"{'.'.join(path)} = {json.dumps(wrong)}", raw)
    return cases


def _usable_settings(value: UiSettings) -> None:
    assert value.theme in THEMES and isinstance(value.last_workspace, str)
    profile = value.profile()
    assert profile is None or 0 <= profile.port <= 65535


def _usable_orders(value: OrderSettings, form: OrderForm) -> None:
    for preset in value.presets.values():
        form.set_values(preset)  # what choosing the preset in the ticket does
        quantity = form.quantity.decimal()
        assert quantity is None or 0 < quantity < 10**11


def _usable_workspace(value: Workspace) -> None:
    assert all(isinstance(p.state, dict) for p in value.panels)


@pytest.mark.parametrize("kind", ["ui settings", "workspace", "order settings"])
def test_every_damaged_file_gives_defaults_a_bak_and_a_sentence(
    qtbot: QtBot, tmp_path: Path, kind: str
) -> None:
    form = OrderForm()
    qtbot.addWidget(form)
    store = LayoutStore(tmp_path)
    files: dict[str, tuple[dict[str, Any], Path, Callable[[], Loaded[Any]], Callable[..., None]]]
    files = {
        "ui settings": (
            GOOD_SETTINGS,
            tmp_path / "ui.json",
            lambda: load_settings(tmp_path / "ui.json"),
            _usable_settings,
        ),
        "workspace": (
            GOOD_WORKSPACE,
            store.path_for("Default"),
            lambda: store.load("Default"),
            _usable_workspace,
        ),
        "order settings": (
            GOOD_ORDERS,
            tmp_path / "order-settings.json",
            lambda: load_order_settings(tmp_path / "order-settings.json"),
            lambda value: _usable_orders(value, form),
        ),
    }
    good, path, load, usable = files[kind]
    assert load() == Loaded(None)  # missing: defaults, nothing said
    path.write_text(json.dumps(good))
    loaded = load()
    assert loaded.value is not None and loaded.problem is None
    cases = damaged(good)
    refused = 0
    for name, content in cases.items():
        backup_path(path).unlink(missing_ok=True)
        path.write_bytes(content)
        loaded = load()
        if loaded.value is not None:  # the parser took it: it must work where it is used
            assert loaded.problem is None, name
            usable(loaded.value)
            continue
        refused += 1
        assert backup_path(path).read_bytes() == content, name
        assert not path.exists(), name  # the next save cannot overwrite what the user had
        problem = loaded.problem or ""
        assert problem.startswith(f"{path.name} is damaged; kept as {path.name}.bak"), name
        assert "defaults are used" in problem, name
    tried(f"{kind} files ({refused} kept as .bak, the rest used safely)", len(cases) + 1)


def test_presets_and_settings_in_a_folder_that_cannot_be_written_are_said(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config").write_text("a file where the config folder must be")
    monkeypatch.setenv("IB_TERMINAL_HOME", str(tmp_path))
    assert load_order_settings() == Loaded(None)  # nothing to read: the defaults
    assert load_settings() == Loaded(None)
    said: list[str] = []
    form = OrderForm()
    qtbot.addWidget(form)
    bar = PresetBar(OrderSettings(), form.values, form.set_values, said.append)
    qtbot.addWidget(bar)
    bar.save_as("Scalp")  # must not raise out of the slot
    assert said and said[-1].startswith("Preset Scalp is kept until you quit")
    bar.choose("Scalp")  # still usable in this session
    tried("unwritable folder", 3)
