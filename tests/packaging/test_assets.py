"""The packaging assets and the smoke test's own rules; fast (no build: that is
`packaging/smoke_test.py`, run by `.ci/run`)."""

import configparser
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PySide6.QtGui import QImage, QImageReader

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"


def _load(name: str) -> ModuleType:
    """packaging/ is not a package (it would shadow the PyPI `packaging` library): load by path,
    under the plain name its siblings import it by."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bundle_rules = _load("bundle_rules")
make_icons = _load("make_icons")
_load("smoke_test")  # imports cleanly (it is only run by .ci/run)


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = np.frombuffer(bytes(image.constBits()), dtype=np.uint8)
    return data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4].astype(int)


def test_committed_png_is_the_svg_rendered_at_256_px(qapp: object) -> None:
    committed = QImage(str(ICONS / "ib-terminal.png"))
    assert (committed.width(), committed.height()) == (256, 256)
    fresh = QImage.fromData(make_icons.render_png(ICONS / "ib-terminal.svg", 256))
    # Same picture (anti-aliasing may differ by a level or two between Qt builds).
    assert np.abs(_pixels(committed) - _pixels(fresh)).mean() < 1.0


@pytest.mark.parametrize(
    ("name", "sizes"),
    [("ib-terminal.ico", make_icons.ICO_SIZES), ("ib-terminal.icns", tuple(make_icons.ICNS_TYPES))],
)
def test_windows_and_macos_icons_hold_every_size(
    qapp: object, name: str, sizes: tuple[int, ...]
) -> None:
    reader = QImageReader(str(ICONS / name))
    found = set()
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        found.add(image.width())
    assert found == set(sizes)


def test_desktop_entry_launches_the_app_with_its_icon() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ROOT / "resources" / "ib-terminal.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == entry["TryExec"] == "ib-terminal"
    assert entry["Terminal"] == "false"
    assert (ICONS / f"{entry['Icon']}.svg").is_file()
    assert (ICONS / f"{entry['Icon']}.png").is_file()
    assert entry["Categories"].endswith(";") and "Finance" in entry["Categories"].split(";")


@pytest.mark.parametrize(
    ("module", "is_test"),
    [
        ("pandas.tests.frame.test_api", True),
        ("terminal_app.simulator.test_helpers", True),
        ("terminal_app.simulator.pytest_plugin", True),  # users' pytest runs only
        ("terminal_app.simulator.testing", False),
        ("_pytest.python", True),
        ("pytestqt.qtbot", True),
        ("ibapi.client", True),
        ("PyInstaller.loader", True),
        ("numpy._core._multiarray_tests", False),  # numpy imports it itself
        ("numpy.testing", False),
        ("terminal_app.cli", False),
        ("ui.watchlist.panel", False),
    ],
)
def test_smoke_test_flags_test_modules(module: str, is_test: bool) -> None:
    assert bundle_rules.is_test_module(module) is is_test


@pytest.mark.parametrize(
    ("path", "is_test"),
    [
        ("_internal/pandas/tests/io/data.csv", True),
        ("_internal/terminal_app/test_x.pyc", True),
        ("_internal/conftest.py", True),
        ("_internal/_pytest/__init__.pyc", True),
        ("_internal/numpy/_core/_multiarray_tests.cpython-311-x86_64-linux-gnu.so", False),
        ("_internal/resources/layouts/default.json", False),
        ("ib-terminal", False),
    ],
)
def test_smoke_test_flags_test_files(path: str, is_test: bool) -> None:
    assert bundle_rules.is_test_file(Path(path)) is is_test


def test_no_app_module_imports_what_the_bundle_leaves_out() -> None:
    imported = bundle_rules.imported_modules(bundle_rules.app_sources(ROOT))
    assert "terminal_app.paths" in imported  # the scan sees our imports at all
    assert bundle_rules.excluded_imports(imported, bundle_rules.bundle_excludes(ROOT)) == []


def test_excluded_imports_cover_submodules_only_by_dotted_prefix() -> None:
    imported = {"PySide6.QtSql", "PySide6.QtSvg", "numpy", "unittestx", "unittest.mock"}
    excluded = ["PySide6.QtSql", "numpy.testing", "unittest"]
    assert bundle_rules.excluded_imports(imported, excluded) == ["PySide6.QtSql", "unittest.mock"]


@pytest.mark.parametrize(
    ("source", "kept"),
    [("import pandas as pd\n", True), ("import exchange_calendars\n", True), ("x = 1\n", False)],
)
def test_pandas_ships_only_when_an_app_module_needs_it(
    tmp_path: Path, source: str, kept: bool
) -> None:
    (tmp_path / "terminal_app").mkdir()
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "blotter.py").write_text(source)
    assert ("pandas" not in bundle_rules.bundle_excludes(tmp_path)) is kept


@pytest.mark.parametrize(
    ("dest", "platform", "dropped"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "linux", False),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", "linux", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "linux", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", "linux", True),
        ("PySide6/Qt/plugins/platforms/qwindows.dll", "win32", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "linux", True),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", "linux", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", "linux", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", "linux", False),
        ("PySide6/Qt/plugins/imageformats/libqicns.so", "linux", True),
        ("PySide6/Qt/plugins/imageformats/libqicns.dylib", "darwin", False),
        ("PySide6/Qt/plugins/styles/qmodernwindowsstyle.dll", "win32", False),
        ("PySide6/Qt/lib/libQt6Core.so.6", "linux", False),
    ],
)
def test_qt_plugins_kept_and_dropped(dest: str, platform: str, dropped: bool) -> None:
    assert bundle_rules.plugin_dropped(dest, platform) is dropped
