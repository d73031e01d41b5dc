"""Honest imports keep every point (tests/corpus/honest_imports.py), and what cannot be
imported costs only what uses it.

Each habit is a correct submission that imports matplotlib, pandas, IPython, pathlib or logging,
plots, or imports helper modules of its own. It must get full marks through grade_submission
(what `backprop grade` uses), through `backprop check`, and (one representative) through the
Gradescope zip under `otter run`; its demo must run as a script, so the corpus is what a student
really has. The Gradescope zip's environment must offer the packages `backprop grade` has.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from autograder.cli import app
from autograder.grading.cases.assignment import build_questions
from autograder.grading.check import check_path
from autograder.grading.gradescope.export import (
    build_gradescope_zip,
    grading_requirements,
    pack_submission,
)
from autograder.grading.runner import HELPER_BYTES, HELPER_COUNT, find_files, grade_submission
from autograder.grading.sandbox import parent
from autograder.paths import ROOT, SOLUTIONS
from tests.corpus.honest_imports import HABITS, SIG, Habit, with_top
from tests.otter import otter_run, otter_scores

BY_NAME = {h.name: h for h in HABITS}
BACKWARD_LINE = '    A = cache["A"]  # (k, m)\n'  # a line of the reference backward
WITHOUT_ROOT = ["all-at-once", "helper-module", "plot-in-train"]  # also graded without chroot


@pytest.fixture(scope="module")
def questions():
    return build_questions()


def write(habit: Habit, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in habit.files.items():
        (folder / name).write_text(source)
    return folder


def assert_full_marks(habit: Habit, result) -> None:
    graded = [q for q in result.questions if q.id.split(".")[0] in habit.graded]
    assert graded, "the habit grades nothing"
    for question in graded:
        assert question.score == question.possible, (habit.name, question.feedback())
    assert "import error" not in result.status and "raised" not in result.status, result.status


@pytest.mark.parametrize("habit", HABITS, ids=[h.name for h in HABITS])
def test_habit_is_what_a_student_runs(habit, tmp_path):
    """The demo runs as a script where the student works (so the corpus is honest code)."""
    folder = write(habit, tmp_path / "work")
    for name in habit.files:
        if "__main__" not in habit.files[name]:
            continue
        env = dict(os.environ, MPLBACKEND="Agg", MPLCONFIGDIR=str(tmp_path / "mpl"))
        done = subprocess.run(
            [sys.executable, name], cwd=folder, capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize("habit", HABITS, ids=[h.name for h in HABITS])
def test_habit_gets_full_marks_from_grade(habit, tmp_path, questions):
    result = grade_submission(write(habit, tmp_path / "sub"), questions)
    assert_full_marks(habit, result)


@pytest.mark.parametrize("name", WITHOUT_ROOT)
def test_habit_gets_full_marks_without_root(name, tmp_path, questions, monkeypatch):
    """An instructor's machine: no chroot, the audit hook and the limits are the fence."""
    monkeypatch.setattr(parent, "CHROOT", False)
    result = grade_submission(write(BY_NAME[name], tmp_path / "sub"), questions)
    assert_full_marks(BY_NAME[name], result)
    if os.geteuid() == 0:
        assert "no chroot" in result.jail


@pytest.mark.parametrize("habit", HABITS, ids=[h.name for h in HABITS])
def test_habit_gets_full_marks_from_check(habit, tmp_path):
    result = check_path(write(habit, tmp_path / "sub"))
    assert_full_marks(habit, result)


def test_backprop_check_shows_full_marks_for_the_imports(tmp_path):
    folder = write(BY_NAME["all-together"], tmp_path / "sub")
    done = CliRunner().invoke(app, ["check", str(folder)])
    rows = [line for line in done.output.splitlines() if f"{SIG}." in line or "optimizers." in line]
    marks = [re.search(r"(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)", row) for row in rows]
    graded = [m for m, row in zip(marks, rows, strict=True) if m and "missing" not in row]
    assert graded, done.output
    assert all(m.group(1) == m.group(2) for m in graded), done.output


def test_gradescope_zip_gives_the_imports_full_marks(tmp_path, questions):
    """The representative habit (every import, a helper module, a plot in train) through the
    Gradescope zip under `otter run`: the scores `backprop grade` gives, full marks."""
    habit = BY_NAME["all-together"]
    folder = write(habit, tmp_path / "work")
    autograder = build_gradescope_zip(questions, tmp_path / "autograder.zip")
    submission = tmp_path / "submission.zip"
    assert "helpers.py" in pack_submission(folder, submission)
    out = tmp_path / "out"
    done = otter_run(autograder, submission, out)
    assert done.returncode == 0, done.stdout + done.stderr
    otter = otter_scores(out)
    ours = grade_submission(folder, questions)
    assert otter == pytest.approx({q.id: q.score for q in ours.questions})
    assert_full_marks(habit, ours)


# ------------------------------------------------------------------ the Gradescope environment
def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group(0)).lower()


def _provided(roots: list[str]) -> set[str]:
    """Every installed distribution that the requirements `roots` bring in."""
    seen, queue = set(), [_name(r) for r in roots]
    while queue:
        name = queue.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        queue += [_name(r) for r in requires if "extra ==" not in r]
    return seen


def _environment_pip_list(autograder: Path) -> list[str]:
    with zipfile.ZipFile(autograder) as archive:
        text = archive.read("environment.yml").decode()
    lines = text.split("- pip:", 1)[1].splitlines()
    return [line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")]


def test_gradescope_environment_has_the_packages_of_backprop_grade(tmp_path, questions):
    """The zip's environment.yml installs what the package installs here (same pins), so an
    import that works with `backprop grade` works on Gradescope."""
    autograder = build_gradescope_zip(questions, tmp_path / "autograder.zip")
    there = _environment_pip_list(autograder)
    here = importlib.metadata.requires("backprop-exercises")
    here = [r for r in here if "extra ==" not in r]
    pinned = {_name(r): r for r in there}
    for requirement in here:
        assert _name(requirement) in pinned, f"{requirement} is not in environment.yml"
        if _name(requirement) != "otter-grader":
            assert pinned[_name(requirement)].replace(" ", "") == requirement.replace(" ", "")
    # every installed module the honest corpus imports comes with what environment.yml lists
    provided = _provided(there)
    distributions = importlib.metadata.packages_distributions()
    for top in ("matplotlib", "pandas", "IPython", "numpy"):
        assert {_name(d) for d in distributions[top]} & provided, top
    assert set(grading_requirements()) <= set(there)


# ------------------------------------------------------------------ helper modules
def test_find_files_takes_imported_helpers_only(tmp_path):
    write(BY_NAME["helper-module"], tmp_path)
    (tmp_path / "scratch.py").write_text("raise SystemExit('not imported by anything')\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "numerics.py").write_text("# deeper: not beside the exercise file\n")
    files, _ = find_files(tmp_path)
    assert sorted(files) == ["helpers.py", "numerics.py", f"{SIG}.py"]
    assert files["numerics.py"] == tmp_path / "numerics.py"
    assert files.notes == []


def test_find_files_keeps_a_zips_folders(tmp_path):
    """A zip made by Finder: a nested folder, AppleDouble files; helpers beside the exercise."""
    habit = BY_NAME["helper-module"]
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, source in habit.files.items():
            zipped.writestr(f"hw3/{name}", source)
            zipped.writestr(f"__MACOSX/hw3/._{name}", b"\x00\x05\x16\x07")
        zipped.writestr("../evil.py", "x = 1\n")
        zipped.writestr("other/helpers.py", "raise SystemExit\n")
    files, scratch = find_files(archive)
    try:
        assert sorted(files) == ["helpers.py", "numerics.py", f"{SIG}.py"]
        assert files["helpers.py"].read_text() == habit.files["helpers.py"]
        assert all(scratch in p.parents for p in files.values())
        assert not (scratch.parent / "evil.py").exists()
    finally:
        import shutil

        shutil.rmtree(scratch)


def test_too_many_or_too_large_helpers_are_named(tmp_path, questions):
    names = [f"helper_{i:02d}" for i in range(HELPER_COUNT + 1)]
    imports = "".join(f"import {name}\n" for name in names) + "import bulky\n"
    use = "    bulky.nothing()\n"  # backward uses the helper that is too large
    source = with_top(SIG, imports).replace(BACKWARD_LINE, use + BACKWARD_LINE)
    (tmp_path / f"{SIG}.py").write_text(source)
    for name in names:
        (tmp_path / f"{name}.py").write_text("VALUE = 1\n")
    (tmp_path / "bulky.py").write_text("def nothing():\n    pass\n" + "#" * HELPER_BYTES + "\n")
    result = grade_submission(tmp_path, questions)
    assert f"bulky.py left out: larger than {HELPER_BYTES // 1024} kB" in result.status
    assert f"{names[-1]}.py left out: more than {HELPER_COUNT} helper files" in result.status
    scores = {q.id: q for q in result.questions}
    backward = scores[f"{SIG}.backward"]
    assert backward.score == 0
    assert "bulky" in backward.feedback() and f"{HELPER_COUNT} helper files" in backward.feedback()
    for function in ("init_params", "forward", "loss"):
        assert scores[f"{SIG}.{function}"].score == scores[f"{SIG}.{function}"].possible


# ------------------------------------------------------------------ refused imports
REFUSED_TOP = """
import solutions.two_layer_sigmoid as reference
import __editable___backprop_exercises_0_1_0_finder as finder
from autograder.grading.hidden import reference as loader
import tests.secrets
"""


def test_the_grader_and_the_solutions_cannot_be_imported(tmp_path, questions):
    """Named in import statements (so the child would load them before the jail closed, were
    they allowed), the solutions and the grader give placeholders that refuse on first use."""
    body = "    return reference.forward(params, X)\n"
    source = with_top(SIG, REFUSED_TOP).replace(
        '    dims = check_params("forward", params, PARAM_SHAPES)\n',
        '    dims = check_params("forward", params, PARAM_SHAPES)\n' + body,
        1,
    )
    source = source.replace(BACKWARD_LINE, "    finder.install()\n" + BACKWARD_LINE)
    (tmp_path / f"{SIG}.py").write_text(source)
    result = grade_submission(tmp_path, questions)
    scores = {q.id: q for q in result.questions}
    for function in ("forward", "backward"):
        question = scores[f"{SIG}.{function}"]
        assert question.score == 0, question.feedback()
        assert "does not allow importing" in question.feedback()
    assert "forbidden operation" in result.status
    assert str(SOLUTIONS) not in result.printed and str(ROOT) not in " ".join(result.events)


# ------------------------------------------------------------------ what the child preloads
@pytest.mark.parametrize(
    ("name", "loaded"),
    [
        ("matplotlib.pyplot", True),
        ("pandas", True),
        ("IPython.display", True),
        ("pathlib", True),
        ("logging", True),
        ("signal", True),
        ("solutions.two_layer_sigmoid", False),
        ("autograder.grading.hidden.reference", False),
        ("tests.secrets", False),
        ("exercises", False),
        ("__editable___backprop_exercises_0_1_0_finder", False),
        ("site", False),  # would run the .pth files, the editable install's among them
        ("pip.__main__", False),  # a program, not a library
        ("antigravity", False),  # opens a browser
        ("ctypes", False),
        ("no_such_module_xyz", False),
        ("not an identifier", False),
    ],
)
def test_what_the_child_may_preload(name, loaded):
    from autograder.grading.sandbox import jail_imports

    assert jail_imports.may_preload(name, parent.READ_ROOTS, parent.DENIED) is loaded


def test_nothing_under_the_graders_folders_is_preloaded(tmp_path):
    """A module whose file lies in a denied folder is refused wherever it is found."""
    from autograder.grading.sandbox import jail_imports

    (tmp_path / "innocent_name.py").write_text("x = 1\n")
    sys.path.insert(0, str(tmp_path))
    try:
        assert jail_imports.may_preload("innocent_name", [str(tmp_path)], [])
        assert not jail_imports.may_preload("innocent_name", [str(tmp_path)], [str(tmp_path)])
        assert not jail_imports.may_preload("innocent_name", parent.READ_ROOTS, [])
    finally:
        sys.path.remove(str(tmp_path))


NESTED_IMPORTS = """
import a1, a2.b as c
from b1 import x
if True:
    import c1
else:
    from c2.d import y
try:
    import d1
except ImportError:
    import d2
else:
    import d3
finally:
    import d4
class K:
    import e1
    def m(self):
        with open("f") as h:
            import e2
        async def inner():
            async with h:
                import e3
            async for _ in h:
                import e4
        for i in []:
            import f1
        else:
            import f2
        while False:
            import f3
match 1:
    case 1:
        import g1
    case _:
        from g2 import z
lambda: __import__("not_a_statement")
x = 1; import h1
if x: import h2
"""


def test_the_import_scan_finds_every_import_statement_in_source_order():
    """The child's scan walks statements only (a fast path); it must find what a full walk of
    the tree finds, in the same order (a missed import would become a placeholder)."""
    import ast

    from autograder.grading.sandbox.jail_imports import import_statements

    tree = ast.parse(NESTED_IMPORTS)
    every = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    found = list(import_statements(tree))
    assert {id(n) for n in found} == {id(n) for n in every}
    assert [n.lineno for n in found] == sorted(n.lineno for n in every)
    assert len(found) == 19


def _ast_names(source: bytes) -> set[str]:
    import ast

    from autograder.grading.sandbox.jail_imports import import_statements

    names = set()
    for node in import_statements(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names if a.name != "*")
    return names


def test_the_line_scan_of_imports_never_misses_what_the_parser_finds():
    """The child reads the usual import lines without the parser; over every Python file of
    this project (solutions, stubs, grader, tests, the corpora), what it finds holds all the
    parser finds (more only for import lines inside a string)."""
    from autograder.grading.sandbox.jail_imports import simple_imported_names

    read = 0
    for path in sorted(ROOT.glob("*/**/*.py")):
        if ".venv" in path.parts:
            continue
        source = path.read_bytes()
        simple = simple_imported_names(source)
        if simple is not None:
            read += 1
            assert _ast_names(source) <= set(simple), path
    assert read >= 50  # the scan is used, not always handed to the parser


@pytest.mark.parametrize(
    "source",
    [
        b"from scipy \\\n    import linalg\n",  # a continuation
        b"import numpy as np; import scipy\n",  # a semicolon
        b"if True: import scipy\n",
        b"from scipy import (linalg,\n    stats)\n",
        b"x = 1  # import scipy here\n",
        b'"""\nDon\'t import scipy.\n"""\n',
        b"try: import scipy\nexcept ImportError: pass\n",
    ],
)
def test_the_line_scan_hands_anything_unusual_to_the_parser(source):
    from autograder.grading.sandbox.jail_imports import simple_imported_names

    assert simple_imported_names(source) is None


def test_the_line_scan_reads_the_usual_forms():
    from autograder.grading.sandbox.jail_imports import simple_imported_names

    source = (
        b"import numpy as np\r\n"
        b"import os.path, json as j  # two\n"
        b"from scipy.linalg import solve as s, inv\n"
        b"from . import helper\n"
        b"from .helper import thing\n"
        b"from math import *\n"
        b"    import statistics\n"
    )
    assert simple_imported_names(source) == [
        "numpy",
        "os.path",
        "json",
        "scipy.linalg",
        "scipy.linalg.solve",
        "scipy.linalg.inv",
        "math",
        "statistics",
    ]
