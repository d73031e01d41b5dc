"""`backprop release`: the student release. Exercises, notebooks for students, the public tests
(as otter test files and inside `backprop check`) and the check command; no solution code and
no hidden test. tests/test_grading.py scans the result to prove it.

Derivation questions: the release holds the course's question file (the built-in one, or the
file given with --questions) with every misconception removed, installed as the package's
course file (questions/course.toml); no other question file ships, and no answer is in any:
the package derives the truth when it checks. With --questions the exercise file
derivations.py is generated for that file's questions (stub.py).
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
# The question files carry misconceptions: the release writes its own, stripped.
QUESTION_DIR = paths.ROOT / "autograder" / "derivations" / "questions"

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

[tool.setuptools.package-data]
"*" = ["*.toml", "*.json", "*.md", "*.typ"]
"autograder.derivations" = ["questions/*.toml"]
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
    if Path(directory).resolve() == QUESTION_DIR:
        skipped |= {n for n in names if n.endswith(".toml")}
    return skipped


def build_release(out: Path, questions: Path | None = None) -> Path:
    """Write the release into out. questions: the course's question file (default: the active
    one, normally the built-in questions)."""
    if questions is not None:
        from autograder.derivations import using

        with using(questions):
            return _build_release(out, Path(questions))
    return _build_release(out, None)


def _build_release(out: Path, questions: Path | None) -> Path:
    from autograder.derivations.questionfile import COURSE, default_path
    from autograder.derivations.stub import render
    from autograder.derivations.tomlwrite import write_stripped

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(paths.EXERCISES, out / "exercises", ignore=_ignore)
    shutil.copytree(paths.ROOT / "autograder", out / "autograder", ignore=_ignore)
    notebooks = paths.ROOT / "notebooks" / "exercises"
    if notebooks.is_dir():
        shutil.copytree(notebooks, out / "notebooks", ignore=_ignore)
    source = Path(questions) if questions is not None else default_path()
    installed = out / COURSE.relative_to(paths.ROOT)
    write_stripped(source, installed)
    if questions is not None:
        from autograder.derivations.questionfile import load

        stub = render(load(installed))
        (out / "exercises" / "derivations.py").write_text(stub, encoding="utf-8")
    # the public test files must match the questions the release checks: the stripped ones
    from autograder.derivations import using

    with using(installed):
        questions_public = build_questions(include_hidden=False)
    write_test_files(questions_public, out / "tests", include_hidden=False)
    dependencies = (
        '["numpy>=2.0,<3", "sympy==1.14.0", "typer>=0.12", "rich>=13", "matplotlib>=3.8"]'
    )
    (out / "pyproject.toml").write_text(STUDENT_PYPROJECT.format(dependencies=dependencies))
    (out / "README.md").write_text(STUDENT_README)
    return out
