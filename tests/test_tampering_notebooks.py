"""The tampering corpus handed in as notebooks still earns nothing.

A representative sample of tests/corpus/tampering.py (every third attack, and the ones on
comparisons, values, results files, memory and output): each attack's exercise files become
notebooks (one code cell per top-level statement group, as Jupyter users split a module), its
helper modules stay .py, and the honest module is the instructor notebook. Graded as
tests/test_tampering.py grades the .py versions (in a guarded process of its own, as run and
through `backprop check`'s engine; and the attacks on the solutions inside the Gradescope zip,
one per module, packed as notebooks by `backprop submit`, under `otter run`): every faked
question scores 0 and the honest module keeps the points its questions are worth, nothing is
left behind, nothing leaks.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder.grading.gradescope.export import pack_submission
from autograder.notebooks import NOTEBOOKS, _chunks
from autograder.paths import EXERCISES, MODEL_MODULES
from tests.corpus.tampering import ATTACKS, LEAK, OPT, PACKED, SIG, Attack, render
from tests.test_tampering import (
    DELAY,
    GRADE_TIMEOUT,
    GRADER,
    autograder_zip,  # noqa: F401 - fixture
    leftovers,
    new_token,
    otter_problems,
    possible,  # noqa: F401 - fixtures
    public_possible,  # noqa: F401
    question_ids,  # noqa: F401
    run_guarded,
    run_otter,
    scores_problems,
    strays,
    survivors,
    with_checkout,
)

EXERCISE_MODULES = (*MODEL_MODULES, "optimizers", "derivations")
CHOSEN = {
    "patch-comparisons",
    "eq-object",
    "shifty-value",
    "write-results-files",
    "memory-hog",
    "print-flood",
}
SAMPLE = [a for i, a in enumerate(ATTACKS) if i % 3 == 0 or a.name in CHOSEN]


def as_notebook(source: str) -> str:
    """A module as a notebook: its top-level chunks as code cells, in order."""
    cells = [nbformat.v4.new_code_cell(code.strip("\n")) for code, _ in _chunks(source)]
    return nbformat.writes(nbformat.v4.new_notebook(cells=cells))


def write_notebook_submission(attack: Attack, folder: Path, marker: Path, token: str) -> str:
    """The attack's exercise files as notebooks, its helpers as .py, and the honest module's
    instructor notebook; returns the honest module."""
    folder.mkdir(parents=True)
    for name, source in render(attack, str(marker), token).items():
        stem = name.removesuffix(".py")
        if stem in EXERCISE_MODULES:
            (folder / f"{stem}.ipynb").write_text(as_notebook(source))
        else:
            (folder / name).write_text(source)
    honest = SIG if f"{OPT}.py" in attack.files else OPT
    shutil.copy(NOTEBOOKS / "solutions" / f"{honest}.ipynb", folder)
    return honest


def test_the_sample_covers_both_modules_and_helpers():
    names = {n for a in SAMPLE for n in a.files}
    assert {f"{SIG}.py", f"{OPT}.py"} <= names and any(
        n.removesuffix(".py") not in EXERCISE_MODULES for n in names
    )
    assert len(SAMPLE) >= 12


@pytest.mark.parametrize("mode", ["as-run", "check"])
@pytest.mark.parametrize("attack", SAMPLE, ids=[a.name for a in SAMPLE])
def test_attack_as_notebook_earns_nothing(
    attack,
    mode,
    tmp_path,
    question_ids,  # noqa: F811
    possible,  # noqa: F811
    public_possible,  # noqa: F811
):
    if mode == "check":
        question_ids, possible = list(public_possible), public_possible
    marker, cwd, report = tmp_path / "marker", tmp_path / "grader-cwd", tmp_path / "report.json"
    marker.mkdir()
    cwd.mkdir()
    token = new_token()
    submission = tmp_path / "submission"
    honest = write_notebook_submission(attack, submission, marker, token)
    assert any(p.suffix == ".ipynb" and p.stem != honest for p in submission.iterdir())

    run = run_guarded(
        [sys.executable, "-c", GRADER, str(submission), str(report), mode],
        cwd,
        GRADE_TIMEOUT,
        with_checkout(),
    )
    if attack.lingers:
        time.sleep(DELAY)

    problems = run.trouble("the grader")
    if report.exists():
        result = json.loads(report.read_text())
        scores = {qid: q["score"] for qid, q in result["questions"].items()}
        feedback = {qid: q["feedback"] for qid, q in result["questions"].items()}
        if sorted(scores) != sorted(question_ids):
            problems.append("not a result per question")
        full = {q: possible[q] for q in question_ids if q.startswith(honest + ".")}
        problems += scores_problems(attack.name, scores, attack.faked, full, feedback)
        seen = result["printed"] + "".join(feedback.values())
        if LEAK in seen:
            problems.append(f"read what it must not: {seen[seen.index(LEAK) :][:200]!r}")
    elif not problems:
        problems.append("the grader wrote no result")
    problems += leftovers(marker) + leftovers(cwd) + strays([token])
    problems += [f"left a process: {p}" for p in survivors([token])]
    assert not problems, f"{attack.name} as a notebook ({attack.note}):\n" + "\n".join(problems)


def test_otter_packed_stealing_attacks_as_notebooks(
    autograder_zip,  # noqa: F811
    tmp_path,
    question_ids,  # noqa: F811
):
    """One otter run: the search attacks of test_tampering's otter test, one per module, each a
    notebook, in the zip `backprop submit` / submit_here packs."""
    folder, marker, token = tmp_path / "work", tmp_path / "marker", new_token()
    shutil.copytree(EXERCISES, folder)
    marker.mkdir()
    for attack in PACKED:
        for name, source in render(attack, str(marker), token).items():
            stem = name.removesuffix(".py")
            if stem in EXERCISE_MODULES:
                (folder / name).unlink(missing_ok=True)
                (folder / f"{stem}.ipynb").write_text(as_notebook(source))
            else:
                (folder / name).write_text(source)
    submission = tmp_path / "submission.zip"
    packed = pack_submission(folder, submission)
    assert sum(n.endswith(".ipynb") for n in packed) == len(PACKED)

    run, scores, text = run_otter(autograder_zip, submission, tmp_path)

    problems = otter_problems(PACKED, run, scores, text, question_ids)
    problems += leftovers(marker) + [f"left a process: {p}" for p in survivors([token])]
    assert not problems, "\n".join(problems)
