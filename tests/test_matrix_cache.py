"""The on-disk cache of the matrix questions' instances and reference gradients
(autograder/derivations/matrix_cache.py): a loaded entry equals the computed values bit for bit
(type, dtype, shape, memory layout), it is keyed by the question's model, a corrupt entry is
ignored and rewritten, and verdicts do not depend on it."""

import dataclasses
import importlib
import json

import numpy as np
import pytest

from autograder.derivations import QUESTIONS, cache, check, matrix_cache, models
from autograder.derivations.check import check_with

MATRIX = [q for q in QUESTIONS.values() if q.kind == "matrix"]
SOLVED = importlib.import_module("solutions.derivations")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    check._CACHE.clear()
    yield tmp_path
    check._CACHE.clear()


def _prepared(question):
    check._CACHE.clear()
    return check._prepare(question)


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        if (a.dtype, a.shape, a.strides) != (b.dtype, b.shape, b.strides):
            return False
    return bool(np.array_equal(a, b, equal_nan=True))


def _fresh(question):
    envs = models.instances(question.model, question.model.name + "/" + question.id)
    truth = [np.asarray(models.truth(question.model, question.target, e), float) for e in envs]
    return envs, truth


@pytest.mark.parametrize("question", MATRIX, ids=lambda q: q.id)
def test_loaded_entry_equals_computed_values(folder, question):
    _prepared(question)  # computes and stores
    assert len(list(folder.glob("matrix-*.json"))) == 1
    loaded = _prepared(question)  # from the file
    envs, truth = _fresh(question)
    assert [list(e) for e in loaded.envs] == [list(e) for e in envs]
    for got, want in zip(loaded.envs, envs, strict=True):
        assert all(_same(got[k], want[k]) for k in want), question.id
    assert all(_same(g, w) for g, w in zip(loaded.reference, truth, strict=True))


def test_cache_is_used(folder, monkeypatch):
    question = MATRIX[0]
    _prepared(question)

    def no_derivation(*args, **kwargs):
        raise AssertionError("the cache was not used")

    monkeypatch.setattr(check, "truth", no_derivation)
    monkeypatch.setattr(check, "instances", no_derivation)
    _prepared(question)


@pytest.mark.parametrize("question", MATRIX[:3], ids=lambda q: q.id)
def test_verdicts_same_with_cold_and_warm_cache(folder, question):
    texts = [getattr(SOLVED, question.id), "0", f"2*{question.target}"]
    texts += [w.formula for w in question.misconceptions]
    cold = [check_with(question, t).to_dict() for t in texts]
    check._CACHE.clear()
    warm = [check_with(question, t).to_dict() for t in texts]
    assert warm == cold
    assert cold[0]["credit"] == 1.0 and cold[1]["credit"] < 1.0


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda entry: "not json {",
        lambda entry: json.dumps({**entry, "key": "someone else's"}),
        lambda entry: json.dumps({**entry, "reference": entry["reference"][:-1]}),
        lambda entry: json.dumps({**entry, "reference": [["a", [2], "X", [1.0, 2.0]]] * 3}),
        lambda entry: json.dumps({**entry, "reference": [["f", 1.0]] * 3}),
        lambda entry: json.dumps({**entry, "envs": [[["m", ["z", 1]]]] * 3}),
        lambda entry: json.dumps([1, 2, 3]),
    ],
    ids=["garbage", "wrong-key", "too-few", "bad-order", "not-arrays", "bad-tag", "a-list"],
)
def test_corrupt_entry_is_ignored_and_rewritten(folder, corrupt):
    question = MATRIX[0]
    _prepared(question)
    (path,) = folder.glob("matrix-*.json")
    entry = json.loads(path.read_text())
    path.write_text(corrupt(entry))
    prepared = _prepared(question)
    envs, truth = _fresh(question)
    assert all(_same(g, w) for g, w in zip(prepared.reference, truth, strict=True))
    assert json.loads(path.read_text()) == entry  # computed again and rewritten


def test_key_changes_with_the_model(folder):
    question = MATRIX[0]
    base = matrix_cache.key(question, "s", models.SIZES)
    assert matrix_cache.key(question, "s", models.SIZES) == base
    model = question.model
    name = model.inputs[0]
    changed = [
        dataclasses.replace(question, target=name if name != question.target else "L"),
        dataclasses.replace(question, id=question.id + "x"),
        dataclasses.replace(question, model=dataclasses.replace(model, forward=model.forward[:-1])),
        dataclasses.replace(question, model=dataclasses.replace(model, domain={name: (0.0, 1.0)})),
    ]
    keys = {matrix_cache.key(q, "s", models.SIZES) for q in changed}
    keys.add(matrix_cache.key(question, "t", models.SIZES))
    keys.add(matrix_cache.key(question, "s", models.SIZES[:2]))
    assert base not in keys and len(keys) == 6
