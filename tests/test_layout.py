"""The house has no import cycles: modules that share data types sit below those that use them."""

from __future__ import annotations

import ast
from pathlib import Path

from autograder import paths

PACKAGE = paths.ROOT / "autograder"


def module_name(path: Path) -> str:
    parts = path.relative_to(paths.ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Modules of the package that `path` imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from package import submodule` imports the submodule; anything else, the module
            submodules = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [s for s in submodules if s in known] or [node.module]
        else:
            continue
        found |= {name for name in names if name in known}
    return found


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    known = set(files)
    return {name: imports_of(path, known) - {name} for name, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules, or None (depth-first search with colours)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node], path[len(path) :] = 1, [node]
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_finder_sees_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_is_read_from_the_code():
    graph = import_graph()
    assert "autograder.grading.cases.question" in graph["autograder.grading.cases.public_models"]
    assert "autograder.grading.sandbox.parent" in graph["autograder.grading.runner"]


def test_no_import_cycle_in_autograder():
    cycle = find_cycle(import_graph())
    assert cycle is None, " -> ".join(cycle)


def test_the_hidden_side_is_one_folder():
    """Only the assignment reaches into hidden/: leaving the folder out leaves nothing dangling."""
    graph = import_graph()
    hidden = "autograder.grading.hidden"
    users = {m for m, deps in graph.items() if any(d.startswith(hidden) for d in deps)}
    assert {m for m in users if not m.startswith(hidden)} == {"autograder.grading.cases.assignment"}
