"""Generate the student stubs in exercises/ from the reference solutions in solutions/.

Solution code is marked the way otter assign and nbgrader mark it:

    # BEGIN SOLUTION                      ->  # TODO: implement <function> ...
    ...reference code...                      raise NotImplementedError(...)
    # END SOLUTION

    answer = "2/m * (yhat - y)"  # SOLUTION  ->  answer = ...  # TODO: ...

Everything outside the markers (signatures, docstrings, input checks) is copied unchanged, so
solutions/ is the single source of truth; `backprop stubs` rewrites exercises/ and a test fails
when the committed stubs differ from what this module produces.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

BEGIN = re.compile(r"^(\s*)# BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*# END SOLUTION\s*$")
ONE_LINE = re.compile(r"^(\s*)([A-Za-z_][A-Za-z_0-9]*)\s*=\s*.*#\s*SOLUTION\s*$")

HEADER = "# Exercise file: replace every TODO with your code, then run `backprop check`.\n"
INIT_TEXT = '"""Your exercise files: fill in the TODOs; `backprop check` grades them."""\n'


class StubError(ValueError):
    """The solution markers are malformed (unclosed block, nested block, ...)."""


def _enclosing_functions(source: str) -> dict[int, str]:
    """Map each line number to the qualified name of the innermost function holding it."""
    owner: dict[int, str] = {}

    def visit(node, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if isinstance(child, ast.FunctionDef):
                    for line in range(child.lineno, child.end_lineno + 1):
                        owner[line] = name
                visit(child, name + ".")

    visit(ast.parse(source), "")
    return owner


def make_stub(source: str, module: str) -> str:
    """Return the student version of one solution module's source."""
    owner = _enclosing_functions(source)
    out, inside = [], None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        if inside is not None:
            if BEGIN.match(line):
                raise StubError(f"{module}:{number}: BEGIN SOLUTION inside another block")
            if END.match(line):
                inside = None
            continue
        if begin := BEGIN.match(line):
            indent, inside = begin.group(1), number
            task = owner.get(number, "this part")
            out.append(f"{indent}# TODO: implement {task} (see the docstrings).\n")
            out.append(
                f'{indent}raise NotImplementedError("{module}.{task} is not implemented yet")\n'
            )
        elif END.match(line):
            raise StubError(f"{module}:{number}: END SOLUTION without BEGIN SOLUTION")
        elif one := ONE_LINE.match(line):
            out.append(f"{one.group(1)}{one.group(2)} = ...  # TODO: your answer\n")
        else:
            out.append(line)
    if inside is not None:
        raise StubError(f"{module}:{inside}: BEGIN SOLUTION is never closed")
    return HEADER + "".join(out)


def expected_stubs(solutions: Path) -> dict[str, str]:
    """File name -> the stub text that exercises/ should hold."""
    stubs = {"__init__.py": INIT_TEXT}
    for path in sorted(solutions.glob("*.py")):
        if path.name != "__init__.py":
            stubs[path.name] = make_stub(path.read_text(), path.stem)
    return stubs


def write_stubs(solutions: Path, exercises: Path) -> list[Path]:
    """Regenerate exercises/ from solutions/; returns the files written."""
    exercises.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in expected_stubs(solutions).items():
        target = exercises / name
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
            written.append(target)
    return written


def stale_stubs(solutions: Path, exercises: Path) -> list[str]:
    """Names of the stubs in exercises/ that are missing or differ from what would be generated."""
    return [
        name
        for name, text in expected_stubs(solutions).items()
        if not (exercises / name).exists() or (exercises / name).read_text() != text
    ]
