"""The session package stays in parts one can read in a sitting: no class over 400 lines, and no
runtime import cycle among its modules (imports under `if TYPE_CHECKING:` do not count)."""

import ast
from pathlib import Path

import terminal_app.session
from terminal_app.session.line_kinds import LINE_KINDS
from terminal_app.session.subscriptions import Kind

PACKAGE = Path(terminal_app.session.__file__).parent
PREFIX = "terminal_app.session"
MAX_CLASS_LINES = 400


def _modules() -> dict[str, ast.Module]:
    return {p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.glob("*.py")}


def _runtime_imports(tree: ast.Module, siblings: set[str]) -> set[str]:
    found: set[str] = set()
    for node in tree.body:  # module level only; TYPE_CHECKING blocks are skipped below
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node):
            if isinstance(sub, ast.ImportFrom) and sub.module == PREFIX:
                found.update(a.name for a in sub.names if a.name in siblings)
            elif isinstance(sub, ast.ImportFrom) and (sub.module or "").startswith(PREFIX + "."):
                found.add((sub.module or "").split(".")[2])
            elif isinstance(sub, ast.Import):
                found.update(
                    a.name.split(".")[2] for a in sub.names if a.name.startswith(PREFIX + ".")
                )
    return found & siblings


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path, or [] when there is none."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return []
        for nxt in sorted(graph[node]):
            if found := visit(nxt, [*path, node]):
                return found
        done.add(node)
        return []

    for start in sorted(graph):
        if found := visit(start, []):
            return found
    return []


def test_no_runtime_import_cycle_among_session_modules() -> None:
    modules = _modules()
    siblings = set(modules) - {"__init__"}
    graph = {name: _runtime_imports(modules[name], siblings) for name in siblings}
    assert graph["broker"] >= {"supervisor", "lines", "error_routing"}  # the walker sees imports
    assert _cycle(graph) == []


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_session_class_over_400_lines() -> None:
    sizes = {
        f"{name}.{node.name}": (node.end_lineno or node.lineno) - node.lineno + 1
        for name, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    assert "broker.BrokerSession" in sizes
    assert {k: v for k, v in sizes.items() if v > MAX_CLASS_LINES} == {}


def test_every_kind_of_line_has_its_table_entry() -> None:
    assert set(LINE_KINDS) == set(Kind)
