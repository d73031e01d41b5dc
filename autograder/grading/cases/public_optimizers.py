"""Public cases of optimizers.py (`backprop check`): one step of each optimizer worked by hand
from its update rule, minibatches by its properties, and train by its contract (one step per
batch, the loss before each update as a float). They need no solution."""

from __future__ import annotations

import numpy as np

from autograder.grading.cases.compare import as_numeric, describe
from autograder.grading.cases.inputs import (
    id_data,
)
from autograder.grading.cases.properties import (
    check_batches,
)
from autograder.grading.cases.question import OPTIMIZER_CLASSES, Case, make_call
from autograder.grading.sandbox.child import ProbeModel

# One step from p = 1.0 with g = 0.5 and lr = 0.1, worked by hand from the update rules.
ONE_STEP = {
    "GD": ({}, 0.95),  # 1 - 0.1 * 0.5
    "Momentum": ({"beta": 0.9}, 0.995),  # v = 0.1 * 0.5; 1 - 0.1 * 0.05
    "RMSprop": ({"beta": 0.9}, 1 - 0.05 / (0.025**0.5 + 1e-8)),  # s = 0.1 * 0.25
    "Adam": ({}, 1 - 0.1 * 0.5 / (0.5 + 1e-8)),  # vhat = 0.5, shat = 0.25
}


def _optimizer_case(cls: str) -> Case:
    kwargs, expected = ONE_STEP[cls]
    call = make_call(
        "optimizers",
        "optimizer_trace",
        cls=cls,
        kwargs={"lr": 0.1, **kwargs},
        params={"w": 1.0},
        grads_seq=[{"w": 0.5}],
    )

    def judge(values):
        label = f"optimizers.{cls}.step"
        trace = values[0]["trace"]
        got, problem = as_numeric(trace[0].get("w"), ())
        if problem:
            return f"{label}: params['w'] after one step: " + problem
        if abs(got - expected) > 1e-9:
            return (
                f"{label}: one step from p = 1.0 with g = 0.5, lr = 0.1"
                f"{', beta = 0.9' if kwargs else ''} should give {expected:.10g}, got {got:.10g}"
            )
        return None

    return Case("public: one step worked by hand", 0.5, False, [call], judge)


def _minibatches_case() -> Case:
    X, y = id_data(10)
    call = make_call("optimizers", "minibatches", X=X, y=y, batch_size=4, seeds=[3, 3, 4])

    def judge(values):
        label = "optimizers.minibatches(X of 10 examples, batch_size=4)"
        first, again, other = values[0]
        problem = check_batches(first, X, y, 4, label)
        if problem:
            return problem
        order = [np.rint(b[0][0]).tolist() for b in first["batches"]]
        if order == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]:
            return f"{label} did not shuffle the examples"
        if [np.rint(b[0][0]).tolist() for b in again["batches"]] != order:
            return f"{label} gave different batches for two generators with the same seed"
        if [np.rint(b[0][0]).tolist() for b in other["batches"]] == order:
            return f"{label} gave the same order for different seeds: shuffle with the given rng"
        return None

    return Case(
        "public: batch sizes, every example once, shuffled with the rng", 1.0, False, [call], judge
    )


def _train_case() -> Case:
    X, y = id_data(6)
    params = {"w": np.full((1, 3), 0.1)}
    call = make_call(
        "optimizers", "train", X=X, y=y, params=params, epochs=3, batch_size=None, seed=None, lr=0.1
    )

    def judge(values):
        label = "optimizers.train(model, params, X, y, optimizer, epochs=3)"
        losses, seen = values[0]["losses"], values[0]["seen"]
        ids = list(range(6))
        if not isinstance(losses, list) or len(losses) != 3:
            got = describe(losses)
            return f"{label} must return a list with one loss per step (3 steps), got {got}"
        if not all(type(v) is float for v in losses):
            got = [describe(v) for v in losses]
            return f"{label} must return Python floats (float(loss)), got {got}"
        # one full-batch step per epoch fixes which examples each step uses, not their order
        if not isinstance(seen, list) or len(seen) != 3 or any(sorted(s) != ids for s in seen):
            return f"{label} with batch_size=None must take one full-batch step per epoch"
        seen_y = values[0].get("seen_y")
        if (
            not isinstance(seen_y, list)
            or len(seen_y) != len(seen)
            or any(
                not np.array_equal(np.asarray(labels, dtype=float), y[0, s])
                for s, labels in zip(seen, seen_y, strict=True)
            )
        ):
            return f"{label}: the columns of X and y in a step are not the same examples"
        first = ProbeModel().loss(params["w"] @ X, y)
        if abs(losses[0] - first) > 1e-9 * max(1, first):
            return f"{label}: the first loss must be that of the initial params (before the update)"
        return None

    return Case(
        "public: one full-batch step per epoch, losses as floats", 1.0, False, [call], judge
    )


def add_cases(questions: dict) -> None:
    for cls in OPTIMIZER_CLASSES:
        questions[f"optimizers.{cls}"].cases.append(_optimizer_case(cls))
    questions["optimizers.minibatches"].cases.append(_minibatches_case())
    questions["optimizers.train"].cases.append(_train_case())
