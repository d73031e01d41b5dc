"""Public test cases: what `backprop check` runs on a student's files. They need no solution:
they check the contract (keys, shapes, types), properties (determinism, every example once),
the student's backward against central differences of the student's own loss, and a few
numbers worked by hand from the update rules."""

from __future__ import annotations

import numpy as np

from autograder.contract import CACHE, LOSS, MSE, PARAMS, resolve, uses_hidden_layer
from autograder.feedback import Feedback
from autograder.grading.cases.compare import MODIFIES_INPUTS, as_numeric, describe, relative_error
from autograder.grading.cases.question import OPTIMIZER_CLASSES, Case, make_call
from autograder.grading.sandbox.child import ProbeModel
from autograder.paths import MODEL_MODULES

PUBLIC_SIZES = {"n": 3, "k": 4, "m": 5}


def sizes_for(module: str, n: int, k: int, m: int) -> dict[str, int]:
    return {"n": 1 if module == "univariate_regression" else n, "k": k, "m": m}


def random_params(module: str, dims: dict, rng, scale: float = 1.0) -> dict:
    return {
        key: scale * rng.standard_normal(resolve(shape, dims)) if shape else float(rng.normal())
        for key, shape in PARAMS[module].items()
    }


def random_data(dims: dict, rng, x_scale: float = 1.0):
    X = x_scale * rng.standard_normal((dims["n"], dims["m"]))
    y = rng.uniform(0.05, 0.95, size=(1, dims["m"]))  # continuous labels: y^2 != y
    return X, y


# ------------------------------------------------------------------ property checks
def check_params_dict(label: str, params, module: str, dims: dict) -> str | None:
    spec = PARAMS[module]
    if not isinstance(params, dict):
        return f"{label} must return a dict of parameters, got {describe(params)}"
    if set(params) != set(spec):
        return f"{label} must return the keys {sorted(spec)}, got {sorted(params)}"
    for key, shape in spec.items():
        _, problem = as_numeric(params[key], resolve(shape, dims))
        if problem:
            return f"{label}: params[{key!r}]: " + problem
    return None


def check_init(results, module: str, dims: dict) -> str | None:
    """init_params: keys, shapes, small non-zero weights, deterministic for a given rng."""
    label = f"{module}.init_params({dims['n']}, {dims['k']}, rng)"
    first, again, other = (r["params"] for r in results)
    problem = check_params_dict(label, first, module, dims)
    if problem:
        return problem
    weights = [key for key in PARAMS[module] if key.lower().startswith("w")]
    for key in weights:
        value = np.asarray(first[key], dtype=float)
        if np.all(value == 0):
            return f"{label}: {key} is all zeros; draw small random weights (zeros stay symmetric)"
        if np.max(np.abs(value)) >= 1:
            return f"{label}: {key} should be small (|entries| < 1); scale the random draw"
    if not results[0]["rng_used"]:
        return f"{label} must draw from the rng it is given (rng.standard_normal(...))"
    same = all(np.array_equal(first[k], again[k]) for k in first)
    if not same:
        return f"{label} gave different params for two generators with the same seed"
    if all(np.array_equal(first[k], other[k]) for k in weights):
        return f"{label} gave the same weights for different seeds: use the rng argument"
    return None


def check_batches(result, X, y, batch_size: int, label: str) -> str | None:
    """minibatches: sizes, each example exactly once, X and y columns kept together."""
    batches = result["batches"]
    m = X.shape[1]
    if not isinstance(batches, list) or not batches:
        return f"{label} yielded no batches"
    sizes, ids = [], []
    for i, batch in enumerate(batches):
        if not (isinstance(batch, list) and len(batch) == 2):
            return f"{label}: batch {i} should be a pair (X_batch, y_batch), got {describe(batch)}"
        Xb, yb = batch
        if not (isinstance(Xb, np.ndarray) and Xb.ndim == 2 and Xb.shape[0] == X.shape[0]):
            return f"{label}: X_batch should have shape ({X.shape[0]}, b), got {describe(Xb)}"
        if not (isinstance(yb, np.ndarray) and yb.shape == (1, Xb.shape[1])):
            return f"{label}: y_batch should have shape (1, {Xb.shape[1]}), got {describe(yb)}"
        if not (
            np.array_equal(Xb[1:], X[1:, np.rint(Xb[0]).astype(int) % m])
            and np.array_equal(yb[0], y[0, np.rint(Xb[0]).astype(int) % m])
        ):
            return f"{label}: the columns of X_batch and y_batch are not the same examples"
        sizes.append(Xb.shape[1])
        ids += [int(v) for v in np.rint(Xb[0])]
    expected_sizes = [batch_size] * (m // batch_size) + ([m % batch_size] if m % batch_size else [])
    if sorted(ids) != list(range(m)):
        return f"{label}: every example must appear exactly once per epoch"
    if sizes != expected_sizes:
        return f"{label}: batch sizes should be {expected_sizes}, got {sizes}"
    if not result["rng_used"]:
        return f"{label} must shuffle with the rng it is given (rng.permutation(m))"
    return None


def id_data(m: int, n: int = 3, seed: int = 0):
    """X whose first row holds example ids 0..m-1, other rows features; y tied to the ids."""
    rng = np.random.default_rng(seed)
    X = np.vstack([np.arange(m, dtype=float), rng.standard_normal((n - 1, m))])
    y = rng.uniform(0.05, 0.95, size=(1, m))
    return X, y


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


def check_forward_output(value, module: str, dims: dict) -> str | None:
    label = f"{module}.forward"
    if value["mutated"]:
        return Feedback(
            f"{label} must not modify its inputs (it changed params or X)", MODIFIES_INPUTS
        )
    out = value["result"]
    if not (isinstance(out, list) and len(out) == 2):
        return f"{label} must return a pair (yhat, cache), got {describe(out)}"
    yhat, cache = out
    _, problem = as_numeric(yhat, (1, dims["m"]))
    if problem:
        return f"{label}: yhat: " + problem
    if not isinstance(cache, dict):
        return f"{label}: cache must be a dict, got {describe(cache)}"
    missing = [key for key in CACHE[module] if key not in cache]
    if missing:
        return f"{label}: cache must hold {sorted(CACHE[module])}; missing {missing}"
    for key, shape in CACHE[module].items():
        _, problem = as_numeric(cache[key], resolve(shape, dims))
        if problem:
            return f"{label}: cache[{key!r}]: " + problem
    return None


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
        for key, shape in PARAMS[module].items():
            _, problem = as_numeric(grads[key], resolve(shape, dims))
            if problem:
                return f"{label}: grads[{key!r}]: " + problem
        return None

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
    for module in MODEL_MODULES:
        questions[f"{module}.init_params"].cases.append(_init_case(module))
        questions[f"{module}.forward"].cases.append(_forward_case(module))
        questions[f"{module}.loss"].cases.append(_loss_case(module))
        questions[f"{module}.backward"].cases += _backward_cases(module)
    for cls in OPTIMIZER_CLASSES:
        questions[f"optimizers.{cls}"].cases.append(_optimizer_case(cls))
    questions["optimizers.minibatches"].cases.append(_minibatches_case())
    questions["optimizers.train"].cases.append(_train_case())
