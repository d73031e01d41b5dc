"""`backprop release`: the student release. Exercises, notebooks for students, the public tests
(as otter test files and inside `backprop check`) and the check command; no solution code and
no hidden test. tests/test_release.py scans the result to prove it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder import paths
from autograder.grading.cases.assignment import build_questions
from autograder.grading.gradescope.export import write_test_files

# Machinery that only instructors have (the hidden cases and the loader of the solutions) is
# one folder; the release leaves it out whole.
HIDDEN = paths.ROOT / "autograder" / "grading" / "hidden"

STUDENT_PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "backprop-exercises-student"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = {dependencies}

[project.scripts]
backprop = "autograder.cli:app"

[tool.setuptools.packages.find]
include = ["autograder*"]
"""

STUDENT_README = """# Backprop exercises (student release)

1. `python -m venv .venv && .venv/bin/pip install -e .`
2. Fill in the TODOs in `exercises/` (or work in `notebooks/`).
3. `.venv/bin/backprop check` runs the public tests and tells you what to fix.
4. `.venv/bin/backprop submit` packs `submission.zip`; upload it to Gradescope.

The public tests check shapes, keys, properties and your backward against central differences
of your own loss. Hidden tests, run at grading, compare your functions with the reference on
more inputs, so passing `backprop check` is necessary but not sufficient.
"""


def _ignore(directory: str, names: list[str]) -> set[str]:
    skipped = {n for n in names if n == "__pycache__" or n.endswith(".pyc")}
    if Path(directory).resolve() == HIDDEN.parent:
        skipped.add(HIDDEN.name)
    return skipped


def build_release(out: Path) -> Path:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(paths.EXERCISES, out / "exercises", ignore=_ignore)
    shutil.copytree(paths.ROOT / "autograder", out / "autograder", ignore=_ignore)
    notebooks = paths.ROOT / "notebooks" / "exercises"
    if notebooks.is_dir():
        shutil.copytree(notebooks, out / "notebooks", ignore=_ignore)
    write_test_files(build_questions(include_hidden=False), out / "tests", include_hidden=False)
    dependencies = (
        '["numpy>=2.0,<3", "sympy==1.14.0", "typer>=0.12", "rich>=13", "matplotlib>=3.8"]'
    )
    (out / "pyproject.toml").write_text(STUDENT_PYPROJECT.format(dependencies=dependencies))
    (out / "README.md").write_text(STUDENT_README)
    return out
