"""Evaluate an expression tree on numbers: float64 numpy arrays for the matrix questions, 40-digit
mpmath numbers for the scalar ones. Only the node types the parser lets through exist, so this
is a plain recursive interpreter; a deadline is checked at every node, and values that blow up
(exp of exp of ...) become nan instead of taking unbounded time or memory."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import numpy as np

from autograder.derivations.parse import Node

DIGITS = 40
# Beyond this magnitude a scalar answer has left any sensible range (exp(exp(exp(x)))).
MP_LIMIT = 10**60


class Timeout(RuntimeError):
    """The evaluation ran past its deadline."""


def _tick(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise Timeout


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


_NUMPY = {
    "sigmoid": sigmoid,
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "exp": np.exp,
    "log": np.log,
    "step": lambda z: (np.asarray(z) > 0).astype(float),
}


def numeric(node: Node, env: dict, deadline: float | None = None):
    """Value of `node` with numpy; env maps names to arrays or floats. Shapes were checked
    before, so `*` is never a silent broadcast here."""
    _tick(deadline)
    op = node.op
    if op == "num":
        return float(node.value[0])
    if op == "name":
        return env[node.value]
    if op == "neg":
        return -numeric(node.args[0], env, deadline)
    if op == "T":
        value = numeric(node.args[0], env, deadline)
        return value.T if isinstance(value, np.ndarray) else value
    if op == "call":
        value = numeric(node.args[0], env, deadline)
        if isinstance(node.value, tuple):
            axis = node.value[1]
            return np.sum(value) if axis is None else np.sum(value, axis=axis, keepdims=True)
        return _NUMPY[node.value](value)
    left = numeric(node.args[0], env, deadline)
    right = numeric(node.args[1], env, deadline)
    if op == "add":
        return left + right
    if op == "sub":
        return left - right
    if op == "mul":
        return left * right
    if op == "div":
        return left / right
    if op == "matmul":
        return np.asarray(left) @ np.asarray(right)
    if op == "pow":
        return np.power(left, right)
    raise ValueError(f"unexpected node {op}")  # the parser never produces one


def _mp():
    import mpmath

    return mpmath


# mpmath's precision is one setting for the whole process (mp.dps), not one per thread: two
# checks at once (`backprop grade` judges submissions in threads) would lower each other's
# precision midway, and a right scalar answer could miss its 1e-25 tolerance. Every mpmath
# computation of the package runs under this lock (re-entrant: they nest).
_PRECISION = threading.RLock()


@contextmanager
def workdps(digits: int):
    """mpmath at `digits` digits for this block, with no other thread changing it meanwhile."""
    mp = _mp()
    with _PRECISION, mp.workdps(digits):
        yield mp


def precise(node: Node, env: dict, deadline: float | None = None):
    """Value of a scalar `node` with mpmath at DIGITS digits (env maps names to mpf); nan when
    the value leaves the real numbers or grows beyond MP_LIMIT."""
    with workdps(DIGITS + 10) as mp:
        try:
            return _precise(node, env, deadline, mp)
        except (ZeroDivisionError, ValueError, OverflowError, _Escape):
            return mp.nan


class _Escape(Exception):
    pass


def _precise(node: Node, env: dict, deadline, mp):
    _tick(deadline)
    op = node.op
    if op == "num":
        value = node.value[0]
        return mp.mpf(value.numerator) / value.denominator
    if op == "name":
        return env[node.value]
    args = [_precise(arg, env, deadline, mp) for arg in node.args]
    if op == "neg":
        result = -args[0]
    elif op == "T":
        result = args[0]
    elif op == "call":
        x = args[0]
        name = node.value[0] if isinstance(node.value, tuple) else node.value
        if name == "sum":
            result = x
        elif name == "sigmoid":
            result = 1 / (1 + mp.exp(-x)) if -x < 10**4 else mp.mpf(0)
        elif name == "exp":
            if x > 10**4:
                raise _Escape
            result = mp.exp(x)
        elif name == "log":
            if x <= 0:
                raise _Escape
            result = mp.log(x)
        elif name == "tanh":
            result = mp.tanh(x)
        elif name == "relu":
            result = x if x > 0 else mp.mpf(0)
        else:  # step
            result = mp.mpf(1) if x > 0 else mp.mpf(0)
    else:
        left, right = args
        if op == "add":
            result = left + right
        elif op == "sub":
            result = left - right
        elif op in ("mul", "matmul", "prod"):
            result = left * right
        elif op == "div":
            result = left / right
        else:  # pow
            if left < 0 and right != int(right):
                raise _Escape
            if left == 0 and right < 0:
                raise _Escape
            if abs(right) * mp.log(abs(left) + 1) > 200:
                raise _Escape
            result = mp.power(left, right)
    if not mp.isfinite(result) or abs(result) > MP_LIMIT or isinstance(result, mp.mpc):
        raise _Escape
    return result
