"""A notebook handed in as `<module>.ipynb` becomes the source of `<module>.py`.

The graded module is the notebook's code cells, in order, as Jupyter would run them top to
bottom, with what only Jupyter can run left out:

- IPython syntax: line magics (`%matplotlib inline`, `%timeit f()`), shell escapes
  (`!pip install ...`, `files = !ls`), help (`np.sum?`). IPython's own input transformer reads
  them (so exactly what IPython calls IPython syntax is recognised) and each such statement
  becomes `pass`. A cell magic leaves its cell out, except `%%time` and `%%capture`, whose body
  is the Python that Jupyter runs in the notebook's namespace.
- The checker: imports of the grader's tools from `autograder` (the check and hand-in cells'
  imports, `gradient_check`) and top-level statements that use what they import or call
  `check_here` / `submit_here`. A function a student wrote into a check cell stays, and so
  does a function that uses them (calling it is its business).
- Outputs and markdown: never read.

Every cell runs in a `try`: a cell that raises at import (a NameError in a half-done scratch
cell) is skipped with a line printed that names it, e.g.
`backprop: cell 7 (x = y + 1) raised NameError at import, skipped`, and a name it would have
defined, and that no other cell defined, becomes a function that raises a NameError naming the
cell. Functions defined in the other cells work. A cell that does not parse is skipped the same
way. The result runs in the jailed child exactly like a student's `.py`.
"""

from __future__ import annotations

import ast
import re

CHECKER_NAMES = {"check_here", "submit_here"}
KEPT_CELL_MAGICS = {"time", "capture"}  # their body is Python run in the notebook's namespace
NOTE = re.compile(r"^backprop: (.+: cell \d+ .*, skipped)$", re.M)  # what skipped cells print
SKIP = "__backprop_skipped__"

PRELUDE = f'''
def {SKIP}(cell, first, error, names, scope):
    """A cell raised at import: say so, and make the names it would define fail by name."""
    error = type(error).__name__
    note = f"{{__backprop_notebook__}}: cell {{cell}} ({{first}}) raised {{error}}"
    note += " at import, skipped"
    print(f"backprop: {{note}}")

    def make(name):
        def skipped(*args, **kwargs):
            raise NameError(f"{{name}} is not defined: {{note}}")

        return skipped

    for name in names:
        if name not in scope:
            scope[name] = make(name)
'''


class NotANotebook(ValueError):
    """The file is not a notebook nbformat can read."""


def notebook_source(data: bytes, name: str) -> str:
    """The module source graded for the notebook `data` (the bytes of `name`)."""
    import nbformat  # here: grading .py files never pays for importing it

    try:
        notebook = nbformat.reads(data.decode("utf-8-sig"), as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds on a bad file
        why = type(exc).__name__
        raise NotANotebook(f"{name} is not a notebook Jupyter can open ({why})") from None
    future: list[ast.stmt] = []
    body: list[ast.stmt] = list(ast.parse(f"__backprop_notebook__ = {name!r}\n" + PRELUDE).body)
    checker: set[str] = set(CHECKER_NAMES)
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue  # check cells are code: what calls the checker goes, a def written there stays
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        if not source.strip():
            continue
        first = _first_line(source)
        try:
            statements = cell_statements(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            body.append(_skip_call(name, number, first, type(exc).__name__))
            continue
        statements = _without_checker(statements, checker)
        future += [s for s in statements if _is_future(s)]
        statements = [s for s in statements if not _is_future(s)]
        if statements:
            body.append(_guarded(statements, number, first))
    module = ast.Module(body=future + body, type_ignores=[])
    return (
        f'"""Graded from {name}: its code cells, in order (see notebook.py)."""\n'
        + ast.unparse(ast.fix_missing_locations(module))
        + "\n"
    )


def cell_statements(source: str) -> list[ast.stmt]:
    """The Python statements of one cell, IPython syntax left out."""
    from IPython.core.inputtransformer2 import TransformerManager

    python = TransformerManager().transform_cell(source)
    tree = ast.parse(python)
    statements = []
    for statement in tree.body:
        magic = _cell_magic(statement)
        if magic is None:
            statements.append(_IPythonLeftOut().visit(statement))
        elif magic[0] in KEPT_CELL_MAGICS:
            statements += cell_statements(magic[1])
    return statements


def skipped_notes(printed: str) -> list[str]:
    """The notes of skipped cells in what a graded notebook printed."""
    return list(dict.fromkeys(NOTE.findall(printed)))  # a new child imports again: once each


def _first_line(source: str) -> str:
    """The cell's first line, short and without `;` (the status joins its parts with `; `)."""
    line = next((ln.strip() for ln in source.splitlines() if ln.strip()), "").replace(";", ",")
    return line if len(line) <= 40 else line[:37] + "..."


def _cell_magic(statement: ast.stmt) -> tuple[str, str] | None:
    """(name, body) when the statement is IPython's rewrite of a cell magic."""
    call = statement.value if isinstance(statement, ast.Expr) else None
    if not (_is_ipython_call(call) and call.func.attr == "run_cell_magic"):
        return None
    args = call.args
    if len(args) == 3 and all(isinstance(a, ast.Constant) for a in args):
        return str(args[0].value), str(args[2].value)
    return ("", "")


def _is_ipython_call(node) -> bool:
    """get_ipython().something(...)"""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Call)
        and isinstance(node.func.value.func, ast.Name)
        and node.func.value.func.id == "get_ipython"
    )


class _IPythonLeftOut(ast.NodeTransformer):
    """Every simple statement that calls get_ipython() (a magic, a shell escape, help) -> pass."""

    def generic_visit(self, node):
        if isinstance(node, ast.stmt) and not _compound(node):
            if any(_is_ipython_call(n) for n in ast.walk(node)):
                return ast.copy_location(ast.Pass(), node)
            return node
        return super().generic_visit(node)


def _compound(node: ast.stmt) -> bool:
    return any(hasattr(node, f) for f in ("body", "orelse", "handlers", "finalbody", "cases"))


def _without_checker(statements: list[ast.stmt], checker: set[str]) -> list[ast.stmt]:
    """Leave out imports from autograder and top-level statements using what they bound."""
    kept = []
    for statement in statements:
        if isinstance(statement, (ast.Import, ast.ImportFrom)) and _imports_grader(statement):
            checker.update((a.asname or a.name).partition(".")[0] for a in statement.names)
            continue
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            kept.append(statement)
            continue
        used = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
        used |= {n.attr for n in ast.walk(statement) if isinstance(n, ast.Attribute)}
        if not used & checker:
            kept.append(statement)
    return kept


def _imports_grader(statement: ast.Import | ast.ImportFrom) -> bool:
    """An import of the grader's tools (the checker, gradient_check), not of the exercises'
    input checks (autograder.validation, which the exercise files themselves import)."""
    if isinstance(statement, ast.ImportFrom):
        module = statement.module or ""
        if statement.level or module.partition(".")[0] != "autograder":
            return False
        if module == "autograder":
            return any(a.name != "validation" for a in statement.names)
        return not module.startswith("autograder.validation")
    return any(
        a.name.partition(".")[0] == "autograder" and not a.name.startswith("autograder.validation")
        for a in statement.names
    )


def _is_future(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.ImportFrom) and statement.module == "__future__"


def _defined(statements: list[ast.stmt]) -> list[str]:
    """The names a cell defines at top level (functions, classes, assignments, imports)."""
    names = []
    for s in statements:
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(s.name)
        elif isinstance(s, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = s.targets if isinstance(s, ast.Assign) else [s.target]
            for target in targets:
                names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
        elif isinstance(s, (ast.Import, ast.ImportFrom)):
            names += [(a.asname or a.name).partition(".")[0] for a in s.names if a.name != "*"]
    return list(dict.fromkeys(names))


def _skip_call(name: str, number: int, first: str, error: str) -> ast.stmt:
    """Print the note of a cell that does not parse (its names are unknown)."""
    text = f"backprop: {name}: cell {number} ({first}) raised {error} at import, skipped"
    return ast.Expr(ast.Call(ast.Name("print", ast.Load()), [ast.Constant(text)], []))


def _guarded(statements: list[ast.stmt], number: int, first: str) -> ast.stmt:
    """try: <the cell> except (Exception, SystemExit) as e: __backprop_skipped__(...)"""
    handler = ast.parse(
        f"try:\n    pass\nexcept (Exception, SystemExit) as __backprop_error__:\n"
        f"    {SKIP}({number}, {first!r}, __backprop_error__, {_defined(statements)!r}, globals())"
    ).body[0]
    handler.body = statements
    return handler
