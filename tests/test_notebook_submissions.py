"""Notebooks are a way to hand work in: `<module>.ipynb` is graded as `<module>.py` made of its
code cells, by `backprop check`, `backprop grade`, `backprop submit` / `submit_here()` and the
Gradescope zip under `otter run`.

Expected scores are computed from the questions' points (and from grading the same code as a
.py), never written down."""

from __future__ import annotations

import ast
import csv
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from autograder.cli import app
from autograder.grading.cases.assignment import build_questions
from autograder.grading.check import check_path, public_questions, render
from autograder.grading.gradescope.export import build_gradescope_zip, pack_submission
from autograder.grading.runner import find_files, grade_submission
from autograder.grading.submission.names import RULE, choose
from autograder.grading.submission.notebook import cell_statements, notebook_source
from autograder.grading.submit import submit_here
from autograder.notebooks import MODULES, NOTEBOOKS
from autograder.paths import EXERCISES, SOLUTIONS
from tests.conftest import cache_env
from tests.otter import otter_run, otter_scores

runner = CliRunner()
SIG = "two_layer_sigmoid"
BUG = ("dZ = dA * A * (1 - A)", "dZ = dA")  # the sigmoid derivative left out of backward


@pytest.fixture(scope="module")
def questions():
    return build_questions()


def scores(result) -> dict[str, float]:
    return {q.id: q.score for q in result.questions}


def full(questions, modules) -> dict[str, float]:
    return {q.id: q.points for q in questions if q.module in modules}


def notebook_of(cells: list[str | tuple[str, str]], **kwargs) -> str:
    """A notebook's JSON: a str is a code cell, ("md", text) a markdown cell."""
    made = []
    for cell in cells:
        if isinstance(cell, tuple):
            made.append(nbformat.v4.new_markdown_cell(cell[1]))
        else:
            made.append(nbformat.v4.new_code_cell(cell, **kwargs))
    return nbformat.writes(nbformat.v4.new_notebook(cells=made))


def solution_notebook_folder(target: Path, with_derivations: bool = True) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for module in MODULES:
        shutil.copy(NOTEBOOKS / "solutions" / f"{module}.ipynb", target)
    if with_derivations:
        shutil.copy(SOLUTIONS / "derivations.py", target)
    return target


def with_bug(text: str) -> str:
    assert text.count(BUG[0]) == 1
    return text.replace(*BUG)


# ------------------------------------------------------------------ the package's notebooks
def test_instructor_notebooks_get_full_marks_from_grade_and_check(tmp_path, questions):
    folder = solution_notebook_folder(tmp_path / "nbs")
    graded = grade_submission(folder, questions)
    assert scores(graded) == full(questions, {*MODULES, "derivations"})
    assert graded.status == "ok"
    assert graded.graded[SIG] == f"{SIG}.ipynb"
    checked = check_path(folder)
    assert checked.total == sum(q.points for q in public_questions()) > 0
    assert f"{SIG}.ipynb" in render(checked)


def test_student_notebooks_score_what_the_stubs_score(tmp_path, questions):
    folder = tmp_path / "student"
    folder.mkdir()
    for module in MODULES:
        shutil.copy(NOTEBOOKS / "exercises" / f"{module}.ipynb", folder)
    shutil.copy(EXERCISES / "derivations.py", folder)
    notebooks, stubs = grade_submission(folder, questions), grade_submission(EXERCISES, questions)
    assert scores(notebooks) == scores(stubs)
    assert [q.feedback() for q in notebooks.questions] == [q.feedback() for q in stubs.questions]
    assert notebooks.status == stubs.status


def test_the_derivations_notebooks_score_as_their_files(tmp_path, questions):
    """A student who works in Jupyter answers the derivations in derivations.ipynb: the
    instructors' one gets every point, the students' one what the stub gets."""
    for kind, folder in (("solutions", SOLUTIONS), ("exercises", EXERCISES)):
        work = tmp_path / kind
        work.mkdir()
        for module in MODULES:
            shutil.copy(folder / f"{module}.py", work)
        shutil.copy(NOTEBOOKS / kind / "derivations.ipynb", work)
        from_notebook = grade_submission(work, questions)
        assert from_notebook.graded["derivations"] == "derivations.ipynb"
        assert scores(from_notebook) == scores(grade_submission(folder, questions))
        derivations = [q for q in from_notebook.questions if q.id.startswith("derivations.")]
        assert derivations and all(
            (q.score == q.possible) == (kind == "solutions") for q in derivations
        )


def test_the_student_notebooks_end_with_the_hand_in_cell():
    for module in [*MODULES, "derivations"]:
        last = nbformat.read(NOTEBOOKS / "exercises" / f"{module}.ipynb", as_version=4).cells[-1]
        assert "submit_here()" in last.source and "submit" in last.metadata["tags"]
        # and grading leaves it out (it would pack a zip in the grader's sandbox)
        assert "submit_here" not in notebook_source(
            (NOTEBOOKS / "exercises" / f"{module}.ipynb").read_bytes(), f"{module}.ipynb"
        )


# ------------------------------------------------------------------ habits
HABITS = [
    ("md", "# My work\n\nSome notes, with $\\LaTeX$."),
    "%matplotlib inline\n%load_ext autoreload\n%autoreload 2",
    "!pip install numpy\nfiles = !ls\nnp?",
    "%%capture\nimport numpy as np\nprint('quiet')",
    "%%bash\necho this is not python",
    "x_scratch = undefined_name + 1  # a half-done cell",
    "def (broken syntax",
    "%%time\nimport numpy as np\nrng = np.random.default_rng(0)",
    "%timeit np.zeros(3)",
    "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.title('loss')\nplt.show()",
    "for i in range(2):\n    %time np.ones(2)",
]


def habits_notebook(module: str, error_output: bool = True) -> str:
    """The instructor notebook of `module` with the habits spread through it, an error output
    kept on one cell and the check cells still in it."""
    notebook = nbformat.read(NOTEBOOKS / "solutions" / f"{module}.ipynb", as_version=4)
    cells = list(notebook.cells)
    extra = [
        nbformat.v4.new_markdown_cell(h[1])
        if isinstance(h, tuple)
        else nbformat.v4.new_code_cell(h)
        for h in HABITS
    ]
    if error_output:
        extra[5].outputs = [
            nbformat.v4.new_output(
                "error", ename="NameError", evalue="name 'undefined_name' is not defined"
            )
        ]
    # after the setup cell (so np is there), and at the end
    notebook.cells = cells[:3] + extra[:6] + cells[3:] + extra[6:]
    notebook.cells += [
        nbformat.v4.new_code_cell(
            f"from autograder.grading.check import check_here\ncheck_here('{module}.forward', "
            "globals())"
        ),
        nbformat.v4.new_code_cell(
            "from autograder import gradient_check\nprint(gradient_check(None, {}, None, None))"
        ),
    ]
    for index, cell in enumerate(notebook.cells):
        cell.id = f"c{index}"
    return nbformat.writes(notebook)


@pytest.mark.parametrize("module", [SIG, "optimizers"])
def test_notebook_habits_keep_full_marks(module, tmp_path, questions):
    folder = tmp_path / "habits"
    folder.mkdir()
    (folder / f"{module}.ipynb").write_text(habits_notebook(module))
    result = grade_submission(folder, [q for q in questions if q.module == module])
    assert scores(result) == full(questions, {module})
    # the half-done cell and the one that does not parse are named, the rest is silent
    status = result.status.split("; ")
    skipped = [s for s in status if "skipped" in s]
    assert len(skipped) == 2, result.status
    assert "raised NameError at import, skipped" in skipped[0]
    assert "(x_scratch = undefined_name + 1" in skipped[0]
    assert "raised SyntaxError at import, skipped" in skipped[1]
    assert "not python" not in result.printed  # %%bash never ran
    assert "quiet" in result.printed  # %%capture's body is Python Jupyter runs


def test_ipython_syntax_is_left_out_not_run():
    source = "%matplotlib inline\nx = 1\n!rm -rf /\nfiles = !ls\nnp.sum?\n"
    source += "for i in range(2):\n    %timeit f()\n"
    kept = "\n".join(ast.unparse(s) for s in cell_statements(source))
    assert "get_ipython" not in kept and "rm -rf" not in kept
    assert "x = 1" in kept and "for i in range(2):\n    pass" in kept


def test_a_name_from_a_skipped_cell_fails_naming_the_cell(tmp_path, questions):
    """forward is defined in a cell that raises before it: the questions that need it fail with
    a NameError naming the cell; the others keep their points."""
    solution = (SOLUTIONS / f"{SIG}.py").read_text()
    head, rest = solution.split("\ndef init_params", 1)
    init_loss_backward, forward_part = _split_forward(rest)
    cells = [
        head,
        "def init_params" + init_loss_backward,
        "half_done = not_defined_yet\n" + forward_part,
    ]
    (tmp_path / f"{SIG}.ipynb").write_text(notebook_of(cells))
    result = grade_submission(tmp_path, [q for q in questions if q.module == SIG])
    lost = {q.id for q in result.questions if q.score < q.possible}
    assert f"{SIG}.forward" in lost and f"{SIG}.init_params" not in lost
    forward = next(q for q in result.questions if q.id == f"{SIG}.forward")
    assert "forward is not defined" in forward.feedback() and "cell 3" in forward.feedback()
    assert f"{SIG}.ipynb: cell 3 (half_done = not_defined_yet) raised NameError" in result.status


def test_a_function_written_into_a_check_cell_still_counts(tmp_path, questions):
    """Only what calls the checker leaves a check cell (its tag is not a reason to drop it)."""
    notebook = nbformat.read(NOTEBOOKS / "solutions" / f"{SIG}.ipynb", as_version=4)
    index = next(i for i, c in enumerate(notebook.cells) if "\ndef loss(" in c.source)
    check = notebook.cells[index + 1]
    assert "check" in check.metadata["tags"]
    check.source = notebook.cells[index].source + "\n\n" + check.source
    del notebook.cells[index]
    nbformat.write(notebook, tmp_path / f"{SIG}.ipynb")
    result = grade_submission(tmp_path, [q for q in questions if q.module == SIG])
    assert scores(result) == full(questions, {SIG})


def _split_forward(rest: str) -> tuple[str, str]:
    """(the module less forward, forward's definition) of the text after `def init_params`."""
    start = rest.index("\ndef forward")
    end = rest.index("\ndef ", start + 1)
    return rest[:start] + rest[end:], rest[start:end]


# ------------------------------------------------------------------ one wrong function
def test_a_wrong_function_loses_that_question_with_the_feedback_of_the_py(tmp_path, questions):
    mine = [q for q in questions if q.module == SIG]
    py = tmp_path / "py"
    py.mkdir()
    (py / f"{SIG}.py").write_text(with_bug((SOLUTIONS / f"{SIG}.py").read_text()))
    nb = tmp_path / "nb"
    nb.mkdir()
    notebook = nbformat.read(NOTEBOOKS / "solutions" / f"{SIG}.ipynb", as_version=4)
    for cell in notebook.cells:
        if BUG[0] in cell.source:
            cell.source = with_bug(cell.source)
    nbformat.write(notebook, nb / f"{SIG}.ipynb")
    as_py, as_nb = grade_submission(py, mine), grade_submission(nb, mine)
    lost = {q.id for q in as_nb.questions if q.score < q.possible}
    assert lost == {f"{SIG}.backward"}
    assert scores(as_nb) == scores(as_py)
    assert [q.feedback() for q in as_nb.questions] == [q.feedback() for q in as_py.questions]
    assert "sigmoid" in next(q for q in as_nb.questions if q.id in lost).feedback().lower()


# ------------------------------------------------------------------ which file is graded
def test_jupyter_copy_names_are_graded_and_named(tmp_path, questions):
    mine = [q for q in questions if q.module == SIG]
    for name in (f"{SIG}-Copy1.ipynb", f"{SIG} (1).ipynb"):
        folder = tmp_path / name.replace(" ", "_")
        folder.mkdir()
        shutil.copy(NOTEBOOKS / "solutions" / f"{SIG}.ipynb", folder / name)
        result = grade_submission(folder, mine)
        assert scores(result) == full(questions, {SIG})
        assert f"graded {name} as {SIG}" in result.status
        assert f"expected {SIG}.py or {SIG}.ipynb" in result.status
    untitled = tmp_path / "untitled"
    untitled.mkdir()
    shutil.copy(NOTEBOOKS / "solutions" / f"{SIG}.ipynb", untitled / "Untitled.ipynb")
    result = grade_submission(untitled, mine)
    assert result.total == 0 and f"missing files: {SIG}.py" in result.status


def test_py_and_ipynb_both_present_grade_the_py_and_say_so(tmp_path, questions):
    """The rule: .py before .ipynb (same name, same depth). The .py has the bug, the notebook
    is right: the score follows the .py, and the status and check's report say which was
    graded, in grades.csv's status column too."""
    folder = tmp_path / "subs" / "both"
    folder.mkdir(parents=True)
    (folder / f"{SIG}.py").write_text(with_bug((SOLUTIONS / f"{SIG}.py").read_text()))
    shutil.copy(NOTEBOOKS / "solutions" / f"{SIG}.ipynb", folder)
    mine = [q for q in questions if q.module == SIG]
    result = grade_submission(folder, mine)
    assert result.graded[SIG] == f"{SIG}.py"
    assert {q.id for q in result.questions if q.score < q.possible} == {f"{SIG}.backward"}
    note = f"graded {SIG}.py as {SIG}; also found {SIG}.ipynb ({RULE})"
    assert note in result.status
    assert note in render(check_path(folder))
    done = runner.invoke(app, ["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader((tmp_path / "out" / "grades.csv").open()))
    assert note in rows[0]["status"]


def test_the_rule_orders_name_depth_suffix_then_name(tmp_path):
    def pick(*names):
        for name in names:
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text("")
        chosen = choose([tmp_path / n for n in names], tmp_path)[SIG].graded.relative
        for name in names:
            (tmp_path / name).unlink()
        return chosen

    assert pick(f"deep/er/{SIG}.ipynb", f"{SIG}-Copy1.py") == f"deep/er/{SIG}.ipynb"  # own name
    assert pick(f"a/{SIG}.py", f"{SIG}.ipynb") == f"{SIG}.ipynb"  # then shallower
    assert pick(f"{SIG}.ipynb", f"{SIG}.py") == f"{SIG}.py"  # then .py
    assert pick(f"b/{SIG}.py", f"a/{SIG}.py") == f"a/{SIG}.py"  # then name order
    assert pick(f"{SIG} (1).ipynb", f"{SIG}-Copy1.ipynb") == f"{SIG} (1).ipynb"
    assert pick(".ipynb_checkpoints/" + f"{SIG}.ipynb", f"x/{SIG}-Copy2.ipynb") == (
        f"x/{SIG}-Copy2.ipynb"
    )


def test_a_file_that_is_not_a_notebook_fails_its_module_with_the_reason(tmp_path, questions):
    (tmp_path / f"{SIG}.ipynb").write_text("{ not json")
    shutil.copy(SOLUTIONS / "optimizers.py", tmp_path)
    result = grade_submission(tmp_path, [q for q in questions if q.module in (SIG, "optimizers")])
    assert scores(result) == {
        **dict.fromkeys(full(questions, {SIG}), 0),
        **full(questions, {"optimizers"}),
    }
    assert "not a notebook Jupyter can open" in result.questions[0].feedback()


def test_zip_of_notebooks_is_graded_and_the_scratch_is_removed(tmp_path, questions):
    folder = solution_notebook_folder(tmp_path / "nbs")
    archive = tmp_path / "hand-in.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in folder.iterdir():
            z.write(path, f"work/{path.name}")
    files, scratch = find_files(archive)
    assert files.graded[SIG] == f"work/{SIG}.ipynb" and scratch is not None
    shutil.rmtree(scratch)
    result = grade_submission(archive, questions)
    assert scores(result) == full(questions, {*MODULES, "derivations"})


# ------------------------------------------------------------------ handing in
def test_submit_here_writes_the_zip_next_to_the_notebooks(tmp_path, questions, capsys, monkeypatch):
    folder = solution_notebook_folder(tmp_path / "work")
    foreign = folder / "submission.zip"
    foreign.write_bytes(b"not ours")  # a file submit_here did not write: never overwritten
    monkeypatch.chdir(folder)
    path = submit_here()
    printed = capsys.readouterr().out
    assert path == (folder / "submission-2.zip").resolve() and foreign.read_bytes() == b"not ours"
    public = sum(q.points for q in public_questions())
    assert f"public tests: {public:g}/{public:g} points" in printed
    assert str(path) in printed and f"{SIG}.ipynb" in printed
    names = zipfile.ZipFile(path).namelist()
    assert [n for n in names if "/" not in n] == ["submission.py"]
    assert f"exercises/{SIG}.ipynb" in names
    assert scores(grade_submission(path, questions)) == full(questions, {*MODULES, "derivations"})
    assert submit_here() == path  # its own zip is rewritten in place


def test_submit_here_runs_from_the_student_notebook(tmp_path):
    """The last cell of a student notebook, executed by a kernel in a copy of the folder."""
    from nbclient import NotebookClient

    folder = tmp_path / "student"
    folder.mkdir()
    for module in MODULES:
        shutil.copy(NOTEBOOKS / "exercises" / f"{module}.ipynb", folder)
    notebook = nbformat.read(folder / f"{SIG}.ipynb", as_version=4)
    notebook.cells = [notebook.cells[-1]]
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute(cwd=str(folder))
    printed = "".join(o.get("text", "") for o in notebook.cells[0].outputs)
    assert (folder / "submission.zip").is_file(), printed
    assert f"wrote {folder / 'submission.zip'}" in printed and "public tests: 0/" in printed


def test_backprop_submit_on_a_folder_of_notebooks(tmp_path, questions):
    folder = solution_notebook_folder(tmp_path / "nbs")
    out = tmp_path / "submission.zip"
    done = runner.invoke(app, ["submit", str(folder), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert f"{SIG}.ipynb" in done.output and str(out) in done.output
    assert scores(grade_submission(out, questions)) == full(questions, {*MODULES, "derivations"})
    empty = tmp_path / "empty"
    empty.mkdir()
    done = runner.invoke(app, ["submit", str(empty), "--out", str(tmp_path / "x.zip")])
    assert done.exit_code == 2 and not (tmp_path / "x.zip").exists()
    assert len(done.output.strip().splitlines()) == 1


# ------------------------------------------------------------------ otter
@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory, questions):
    return build_gradescope_zip(questions, tmp_path_factory.mktemp("gs") / "autograder.zip")


def test_otter_run_grades_the_zip_of_notebooks(autograder_zip, tmp_path, questions):
    """One otter run: the zip that submit_here writes for a folder of every instructor notebook
    (and the .py of the derivations), at full marks, as backprop grade scores it."""
    folder = solution_notebook_folder(tmp_path / "nbs")
    submission = tmp_path / "submission.zip"
    assert f"{SIG}.ipynb" in pack_submission(folder, submission)
    done = otter_run(autograder_zip, submission, tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    assert otter_scores(tmp_path / "out") == pytest.approx(
        full(questions, {*MODULES, "derivations"})
    )


def test_otter_run_grades_one_loose_notebook(autograder_zip, tmp_path, questions):
    """Otter takes a single .ipynb as the submission itself; the plugin empties it (it never
    runs in the kernel) after moving its module source to exercises/."""
    submission = tmp_path / f"{SIG}.ipynb"
    shutil.copy(NOTEBOOKS / "solutions" / f"{SIG}.ipynb", submission)
    done = otter_run(autograder_zip, submission, tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    expected = {q.id: q.points if q.module == SIG else 0 for q in questions}
    assert otter_scores(tmp_path / "out") == pytest.approx(expected)


def test_otter_refuses_several_loose_notebooks(tmp_path, questions):
    """Why students upload the zip: otter itself stops on an upload of several loose .ipynb
    files, before any plugin runs (otter/run/run_autograder/runners/python_runner.py)."""
    from otter.run.run_autograder.runners.python_runner import PythonRunner

    folder = solution_notebook_folder(tmp_path / "nbs", with_derivations=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        with pytest.raises(Exception, match="More than one .ipynb file"):
            PythonRunner.resolve_submission_path(None)


def test_the_release_hands_in_from_its_notebooks_folder(tmp_path):
    """The student release (no hidden cases, no solutions) runs the hand-in cell's code from
    its notebooks/ folder: the zip lands there and holds the notebooks."""
    out = tmp_path / "release"
    done = runner.invoke(app, ["release", "--out", str(out)])
    assert done.exit_code == 0, done.output
    code = "from autograder.grading.submit import submit_here\nsubmit_here()"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=out / "notebooks",
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(out), **cache_env()},
        timeout=300,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    names = zipfile.ZipFile(out / "notebooks" / "submission.zip").namelist()
    assert {f"exercises/{m}.ipynb" for m in MODULES} <= set(names), names
    assert "public tests: 0/" in done.stdout
