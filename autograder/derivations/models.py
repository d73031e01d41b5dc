"""The networks of the notes as small forward programs, and random instances of them.

A Model is the forward pass written in the answer language itself (`Z = W1 @ X + b1`), run by
the same interpreter that evaluates answers, so an instance binds every symbol a student may use
(X, y, the parameters, Z, A, yhat...) to values from one consistent forward pass, and yhat may
stand for its definition. `backward` lists upstream gradients (dZ1...) that some questions let
students use, computed from their reference formulas (tests check them against finite
differences like every reference answer).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from autograder.derivations.evaluate import numeric
from autograder.derivations.parse import Node, parse

# Three instances per check, each with distinct sizes >= 3 (so 2/m != 1 and a missing transpose
# never keeps the shape).
SIZES = ({"n": 3, "m": 5, "k": 4}, {"n": 4, "m": 7, "k": 3}, {"n": 6, "m": 4, "k": 5})

MSE = "1/m * sum((yhat - y)**2)"
CROSS_ENTROPY = "-1/m * sum(y * log(yhat) + (1 - y) * log(1 - yhat))"


@dataclass(frozen=True)
class Model:
    name: str
    shapes: dict  # every symbol -> shape (dims "n", "m", "k", 1; () for scalars)
    params: tuple  # drawn from N(0, 1)
    forward: tuple  # ((name, formula), ...), ending with ("L", loss)
    backward: tuple = ()  # ((name, formula), ...) upstream gradients, in order
    description: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def names(self) -> frozenset:
        return frozenset(self.shapes) | {"m", "ones"}


def seed_of(*parts) -> int:
    """A seed that depends only on the text (Python's hash() changes between runs)."""
    digest = hashlib.sha256("/".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "little")


def dims(shape: tuple, sizes: dict) -> tuple:
    return tuple(sizes[d] if isinstance(d, str) else d for d in shape)


@lru_cache(maxsize=4096)
def compiled(formula: str, names: frozenset) -> Node:
    return parse(formula, names)


def instance(model: Model, seed: int, sizes: dict, override: dict | None = None) -> dict:
    """Bind every symbol of `model` on one random instance: X ~ N(0, 1), labels y ~ U(0.05, 0.95)
    (continuous, so y**2 != y), parameters ~ N(0, 1), then the forward and backward programs.
    `override` replaces an input or an intermediate value (for finite differences)."""
    rng = np.random.default_rng(seed)
    env = {"m": float(sizes["m"]), "ones": np.ones((sizes["m"], 1))}
    m = sizes["m"]
    data = {"X": (sizes["n"], m), "x": (1, m), "y": (1, m)}
    for name, shape in data.items():
        if name in model.shapes:
            env[name] = (
                rng.uniform(0.05, 0.95, shape) if name == "y" else rng.standard_normal(shape)
            )
    for name in model.params:
        shape = dims(model.shapes[name], sizes)
        env[name] = rng.standard_normal(shape) if shape else float(rng.standard_normal())
    override = override or {}
    env.update({k: v for k, v in override.items() if k in env})
    with np.errstate(all="ignore"):
        for name, formula in (*model.forward, *model.backward):
            if name in override:
                env[name] = override[name]
            else:
                env[name] = numeric(compiled(formula, model.names), env)
    return env


def instances(model: Model, key: str) -> list[dict]:
    """The instances a question is checked on; the same key gives the same numbers every run."""
    return [instance(model, seed_of(key, i), sizes) for i, sizes in enumerate(SIZES)]


def _model(name, shapes, params, forward, backward=(), description=""):
    return Model(name, shapes, params, tuple(forward), tuple(backward), description)


UNIVARIATE = _model(
    "univariate_regression",
    {"x": (1, "m"), "y": (1, "m"), "w": (), "b": (), "yhat": (1, "m")},
    ("w", "b"),
    [("yhat", "w * x + b"), ("L", MSE)],
    description="yhat = w x + b,  L = (1/m) ||yhat - y||^2",
)
MULTIVARIATE = _model(
    "multivariate_regression",
    {"X": ("n", "m"), "y": (1, "m"), "w": (1, "n"), "b": (), "yhat": (1, "m")},
    ("w", "b"),
    [("yhat", "w @ X + b"), ("L", MSE)],
    description="yhat = w X + b,  L = (1/m) ||yhat - y||^2",
)
_TWO_LAYER = {
    "X": ("n", "m"),
    "y": (1, "m"),
    "W1": ("k", "n"),
    "b1": ("k", 1),
    "w2": (1, "k"),
    "b2": (),
    "Z": ("k", "m"),
    "yhat": (1, "m"),
}
TWO_LAYER_LINEAR = _model(
    "two_layer_linear",
    _TWO_LAYER,
    ("W1", "b1", "w2", "b2"),
    [("Z", "W1 @ X + b1"), ("yhat", "w2 @ Z + b2"), ("L", MSE)],
    description="Z = W1 X + b1,  yhat = w2 Z + b2,  L = (1/m) ||yhat - y||^2",
)
TWO_LAYER_SIGMOID = _model(
    "two_layer_sigmoid",
    {**_TWO_LAYER, "A": ("k", "m")},
    ("W1", "b1", "w2", "b2"),
    [("Z", "W1 @ X + b1"), ("A", "sigmoid(Z)"), ("yhat", "w2 @ A + b2"), ("L", MSE)],
    description="Z = W1 X + b1,  A = sigmoid(Z),  yhat = w2 A + b2,  L = (1/m) ||yhat - y||^2",
)
LOGISTIC = _model(
    "logistic_regression",
    {
        "X": ("n", "m"),
        "y": (1, "m"),
        "w": (1, "n"),
        "b": (),
        "Z": (1, "m"),
        "yhat": (1, "m"),
        "dZ": (1, "m"),
    },
    ("w", "b"),
    [("Z", "w @ X + b"), ("yhat", "sigmoid(Z)"), ("L", CROSS_ENTROPY)],
    [("dZ", "1/m * (yhat - y)")],
    description="Z = w X + b,  yhat = sigmoid(Z),  "
    "L = -(1/m) sum(y log(yhat) + (1 - y) log(1 - yhat))",
)
PERCEPTRON = _model(
    "two_layer_perceptron",
    {
        "X": ("n", "m"),
        "y": (1, "m"),
        "W1": ("k", "n"),
        "b1": ("k", 1),
        "w2": (1, "k"),
        "b2": (),
        "Z1": ("k", "m"),
        "A1": ("k", "m"),
        "Z2": (1, "m"),
        "yhat": (1, "m"),
        "dZ2": (1, "m"),
        "dA1": ("k", "m"),
        "dZ1": ("k", "m"),
    },
    ("W1", "b1", "w2", "b2"),
    [
        ("Z1", "W1 @ X + b1"),
        ("A1", "relu(Z1)"),
        ("Z2", "w2 @ A1 + b2"),
        ("yhat", "sigmoid(Z2)"),
        ("L", CROSS_ENTROPY),
    ],
    [("dZ2", "1/m * (yhat - y)"), ("dA1", "w2.T @ dZ2"), ("dZ1", "dA1 * step(Z1)")],
    description="Z1 = W1 X + b1,  A1 = relu(Z1),  Z2 = w2 A1 + b2,  yhat = sigmoid(Z2),  "
    "L = -(1/m) sum(y log(yhat) + (1 - y) log(1 - yhat))",
)

MODELS = {
    model.name: model
    for model in (
        UNIVARIATE,
        MULTIVARIATE,
        TWO_LAYER_LINEAR,
        TWO_LAYER_SIGMOID,
        LOGISTIC,
        PERCEPTRON,
    )
}


def finite_difference(model: Model, seed: int, sizes: dict, target: str, h: float = 1e-5):
    """dL/d(target) by central differences, where target is a parameter or an intermediate
    value of the forward pass (perturbed and propagated through the rest of it)."""
    base = instance(model, seed, sizes)
    value = np.array(base[target], dtype=float)
    grad = np.zeros_like(value)
    for index in np.ndindex(value.shape):
        values = []
        for sign in (1, -1):
            moved = value.copy()
            moved[index] += sign * h
            moved_value = moved if moved.shape else float(moved)
            values.append(instance(model, seed, sizes, {target: moved_value})["L"])
        grad[index] = (values[0] - values[1]) / (2 * h)
    return grad
