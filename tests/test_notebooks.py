"""notebooks/ is generated from solutions/, in sync, leak-free, and runs headless end to end."""

import json
import re

import nbformat
import pytest

from autograder.notebooks import MODULES, NOTEBOOKS, build_notebook, stale_notebooks
from autograder.paths import MODEL_MODULES, SOLUTIONS
from tests.secrets import solution_block_lines

OPTIMIZER_QUESTIONS = ["GD", "Momentum", "RMSprop", "Adam", "minibatches", "train"]


def expected_questions(module):
    names = OPTIMIZER_QUESTIONS if module == "optimizers" else MODEL_FUNCTIONS
    return [f"{module}.{name}" for name in names]


MODEL_FUNCTIONS = ["init_params", "forward", "loss", "backward"]


def test_committed_notebooks_are_in_sync_with_solutions():
    stale = stale_notebooks()
    assert not stale, f"notebooks/ is out of date for {stale}: run `backprop notebooks`"


def test_stale_notebooks_notices_an_edited_notebook(tmp_path):
    for kind in ("exercises", "solutions"):
        (tmp_path / kind).mkdir()
        for path in (NOTEBOOKS / kind).glob("*.ipynb"):
            (tmp_path / kind / path.name).write_text(path.read_text())
    edited = tmp_path / "exercises" / "optimizers.ipynb"
    edited.write_text(edited.read_text().replace("NotImplementedError", "pass", 1))
    assert stale_notebooks(tmp_path) == ["exercises/optimizers.ipynb"]


def _check_cells(notebook):
    return [cell for cell in notebook.cells if "check" in cell.metadata.get("tags", [])]


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("kind", ["exercises", "solutions"])
def test_a_check_cell_follows_every_question(module, kind):
    notebook = build_notebook(module, kind)
    checks = _check_cells(notebook)
    assert [cell.metadata["question"] for cell in checks] == expected_questions(module)
    for cell in checks:
        index = notebook.cells.index(cell)
        name = cell.metadata["question"].split(".", 1)[1]
        defined = notebook.cells[index - 1].source
        assert re.search(rf"^(def|class) {name}\b", defined, re.M), (name, defined[:80])
        assert cell.source == (
            "from autograder.grading.check import check_here\n"
            f'check_here("{cell.metadata["question"]}", globals())'
        )
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "$" in markdown and r"\mathcal{L}" in markdown  # the notes' equations (LaTeX)


@pytest.mark.parametrize("module", MODULES)
def test_student_notebook_holds_no_solution_line(module):
    hidden = solution_block_lines((SOLUTIONS / f"{module}.py").read_text())
    text = (NOTEBOOKS / "exercises" / f"{module}.ipynb").read_text()
    code = "\n".join(
        cell.source for cell in nbformat.reads(text, as_version=4).cells if cell.cell_type == "code"
    )
    code_lines = {line.strip() for line in code.splitlines()}
    leaked = [line for line in hidden if line in code_lines and not line.startswith("return {")]
    assert hidden and not leaked, leaked
    assert "SOLUTION" not in text
    assert code.count("raise NotImplementedError") == len(expected_questions(module))


def test_student_derivations_notebook_holds_no_answer():
    import ast

    tree = ast.parse((SOLUTIONS / "derivations.py").read_text(encoding="utf-8"))
    answers = {
        node.targets[0].id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
    }

    def code(kind):
        notebook = nbformat.read(NOTEBOOKS / kind / "derivations.ipynb", as_version=4)
        return "\n".join(c.source for c in notebook.cells if c.cell_type == "code")

    student, instructor = code("exercises"), code("solutions")
    assert len(answers) > 30
    for name, answer in answers.items():
        assert f"{name} = {answer!r}".replace("'", '"') in instructor  # the test sees answers
        assert f"{name} = ...  # TODO" in student
        assert answer not in student.replace("yhat - y", ""), name  # (the forward's residual)
    assert "SOLUTION" not in student


def _execute(path):
    """Run a notebook headless; each check cell's report is kept in _results; return them."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    # the hand-in cell would write submission.zip into notebooks/ (test_notebook_submissions.py
    # runs it in a copy)
    notebook.cells = [c for c in notebook.cells if "submit" not in c.metadata.get("tags", [])]
    for cell in _check_cells(notebook):
        question = cell.metadata["question"]
        cell.source = cell.source.replace("check_here(", f"_results[{question!r}] = check_here(")
    notebook.cells.insert(0, nbformat.v4.new_code_cell("_results = {}"))
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            "import json\nprint(json.dumps({q: bool(r and r.passed) for q, r in _results.items()}))"
        )
    )
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute(cwd=str(path.parent))
    last = notebook.cells[-1].outputs[0]["text"]
    return json.loads(last), notebook


NEEDS_CHECK = "autograder.grading.check (check_here) is the grading harness the notebooks call"


@pytest.mark.parametrize("module", MODULES)
def test_solution_notebook_runs_and_every_check_passes(module):
    pytest.importorskip("autograder.grading.check", reason=NEEDS_CHECK)
    results, _ = _execute(NOTEBOOKS / "solutions" / f"{module}.ipynb")
    assert list(results) == expected_questions(module)
    assert all(results.values()), results


@pytest.mark.parametrize("module", MODULES)
def test_student_notebook_runs_to_the_end_and_reports_the_unimplemented(module):
    pytest.importorskip("autograder.grading.check", reason=NEEDS_CHECK)
    results, notebook = _execute(NOTEBOOKS / "exercises" / f"{module}.ipynb")
    assert list(results) == expected_questions(module)
    assert not any(results.values()), results
    printed = "\n".join(
        output.get("text", "")
        for cell in _check_cells(notebook)
        for output in cell.outputs
        if output.get("output_type") == "stream"
    )
    assert "not implemented" in printed.lower(), printed[:500]


def test_model_modules_all_have_notebooks():
    assert set(MODEL_MODULES) < set(MODULES)
    for kind in ("exercises", "solutions"):
        assert {p.stem for p in (NOTEBOOKS / kind).glob("*.ipynb")} == {*MODULES, "derivations"}
