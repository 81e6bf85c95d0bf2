"""No class over 400 lines in `terminal_app/` or `ui/`: a class that long holds several jobs."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("terminal_app", "ui")
MAX_LINES = 400


def long_classes(source: str, limit: int = MAX_LINES) -> dict[str, int]:
    """Class (dotted for nested ones) -> its length in lines, decorators included, over `limit`."""
    found: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = prefix
            if isinstance(child, ast.ClassDef):
                name = f"{prefix}{child.name}"
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                length = (child.end_lineno or child.lineno) - first + 1
                if length > limit:
                    found[name] = length
                name += "."
            visit(child, name)

    visit(ast.parse(source), "")
    return found


def test_no_class_over_the_limit() -> None:
    offenders = {
        f"{path.relative_to(ROOT)}::{name}": length
        for pkg in PACKAGES
        for path in sorted((ROOT / pkg).rglob("*.py"))
        for name, length in long_classes(path.read_text(encoding="utf-8")).items()
    }
    assert offenders == {}


def test_the_measure_counts_decorators_and_nested_classes() -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(4))
    source = f"@decorator\nclass Outer:\n    class Inner:\n{body.replace('    ', '        ')}"
    assert long_classes(source, limit=6) == {"Outer": 7}
    assert long_classes(source, limit=4) == {"Outer": 7, "Outer.Inner": 5}
