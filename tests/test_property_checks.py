"""Property checks test what the contract fixes, no more and no less.

- train with batch_size=None takes one full-batch step per epoch: which examples go into the
  step, with X and y columns together, not their order (a shuffled full batch is correct).
- the hidden forward cases of the sigmoid models reach |z| of about 1000, where exp(z)
  overflows: a sigmoid written exp(z) / (1 + exp(z)) loses that case, a stable one keeps it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from autograder.grading.cases.assignment import build_questions
from autograder.grading.hidden import models as hidden
from autograder.grading.runner import grade_submission
from autograder.paths import SOLUTIONS

FULL_BATCH = "batches = [(X, y)] if batch_size is None else minibatches(X, y, batch_size, rng)"
TRAIN = "optimizers.train"
NAIVE = ("return np.exp(-np.logaddexp(0.0, -z))", "return np.exp(z) / (1 + np.exp(z))")


@pytest.fixture(scope="module")
def questions():
    return build_questions()


def _submission(tmp_path: Path, module: str, old: str, new: str) -> Path:
    folder = tmp_path / "sub"
    folder.mkdir()
    source = SOLUTIONS / f"{module}.py"
    text = source.read_text()
    assert text.count(old) == 1, f"{old!r} not once in {source}"
    (folder / source.name).write_text(text.replace(old, new))
    return folder


def _question(result, qid):
    return next(q for q in result.questions if q.id == qid)


def _full_batch(tmp_path, questions, batch: str):
    new = f"batches = [{batch}] if batch_size is None else minibatches(X, y, batch_size, rng)"
    folder = _submission(tmp_path, "optimizers", FULL_BATCH, new)
    return _question(grade_submission(folder, questions), TRAIN)


@pytest.mark.parametrize(
    "batch",
    [
        "(X[:, ::-1], y[:, ::-1])",  # reversed
        "next(minibatches(X, y, X.shape[1], np.random.default_rng()))",  # one shuffled batch
        "(lambda p: (X[:, p], y[:, p]))(np.random.default_rng().permutation(X.shape[1]))",
    ],
    ids=["reversed", "shuffled-through-minibatches", "permuted"],
)
def test_a_full_batch_in_any_column_order_keeps_every_point(tmp_path, questions, batch):
    question = _full_batch(tmp_path, questions, batch)
    assert question.score == question.possible, question.feedback()


@pytest.mark.parametrize(
    ("batch", "phrase"),
    [
        ("(X[:, ::-1], y)", "not the same examples"),  # X shuffled, y not: wrong pairs
        ("(X[:, :-1], y[:, :-1])", "one full-batch step per epoch"),  # an example left out
        ("(X[:, [0, 0, 1, 2, 3, 4]], y[:, [0, 0, 1, 2, 3, 4]])", "one full-batch step per epoch"),
    ],
    ids=["columns-apart", "one-missing", "one-twice"],
)
def test_the_full_batch_check_still_catches_wrong_batches(tmp_path, questions, batch, phrase):
    """Right versus wrong: the relaxed check is not a check that passes everything."""
    question = _full_batch(tmp_path, questions, batch)
    public = [c for c in question.cases if not c.hidden and "full-batch" in c.name]
    assert public and not public[0].passed
    assert phrase in public[0].feedback, public[0].feedback


@pytest.mark.parametrize("module", sorted(hidden.SIGMOID_MODELS))
def test_large_input_cases_reach_z_of_about_1000(module):
    key = "Z2" if module == "two_layer_perceptron" else "Z"
    peaks = [float(np.abs(cache[key]).max()) for *_, cache, _ in hidden.large_problems(module)]
    assert all(1000 <= p <= 1250 for p in peaks), peaks
    # where exp(z) overflows: some z above 709 (not only large negative ones)
    assert max(float(cache[key].max()) for *_, cache, _ in hidden.large_problems(module)) > 1000


@pytest.mark.parametrize("module", sorted(hidden.SIGMOID_MODELS))
def test_a_naive_sigmoid_loses_the_large_input_case_and_only_it(tmp_path, questions, module):
    stable = grade_submission(_copy(tmp_path / "stable", module), questions)
    forward = _question(stable, f"{module}.forward")
    assert forward.score == forward.possible, forward.feedback()

    naive = grade_submission(_submission(tmp_path, module, *NAIVE), questions)
    forward = _question(naive, f"{module}.forward")
    failed = [c.name for c in forward.cases if not c.passed]
    assert failed == [next(c.name for c in forward.cases if "about 1000" in c.name)], failed
    assert forward.score == forward.possible - next(
        c.points for c in forward.cases if "about 1000" in c.name
    )


def _copy(folder: Path, module: str) -> Path:
    folder.mkdir()
    shutil.copyfile(SOLUTIONS / f"{module}.py", folder / f"{module}.py")
    return folder
