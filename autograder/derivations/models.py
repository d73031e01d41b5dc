"""A forward pass as a small program in the answer language, and random instances of it.

A Model is the forward pass of a question (`Z = W1 @ X + b1`, ..., `L = ...`), run by the same
interpreter that evaluates answers, so an instance binds every symbol a student may use (the
inputs, Z, A, yhat...) to values from one consistent forward pass. Inputs are drawn uniformly
from their domain ([-2, 2] unless the question file says otherwise); `grads` lists upstream
gradients (dZ1...) that some questions let students use: they are derived by reverse-mode
differentiation of the forward pass (autodiff.py), never typed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from autograder.derivations.evaluate import numeric
from autograder.derivations.parse import Node, parse

# Three instances per check, each with distinct sizes >= 3 (so 2/m != 1 and a missing transpose
# never keeps the shape). Other dimension names get the next free sizes.
SIZES = ({"n": 3, "m": 5, "k": 4}, {"n": 4, "m": 7, "k": 3}, {"n": 6, "m": 4, "k": 5})
DOMAIN = (-2.0, 2.0)

MSE = "1/m * sum((yhat - y)**2)"
CROSS_ENTROPY = "-1/m * sum(y * log(yhat) + (1 - y) * log(1 - yhat))"


@dataclass(frozen=True, eq=False)
class Model:
    name: str
    shapes: dict  # every symbol (inputs and intermediates) -> shape (dims "n", "m", 1; () scalar)
    forward: tuple  # ((name, formula), ...), ending with ("L", loss)
    grads: tuple = ()  # upstream gradients ("dZ2", ...) derived for the students to use
    description: str = ""
    domain: dict = field(default_factory=dict)  # input -> (low, high); default DOMAIN

    @property
    def names(self) -> frozenset:
        return frozenset(self.shapes) | {"m", "ones"} | frozenset(self.grads)

    @property
    def inputs(self) -> tuple:
        assigned = {name for name, _ in self.forward}
        return tuple(name for name in self.shapes if name not in assigned)

    @property
    def dimensions(self) -> tuple:
        found = {d for shape in self.shapes.values() for d in shape if isinstance(d, str)}
        return tuple(sorted(found - {"m"}))


def seed_of(*parts) -> int:
    """A seed that depends only on the text (Python's hash() changes between runs)."""
    digest = hashlib.sha256("/".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "little")


def dims(shape: tuple, sizes: dict) -> tuple:
    return tuple(sizes[d] if isinstance(d, str) else d for d in shape)


def sizes_for(model: Model, base: dict) -> dict:
    """base (SIZES[i]) extended with distinct sizes >= 3 for the model's other dimensions."""
    sizes = dict(base)
    free = (s for s in range(3, 100) if s not in sizes.values())
    for name in model.dimensions:
        if name not in sizes:
            sizes[name] = next(free)
    return sizes


@lru_cache(maxsize=4096)
def compiled(formula: str, names: frozenset) -> Node:
    return parse(formula, names)


@lru_cache(maxsize=1024)
def program(model: Model) -> tuple:
    """The forward lines as ((name, tree), ...), products resolved by the shapes."""
    from autograder.derivations.shapes import infer

    shapes = {**model.shapes, "m": (), "ones": ("m", 1)}
    return tuple(
        (name, infer(compiled(formula, model.names), shapes)[1]) for name, formula in model.forward
    )


def instance(model: Model, seed: int, sizes: dict, override: dict | None = None) -> dict:
    """Bind every symbol of `model` on one random instance: each input uniform in its domain,
    then the forward pass and the upstream gradients. `override` replaces an input or an
    intermediate value (for finite differences)."""
    rng = np.random.default_rng(seed)
    sizes = sizes_for(model, sizes)
    env = {"m": float(sizes["m"]), "ones": np.ones((sizes["m"], 1))}
    for name in model.inputs:
        low, high = model.domain.get(name, DOMAIN)
        shape = dims(model.shapes[name], sizes)
        env[name] = rng.uniform(low, high, shape) if shape else float(rng.uniform(low, high))
    override = override or {}
    env.update({k: v for k, v in override.items() if k in env})
    lines = program(model)
    with np.errstate(all="ignore"):
        for name, tree in lines:
            env[name] = override[name] if name in override else numeric(tree, env)
    if model.grads and not override:  # finite differences only need L
        from autograder.derivations.autodiff import gradients

        derived = gradients(lines, env)
        for grad in model.grads:
            env[grad] = derived[grad[1:]]
    return env


def instances(model: Model, key: str) -> list[dict]:
    """The instances a question is checked on; the same key gives the same numbers every run."""
    return [instance(model, seed_of(key, i), sizes) for i, sizes in enumerate(SIZES)]


def truth(model: Model, target: str, env: dict):
    """dL/d(target) on one instance, derived from the forward pass (autodiff.py)."""
    from autograder.derivations.autodiff import gradients

    return gradients(program(model), env)[target]


def finite_difference(model: Model, seed: int, sizes: dict, target: str, h: float = 1e-5):
    """dL/d(target) by central differences, where target is an input or an intermediate
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
