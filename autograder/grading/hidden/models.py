"""Hidden cases of the six model modules: the student's functions against the reference on
seeded inputs (distinct sizes >= 3, m = 1, |z| ~ 1000, saturated yhat). Instructors only:
`backprop release` leaves this folder out, and nothing here is ever printed to a student.

Expected values are computed by the reference in the grader process; the student's code only
ever sees the inputs. Feedback names likely mistakes by recomputing the answer with each known
mistake ("mutants") and looking for the one the student's result matches."""

from __future__ import annotations

from functools import cache

import numpy as np

from autograder.contract import BCE, CACHE, LOSS, PARAMS, uses_hidden_layer
from autograder.feedback import Feedback
from autograder.grading.cases.compare import MODIFIES_INPUTS, as_numeric, mismatch
from autograder.grading.cases.inputs import random_data, random_params, sizes_for
from autograder.grading.cases.properties import check_forward_output, check_init
from autograder.grading.cases.question import Case, make_call
from autograder.grading.hidden.reference import reference
from autograder.paths import MODEL_MODULES

# (n, k, m, seed): every size >= 3 and distinct within a config, plus a single example.
CONFIGS = [(4, 5, 7, 1), (5, 3, 6, 2), (3, 6, 1, 3)]
SIGMOID_MODELS = {"two_layer_sigmoid", "logistic_regression", "two_layer_perceptron"}


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


@cache
def problems(module: str, x_scale: float = 1.0):
    """Seeded (dims, params, X, y, reference cache, reference grads) for each config."""
    out = []
    for n, k, m, seed in CONFIGS:
        rng = np.random.default_rng(1000 + seed)
        dims = sizes_for(module, n, k, m)
        params = random_params(module, dims, rng)
        X, y = random_data(dims, rng, x_scale)
        _, ref_cache = reference(module).forward(params, X)
        grads = reference(module).backward(params, ref_cache, X, y)
        out.append((dims, params, X, y, ref_cache, grads))
    return out


# ------------------------------------------------------------------ mistakes ("mutants")
def forward_mistakes(module, params, X, ref_cache) -> dict[str, np.ndarray]:
    """yhat as it comes out of each classic forward mistake."""
    p = params
    if module in ("two_layer_linear", "two_layer_sigmoid"):
        Z = p["W1"] @ X
        hidden = Z if module == "two_layer_linear" else sigmoid(Z)
        out = {"the bias b1 is not added": p["w2"] @ hidden + p["b2"]}
        if module == "two_layer_sigmoid":
            out["A = sigmoid(Z) is missing: the second layer must take A, not Z"] = (
                p["w2"] @ ref_cache["Z"] + p["b2"]
            )
        return out
    if module == "univariate_regression":
        return {"the bias b is not added: yhat = w x + b": p["w"] * X}
    if module == "multivariate_regression":
        return {"the bias b is not added: yhat = w X + b": p["w"] @ X}
    if module == "logistic_regression":
        return {
            "the sigmoid is missing: yhat = sigmoid(w X + b)": ref_cache["Z"],
            "the bias b is not added: yhat = sigmoid(w X + b)": sigmoid(p["w"] @ X),
        }
    if module == "two_layer_perceptron":
        no_b1 = np.maximum(p["W1"] @ X, 0.0)
        return {
            "the ReLU is missing: A1 = relu(Z1)": sigmoid(p["w2"] @ ref_cache["Z1"] + p["b2"]),
            "the sigmoid is missing: yhat = sigmoid(Z2)": ref_cache["Z2"],
            "the bias b1 is not added": sigmoid(p["w2"] @ no_b1 + p["b2"]),
        }
    return {}


def backward_mistakes(module, params, ref_cache, X, y) -> dict[str, dict[str, np.ndarray]]:
    """grads as they come out of each classic backward mistake: {mistake: {key: value}}."""
    m = y.shape[1]
    c = ref_cache
    out: dict[str, dict[str, np.ndarray]] = {}

    def layer1(dZ):
        return {"W1": dZ @ X.T, "b1": np.sum(dZ, axis=1, keepdims=True)}

    if module == "two_layer_sigmoid":
        dA = params["w2"].T @ ((2 / m) * (c["yhat"] - y))
        out["the sigmoid derivative A * (1 - A) is missing"] = layer1(dA)
        out["the sigmoid derivative was taken of Z (Z * (1 - Z)) instead of A (A * (1 - A))"] = (
            layer1(dA * c["Z"] * (1 - c["Z"]))
        )
        out["dL/dw2 uses Z where the notes use A (the second layer's input is A)"] = {
            "w2": (2 / m) * (c["yhat"] - y) @ c["Z"].T
        }
    if module in ("logistic_regression", "two_layer_perceptron"):
        dZ2 = (c["yhat"] - y) * c["yhat"] * (1 - c["yhat"]) / m
        label = (
            "the sigmoid derivative is applied on top of the cross-entropy's; they cancel: "
            "dL/dZ = (yhat - y) / m"
        )
        if module == "logistic_regression":
            out[label] = {"w": dZ2 @ X.T, "b": np.sum(dZ2)}
        else:
            dA1 = params["w2"].T @ dZ2
            out[label] = {"w2": dZ2 @ c["A1"].T, "b2": np.sum(dZ2), **layer1(dA1 * (c["Z1"] > 0))}
            dA1 = params["w2"].T @ ((c["yhat"] - y) / m)
            out["the ReLU derivative (Z1 > 0) is missing"] = layer1(dA1)
    return out


# ------------------------------------------------------------------ cases
def _init_case(module):
    dims = sizes_for(module, 5, 3, 4)
    k = dims["k"] if uses_hidden_layer(module) else None
    call = make_call(module, "init_params", n=dims["n"], k=k, seeds=[7, 7, 8])
    return Case(
        "hidden: other sizes", 0.5, True, [call], lambda values: check_init(values[0], module, dims)
    )


def _forward_cases(module):
    def case(name, points, x_scale):
        probs = large_problems(module) if x_scale is None else problems(module, x_scale)
        calls = [
            make_call(module, "call", func="forward", args=[params, X])
            for _, params, X, _, _, _ in probs
        ]
        # the inputs are fixed: each mistake's yhat is computed once, not per submission
        wrong = [forward_mistakes(module, params, X, c) for _, params, X, _, c, _ in probs]

        def judge(values):
            for value, (dims, _, _, _, ref_cache, _), mistakes in zip(
                values, probs, wrong, strict=True
            ):
                problem = check_forward_output(value, module, dims)
                if problem:
                    return problem
                yhat, got_cache = value["result"]
                problem = mismatch(
                    f"{module}.forward: yhat",
                    yhat,
                    ref_cache["yhat"],
                    m=dims["m"],
                    mistakes=mistakes,
                )
                for key in CACHE[module]:
                    problem = problem or mismatch(
                        f"{module}.forward: cache[{key!r}]",
                        got_cache[key],
                        ref_cache[key],
                        m=dims["m"],
                    )
                if problem:
                    return problem + f" (m = {dims['m']})"
            return None

        return Case(name, points, True, calls, judge)

    edge = (
        "hidden: large inputs, |z| about 1000 (no overflow, no nan)"
        if module in SIGMOID_MODELS
        else "hidden: inputs ten times larger"
    )
    return [
        case("hidden: values on seeded inputs, m = 7, 6, 1", 1.0, 1.0),
        case(edge, 0.5, None if module in SIGMOID_MODELS else 10.0),
    ]


LARGE_Z = 1100.0  # exp(z) overflows above 709: exp(z) / (1 + exp(z)) is nan there


@cache
def large_problems(module: str):
    """The seeded problems with X scaled, per config, so that the largest z entering a sigmoid
    is about +LARGE_Z (positive, where a naive exp(z) overflows) and no |z| is much larger.
    z is linear in X (Z = W X + b), or nearly so for large X (Z2 = w2 relu(W1 X + b1) + b2),
    so a sign and a scale found far out are refined twice on the reference."""
    key = "Z2" if module == "two_layer_perceptron" else "Z"
    ref = reference(module)
    out = []
    for unit, zero in zip(problems(module, 1.0), problems(module, 0.0), strict=True):
        dims, params, X, y, _, _ = unit
        base = zero[4][key]

        def part(scale, X=X, params=params, base=base):
            return ref.forward(params, scale * X)[1][key] - base

        # probe far out, where the biases no longer matter and z grows linearly with the scale
        sign = 1.0 if part(1000.0).max() >= part(-1000.0).max() else -1.0
        unit_part = part(sign * 1000.0) / 1000.0
        # where no z can be made positive (a ReLU layer shut for this config), aim at |z|
        positive = unit_part.max() > 0.1 * np.abs(unit_part).max()

        def peak(z, positive=positive):
            return float(z.max() if positive else np.abs(z).max())

        scale = sign * LARGE_Z / max(peak(unit_part), 1e-12)
        for _ in range(2):
            scale *= LARGE_Z / max(peak(part(scale) + base), 1e-12)
        X_large = scale * X
        _, ref_cache = ref.forward(params, X_large)
        grads = ref.backward(params, ref_cache, X_large, y)
        out.append((dims, params, X_large, y, ref_cache, grads))
    return out


def _loss_cases(module):
    probs = problems(module)
    calls = [
        make_call(module, "call", func="loss", args=[c["yhat"], y]) for _, _, _, y, c, _ in probs
    ]

    def judge(values):
        for value, (dims, _, _, y, ref_cache, _) in zip(values, probs, strict=True):
            yhat = ref_cache["yhat"]
            expected = reference(module).loss(yhat, y)
            mistakes = {}
            if LOSS[module] == BCE:
                mistakes["only the y log(yhat) term: add (1 - y) log(1 - yhat)"] = (
                    -np.sum(y * np.log(yhat)) / dims["m"]
                )
            else:
                mistakes["the norm is not squared: L = (1/m) ||yhat - y||^2"] = (
                    np.linalg.norm(yhat - y) / dims["m"]
                )
            problem = mismatch(
                f"{module}.loss", value["result"], expected, m=dims["m"], mistakes=mistakes
            )
            if problem:
                return problem + f" (m = {dims['m']})"
        return None

    cases = [Case("hidden: values on seeded inputs, m = 7, 6, 1", 0.5, True, calls, judge)]
    if LOSS[module] == BCE:
        yhat = np.array([[0.0, 1.0, 0.3, 0.8]])
        y = np.array([[0.0, 1.0, 0.25, 0.6]])
        edge = make_call(module, "call", func="loss", args=[yhat, y])

        def judge_edge(values):
            got, problem = as_numeric(values[0]["result"], ())
            if problem:
                return (
                    f"{module}.loss with yhat exactly 0 or 1: {problem}; clip yhat to "
                    "[eps, 1 - eps] before taking the log"
                )
            expected = reference(module).loss(yhat, y)
            return (
                None
                if abs(got - expected) <= 1e-5 * expected
                else (f"{module}.loss with yhat exactly 0 or 1 has the wrong value")
            )

        cases.append(
            Case("hidden: yhat exactly 0 or 1 (finite loss)", 0.25, True, [edge], judge_edge)
        )
    else:
        cases[0].points = 0.75
    return cases


def _backward_cases(module):
    probs = problems(module)
    calls = [
        make_call(module, "call", func="backward", args=[params, c, X, y])
        for _, params, X, y, c, _ in probs
    ]
    mistakes = [backward_mistakes(module, params, c, X, y) for _, params, X, y, c, _ in probs]

    def judge_key(key):
        def judge(values):
            for value, (dims, _, _, _, _, grads), wrong in zip(
                values, probs, mistakes, strict=True
            ):
                if value["mutated"]:
                    return Feedback(
                        f"{module}.backward must not modify its inputs (params, cache, X or y)",
                        MODIFIES_INPUTS,
                    )
                got = value["result"]
                if not isinstance(got, dict) or key not in got:
                    return f"{module}.backward must return a dict with the key {key!r}"
                candidates = {label: alt[key] for label, alt in wrong.items() if key in alt}
                problem = mismatch(
                    f"{module}.backward: grads[{key!r}]",
                    got[key],
                    grads[key],
                    m=dims["m"],
                    mistakes=candidates,
                    key=key,
                )
                if problem:
                    return problem + f" (m = {dims['m']})"
            return None

        return judge

    shapes = PARAMS[module]
    return [
        Case(f"hidden: dL/d{key} on seeded inputs", 1.0, True, calls, judge_key(key))
        for key in shapes
    ]


def add_cases(questions: dict) -> None:
    for module in MODEL_MODULES:
        questions[f"{module}.init_params"].cases.append(_init_case(module))
        questions[f"{module}.forward"].cases += _forward_cases(module)
        questions[f"{module}.loss"].cases += _loss_cases(module)
        questions[f"{module}.backward"].cases += _backward_cases(module)
