"""`terminal_app` is the core: it must never import widgets, Qt GUI classes, or the `ui` package."""

import ast
import subprocess
import sys
from pathlib import Path

import terminal_app

FORBIDDEN = ("PySide6.QtWidgets", "PySide6.QtGui", "ui", "pyqtgraph")
PACKAGE = Path(terminal_app.__file__).parent


def _imports(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_core_sources_import_no_widgets() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        bad = sorted(n for n in _imports(path.read_text(encoding="utf-8")) if _forbidden(n))
        if bad:
            offenders[str(path.relative_to(PACKAGE.parent))] = bad
    assert offenders == {}


def test_importing_every_core_module_loads_no_widgets() -> None:
    modules = sorted(
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for p in PACKAGE.rglob("*.py")
    )
    script = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = [m for m in sys.modules if m.startswith({FORBIDDEN!r})]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_the_walker_catches_a_widget_import() -> None:
    names = _imports("from PySide6.QtWidgets import QLabel\nimport PySide6.QtGui as g\n")
    assert [n for n in sorted(names) if _forbidden(n)] == [
        "PySide6.QtGui",
        "PySide6.QtWidgets",
        "PySide6.QtWidgets.QLabel",
    ]
