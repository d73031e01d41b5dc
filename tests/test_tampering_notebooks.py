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

import shutil
from pathlib import Path

import nbformat
import pytest

from autograder.grading.gradescope.export import pack_submission
from autograder.notebooks import NOTEBOOKS, _chunks
from autograder.paths import EXERCISES, MODEL_MODULES
from tests.corpus.tampering import ATTACKS, OPT, PACKED, SIG, Attack, render
from tests.test_tampering import (
    autograder_zip,  # noqa: F401 - fixture
    judge_attack,
    leftovers,
    new_token,
    otter_problems,
    possible,  # noqa: F401 - fixtures
    prepare_attack,
    public_possible,  # noqa: F401
    question_ids,  # noqa: F401
    run_otter,
    survivors,
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
    marker, token = prepare_attack(tmp_path)
    submission = tmp_path / "submission"
    honest = write_notebook_submission(attack, submission, marker, token)
    assert any(p.suffix == ".ipynb" and p.stem != honest for p in submission.iterdir())
    problems = judge_attack(attack, tmp_path, honest, token, mode, question_ids, possible)
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
