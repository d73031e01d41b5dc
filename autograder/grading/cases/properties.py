"""Checks of what the contract fixes, shared by the public and hidden cases: a params dict's
keys and shapes, init_params' scale and determinism, a forward's output, and mini-batches
(every example once per epoch, X and y columns together, the sizes asked for)."""

from __future__ import annotations

import numpy as np

from autograder.contract import CACHE, PARAMS, resolve
from autograder.feedback import Feedback
from autograder.grading.cases.compare import MODIFIES_INPUTS, as_numeric, describe


def check_shapes(label: str, name: str, values: dict, spec: dict, dims: dict) -> str | None:
    """The first entry of `values` (params, grads, a cache: every key of `spec` present) that is
    not numbers of its shape in `spec`, as feedback naming `name[key]`."""
    for key, shape in spec.items():
        _, problem = as_numeric(values[key], resolve(shape, dims))
        if problem:
            return f"{label}: {name}[{key!r}]: " + problem
    return None


def check_params_dict(label: str, params, module: str, dims: dict) -> str | None:
    spec = PARAMS[module]
    if not isinstance(params, dict):
        return f"{label} must return a dict of parameters, got {describe(params)}"
    if set(params) != set(spec):
        return f"{label} must return the keys {sorted(spec)}, got {sorted(params)}"
    return check_shapes(label, "params", params, spec, dims)


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
    return check_shapes(label, "cache", cache, CACHE[module], dims)
