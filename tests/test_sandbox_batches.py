"""The child is sent one question's calls at once (sandbox/parent.py, `batches`). That is safe
only if no call's inputs hold what another call of the same batch should answer: the child
then holds nothing that answers the call at hand. These tests run every call on the reference
solutions and look for any expected value of a call among the inputs of the other calls of its
batch; a batch of forward's and backward's calls together must be caught (backward's input
holds the reference's forward values)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from autograder.grading.cases.assignment import build_questions
from autograder.grading.sandbox import child
from autograder.grading.sandbox.parent import batches, question_of


def _calls() -> list[dict]:
    calls, seen = [], set()
    for question in build_questions():
        for case in question.cases:
            for call in case.calls:
                if call["id"] not in seen:
                    seen.add(call["id"])
                    calls.append(call)
    return calls


CALLS = _calls()


def _arrays(value) -> list[np.ndarray]:
    """Every number array (two or more elements) inside a value: a single number can match by
    chance; a vector or matrix of results cannot."""
    if isinstance(value, np.ndarray):
        return [value] if value.size >= 2 and value.dtype.kind in "fiu" else []
    if isinstance(value, dict):
        return [a for v in value.values() for a in _arrays(v)]
    if isinstance(value, (list, tuple)):
        return [a for v in value for a in _arrays(v)]
    return []


def _expected(call: dict):
    """What the reference solutions return for a call (as the child would run it)."""
    module = importlib.import_module(f"solutions.{call['module']}")
    return child.SCENARIOS[call["scenario"]](module, **call["args"])


def leaks(batch: list[dict]) -> list[tuple[str, str]]:
    """(answered call, other call) pairs of the batch where an expected array of the first is
    among the input arrays of the second, transposed or not."""
    found = []
    outputs = {c["id"]: _arrays(_expected(c)) for c in batch}
    for answered in batch:
        for other in batch:
            if other is answered:
                continue
            inputs = _arrays(other["args"])
            for out in outputs[answered["id"]]:
                for given in inputs:
                    if any(
                        given.shape == o.shape and np.allclose(given, o, rtol=1e-9, atol=0)
                        for o in (out, out.T)
                    ):
                        found.append((answered["id"], other["id"]))
    return found


def test_batches_are_runs_of_one_question_in_order():
    cut = batches(CALLS)
    assert [c for batch in cut for c in batch] == CALLS
    assert all(len({question_of(c) for c in batch}) == 1 for batch in cut)
    assert len(cut) == len({question_of(c) for c in CALLS})  # each question's calls together


@pytest.mark.parametrize("batch", batches(CALLS), ids=lambda b: question_of(b[0]))
def test_no_call_of_a_batch_holds_the_answer_of_another(batch):
    assert leaks(batch) == []


def test_the_leak_finder_catches_forward_and_backward_sent_together():
    """What batching by question keeps out: backward's inputs hold forward's expected values."""
    module = "two_layer_sigmoid"
    together = [c for c in CALLS if question_of(c) in (f"{module}.forward", f"{module}.backward")]
    pairs = leaks(together)
    assert pairs, "backward's cache holds the reference forward's values: must be found"
    assert all(a.startswith(f"{module}.forward") for a, _ in pairs)
