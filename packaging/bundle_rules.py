"""What the desktop bundle leaves out, in one place: read by the spec (to build), by the smoke test
(to check the result) and by tests/packaging (to catch an app module importing something the
bundle drops, before anyone builds).

Plain module on purpose: `packaging/` is not a package (it would shadow PyPI's `packaging`).
"""

import ast
import sys
from collections.abc import Iterable
from pathlib import Path, PurePath

# Top-level packages of the dev venv: never in the bundle.
DEV_PACKAGES = frozenset(
    {
        "pytest",
        "_pytest",
        "pytestqt",
        "pytest_asyncio",
        "pytest_timeout",
        "pluggy",
        "iniconfig",
        "mypy",
        "mypyc",
        "ruff",
        "PyInstaller",
        "pip",
        "setuptools",
        "wheel",
        "ibapi",
        "tests",
        "benchmarks",
        "IPython",
        "jedi",
        "tkinter",
        "_tkinter",
    }
)

# terminal_app.simulator.pytest_plugin: the `ib_sim` fixture for users' pytest runs (imports
# pytest); never part of the app.
PYTEST_PLUGIN = "pytest_plugin"

EXCLUDED_MODULES: tuple[str, ...] = (
    *sorted(DEV_PACKAGES),
    "pydoc_data",
    "lib2to3",
    "idlelib",
    "turtle",
    "turtledemo",
    "doctest",
    # numpy's test helpers and Fortran wrapper generator: numpy imports them only on attribute
    # access (np.testing, np.f2py), nothing we run does; unittest comes in only through them.
    "numpy.testing",
    "numpy.f2py",
    "numpy.ma.testutils",
    "unittest",
    # Other Qt bindings (pyqtgraph and qasync probe for them).
    "PyQt5",
    "PyQt6",
    "PySide2",
    # Qt modules the terminal does not use; each one drags in libraries, plugins or QML.
    "PySide6.QtQml",
    "PySide6.QtQmlFeatures",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2",
    "PySide6.QtQuickTest",
    "PySide6.QtLabsStyleKit",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtUiTools",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtXml",
    "PySide6.QtConcurrent",
    "PySide6.QtPrintSupport",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebChannel",
    "PySide6.Qt3DCore",
    "PySide6.QtMultimedia",
    "PySide6.QtPdf",
    "PySide6.QtCharts",
    "PySide6.QtDataVisualization",
    "PySide6.QtBluetooth",
    "PySide6.QtPositioning",
    "PySide6.QtSerialPort",
    "PySide6.QtWebSockets",
    "PySide6.scripts",
    # pyqtgraph's optional 3-D / notebook / example extras.
    "pyqtgraph.opengl",
    "pyqtgraph.examples",
    "pyqtgraph.jupyter",
    "OpenGL",
    "matplotlib",
    "cupy",
    "numba",
    "h5py",
)

# Left out unless a module of ours imports them or a package that needs them (optional module ->
# those imports). ib_async imports pandas only inside `util.df()` (DataFrame helpers we never
# call): that alone would add about 20 MB; exchange_calendars (the simulator's exchange holidays)
# needs it.
OPTIONAL_MODULES: dict[str, tuple[str, ...]] = {"pandas": ("pandas", "exchange_calendars")}

# Qt plugins: whole kinds that a desktop trading terminal never loads...
DROPPED_PLUGIN_KINDS = frozenset(
    {
        "egldeviceintegrations",  # EGLFS (embedded, no window system)
        "generic",  # evdev/tuio input for EGLFS
        "tls",  # Qt's TLS backends: the TWS API socket is plain TCP on loopback
        "networkinformation",
        "qmltooling",
        "sqldrivers",
        "designer",
        "printsupport",
    }
)


def dropped_plugins(platform: str = sys.platform) -> dict[str, frozenset[str]]:
    """Single plugins (file stem without lib/.so/.dll/.dylib) dropped within the kinds we keep."""
    return {
        # Keep xcb, wayland, offscreen, minimal (Linux), windows (Win), cocoa (macOS).
        "platforms": frozenset(
            {"qeglfs", "qlinuxfb", "qminimalegl", "qvkkhrdisplay", "qvnc", "qdirect2d"}
        ),
        # The GTK3 theme needs the user's GTK and pulls atk/cairo/pango into the bundle.
        "platformthemes": frozenset({"qgtk3"}),
        # We only ever show SVG/PNG/ICO icons; JPEG/GIF stay for pasted screenshots.
        "imageformats": frozenset(
            {"qtiff", "qwebp", "qtga", "qwbmp", "qpdf"}
            | (set() if platform == "darwin" else {"qicns"})
        ),
        "wayland-shell-integration": frozenset({"fullscreen-shell-v1", "ivi-shell"}),
    }


def plugin_dropped(dest: str, platform: str = sys.platform) -> bool:
    """Whether a bundled file (destination path) is a Qt plugin the bundle leaves out."""
    parts = PurePath(dest).parts
    if "plugins" not in parts[:-2]:
        return False
    kind = parts[parts.index("plugins") + 1]
    stem = parts[-1].split(".")[0]
    stem = stem[3:] if stem.startswith("lib") else stem
    return kind in DROPPED_PLUGIN_KINDS or stem in dropped_plugins(platform).get(kind, ())


def is_test_module(name: str) -> bool:
    """A dotted module name that is a test or a dev tool, i.e. must not ship."""
    parts = name.split(".")
    if parts[0] in DEV_PACKAGES:
        return True
    return any(
        p in ("tests", "test", "conftest", PYTEST_PLUGIN) or p.startswith("test_") for p in parts
    )


def is_test_file(relpath: PurePath) -> bool:
    """A file in the bundle that is a test, test data or a dev tool."""
    parts = relpath.parts
    if any(p in ("tests", "test") or p in DEV_PACKAGES for p in parts[:-1]):
        return True
    name = parts[-1]
    stem, _, suffix = name.partition(".")
    is_python = suffix in ("py", "pyc", "pyo")
    return is_python and (stem.startswith("test_") or stem.endswith("_test") or stem == "conftest")


def imported_modules(sources: Iterable[Path]) -> set[str]:
    """Every module name the given files import (`from a import b` yields `a` and `a.b`)."""
    names: set[str] = set()
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def app_sources(root: Path) -> list[Path]:
    """Our modules that ship (the pytest plugin is for users' test runs, not the app)."""
    found = [*(root / "terminal_app").rglob("*.py"), *(root / "ui").rglob("*.py")]
    return sorted(p for p in found if p.stem != PYTEST_PLUGIN)


def _covers(excluded: str, module: str) -> bool:
    return module == excluded or module.startswith(excluded + ".")


def excluded_imports(imported: Iterable[str], excluded: Iterable[str]) -> list[str]:
    """Imports of ours that an exclude would remove from the bundle (they would fail there)."""
    excluded = tuple(excluded)
    return sorted(m for m in imported if any(_covers(e, m) for e in excluded))


def bundle_excludes(root: Path) -> list[str]:
    """EXCLUDED_MODULES plus each optional module no module of ours needs."""
    imported = imported_modules(app_sources(root))
    unused = [m for m, needs in OPTIONAL_MODULES.items() if not excluded_imports(imported, needs)]
    return [*EXCLUDED_MODULES, *unused]
