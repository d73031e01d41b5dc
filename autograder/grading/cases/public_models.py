"""Public cases of the six model modules (`backprop check`): init_params, forward, loss and
backward by the contract (keys, shapes, types) and the student's backward against central
differences of the student's own loss. They need no solution."""

from __future__ import annotations

import numpy as np

from autograder.contract import CACHE, LOSS, MSE, PARAMS, resolve, uses_hidden_layer
from autograder.feedback import Feedback
from autograder.grading.cases.compare import MODIFIES_INPUTS, as_numeric, describe, relative_error
from autograder.grading.cases.inputs import (
    PUBLIC_SIZES,
    random_data,
    random_params,
    sizes_for,
)
from autograder.grading.cases.properties import check_forward_output, check_init, check_shapes
from autograder.grading.cases.question import Case, make_call
from autograder.paths import MODEL_MODULES


# ------------------------------------------------------------------ cases per question
def _init_case(module: str) -> Case:
    dims = sizes_for(module, 3, 4, 5)
    k = dims["k"] if uses_hidden_layer(module) else None
    call = make_call(module, "init_params", n=dims["n"], k=k, seeds=[0, 0, 1])
    return Case(
        "public: keys, shapes, small random weights, deterministic",
        0.5,
        False,
        [call],
        lambda values: check_init(values[0], module, dims),
    )


def _forward_case(module: str) -> Case:
    rng = np.random.default_rng(100)
    dims = sizes_for(module, **PUBLIC_SIZES)
    params, (X, _) = random_params(module, dims, rng), random_data(dims, rng)
    call = make_call(module, "call", func="forward", args=[params, X])

    def judge(values):
        return check_forward_output(values[0], module, dims)

    return Case("public: yhat and cache shapes", 0.5, False, [call], judge)


def _loss_case(module: str) -> Case:
    rng = np.random.default_rng(200)
    yhat, y = rng.uniform(0.05, 0.95, (1, 5)), rng.uniform(0.05, 0.95, (1, 5))
    calls = [
        make_call(module, "call", func="loss", args=[yhat, y]),
        make_call(module, "call", func="loss", args=[y, y]),
    ]

    def judge(values):
        label = f"{module}.loss"
        for value in values:
            if value["mutated"]:
                return Feedback(f"{label} must not modify yhat or y", MODIFIES_INPUTS)
            result, problem = as_numeric(value["result"], ())
            if problem:
                return f"{label}: " + problem
            if result < 0:
                return f"{label} returned a negative loss; it is a mean of non-negative terms"
        if LOSS[module] == MSE and float(values[1]["result"]) != 0.0:
            return f"{label}(y, y) should be 0: the error of a perfect prediction"
        return None

    return Case("public: a non-negative scalar", 0.25, False, calls, judge)


def _backward_cases(module: str) -> list[Case]:
    rng = np.random.default_rng(300)
    dims = sizes_for(module, **PUBLIC_SIZES)
    params, (X, y) = random_params(module, dims, rng), random_data(dims, rng)
    # keys and shapes do not depend on values: a cache of the contract's shapes (values in
    # (0, 1), like A and yhat) lets backward be checked without the student's forward
    cache = {
        key: rng.uniform(0.05, 0.95, resolve(shape, dims)) for key, shape in CACHE[module].items()
    }
    direct = make_call(module, "call", func="backward", args=[params, cache, X, y])
    call = make_call(module, "gradcheck", params=params, X=X, y=y)

    def judge_keys(values):
        label = f"{module}.backward"
        grads = values[0]["result"] if "result" in values[0] else values[0]["grads"]
        if not isinstance(grads, dict) or set(grads) != set(PARAMS[module]):
            keys = sorted(grads) if isinstance(grads, dict) else describe(grads)
            expected = sorted(PARAMS[module])
            return f"{label} must return a dict with the keys of params {expected}, got {keys}"
        return check_shapes(label, "grads", grads, PARAMS[module], dims)

    def judge_gradcheck(values):
        problem = judge_keys(values)
        if problem:
            return problem
        grads, numeric = values[0]["grads"], values[0]["numeric"]
        for key, shape in PARAMS[module].items():
            got, _ = as_numeric(grads[key], resolve(shape, dims))
            error = relative_error(got, np.asarray(numeric[key], dtype=float))
            if error > 1e-6:
                return (
                    f"{module}.backward: grads[{key!r}] disagrees with central differences of "
                    f"your own forward and loss (norm-relative error {error:.2g}); if forward "
                    "and loss pass, look at backward; run autograder.gradient_check for entries"
                )
        return None

    # The gradient check earns no points: it differentiates the student's own forward and loss,
    # so a wrong forward would otherwise also cost backward's points (and float32 work cannot
    # resolve its step). It is feedback; backward's points come from keys, shapes and hidden cases.
    return [
        Case("public: grads has the keys and shapes of params", 1.0, False, [direct], judge_keys),
        Case(
            "public: gradient check against your own forward and loss (feedback only)",
            0.0,
            False,
            [call],
            judge_gradcheck,
        ),
    ]


def add_cases(questions: dict) -> None:
    for module in MODEL_MODULES:
        questions[f"{module}.init_params"].cases.append(_init_case(module))
        questions[f"{module}.forward"].cases.append(_forward_case(module))
        questions[f"{module}.loss"].cases.append(_loss_case(module))
        questions[f"{module}.backward"].cases += _backward_cases(module)
