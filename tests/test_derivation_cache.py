"""The on-disk cache of scalar reference values (autograder/derivations/cache.py): it gives the
same values as deriving them, is keyed by the question's content, and a corrupt or foreign
entry is ignored (derived again and rewritten), so the cache can only save time."""

import dataclasses
import importlib
import json

import pytest

from autograder.derivations import QUESTIONS, cache, check, symbolic
from autograder.derivations.check import check_with

SCALAR = [q for q in QUESTIONS.values() if q.kind == "scalar"]
SOLVED = importlib.import_module("solutions.derivations")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    check._CACHE.clear()  # the per-process cache of prepared questions
    yield tmp_path
    check._CACHE.clear()


def _prepared(question):
    check._CACHE.clear()
    return check._prepare(question)


def _exact(values):
    return [v._mpf_ for v in values]


def _answers(question):
    """Texts whose verdicts must not depend on the cache: right, a misconception, wrong."""
    texts = [getattr(SOLVED, question.id), "0", f"2*{question.target}"]
    return texts + [w.formula for w in question.misconceptions]


def test_cached_values_equal_derived_ones_and_skip_sympy(folder, monkeypatch):
    question = SCALAR[0]
    derived = _exact(_prepared(question).reference)
    assert len(list(folder.glob("scalar-*.json"))) == 1

    def no_sympy(*args, **kwargs):
        raise AssertionError("the cache was not used")

    monkeypatch.setattr(symbolic, "reference", no_sympy)
    assert _exact(_prepared(question).reference) == derived


@pytest.mark.parametrize("question", SCALAR[:4], ids=lambda q: q.id)
def test_verdicts_same_with_cold_and_warm_cache(folder, question):
    cold = [check_with(question, text).to_dict() for text in _answers(question)]
    assert list(folder.glob("scalar-*.json"))
    check._CACHE.clear()
    warm = [check_with(question, text).to_dict() for text in _answers(question)]
    assert warm == cold
    assert cold[0]["credit"] == 1.0 and cold[1]["credit"] < 1.0  # the texts can tell apart


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda entry: "not json {",
        lambda entry: "",
        lambda entry: json.dumps({"key": "someone else's", "values": entry["values"]}),
        lambda entry: json.dumps({"key": entry["key"], "values": entry["values"][:-1]}),
        lambda entry: json.dumps({"key": entry["key"], "values": [[0, "0x2", 0, 2]] * 6}),
        lambda entry: json.dumps({"key": entry["key"], "values": [["x"]] * 6}),
        lambda entry: json.dumps([1, 2, 3]),
    ],
    ids=["garbage", "empty", "wrong-key", "too-few", "not-normalised", "malformed", "a-list"],
)
def test_corrupt_entry_is_ignored_and_rewritten(folder, corrupt):
    question = SCALAR[0]
    derived = _exact(_prepared(question).reference)
    (path,) = folder.glob("scalar-*.json")
    entry = json.loads(path.read_text())
    right = check_with(question, getattr(SOLVED, question.id)).to_dict()
    path.write_text(corrupt(entry))
    assert _exact(_prepared(question).reference) == derived
    assert json.loads(path.read_text()) == entry  # derived again and rewritten
    path.write_text(corrupt(entry))
    check._CACHE.clear()
    assert check_with(question, getattr(SOLVED, question.id)).to_dict() == right


def test_key_changes_with_question_content(folder):
    question = SCALAR[0]
    points = _prepared(question).envs
    points = [{name: p[name] for name in question.variables} for p in points]
    digits = symbolic.DIGITS
    base = cache.key(question, points, digits)
    assert cache.key(question, points, digits) == base  # deterministic
    name = sorted(question.variables)[0]
    low, high = question.variables[name]
    changed = [
        dataclasses.replace(question, function=f"({question.function}) * 2"),
        dataclasses.replace(question, target=name if name != question.target else "zz"),
        dataclasses.replace(question, variables={**question.variables, name: (low, high + 1)}),
        dataclasses.replace(question, definitions={**question.definitions, "extra": "1"}),
    ]
    keys = {cache.key(q, points, digits) for q in changed}
    keys.add(cache.key(question, points, digits + 1))
    moved = [dict(p) for p in points]
    moved[0][name] = moved[0][name] * 2
    keys.add(cache.key(question, moved, digits))
    assert base not in keys and len(keys) == 6


def test_changed_question_is_derived_not_served_from_cache(folder):
    """The same id with another function (another question file) gets its own values."""
    question = SCALAR[0]
    before = _exact(_prepared(question).reference)
    other = dataclasses.replace(question, function=f"({question.function}) * 3")
    after = _exact(_prepared(other).reference)
    assert after != before
    assert len(list(folder.glob("scalar-*.json"))) == 2


def test_unwritable_cache_is_skipped(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.ENV, str(blocker / "cache"))
    question = SCALAR[0]
    check._CACHE.clear()
    try:
        assert check_with(question, getattr(SOLVED, question.id)).credit == 1.0
    finally:
        check._CACHE.clear()
