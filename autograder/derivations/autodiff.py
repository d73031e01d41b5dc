"""Reverse-mode differentiation of a forward pass written in the answer language.

This is how the package knows the truth of a matrix question without anyone typing it: the
forward lines (`Z = W1 @ X + b1`, ..., `L = ...`) are evaluated with numpy, keeping the value of
every node, then the adjoint dL/d(node) is pushed back from L = 1 through each node by the
derivative rule of its operation. Every name of the pass (inputs and intermediates alike) ends
with its gradient: for an intermediate such as Z, dL/dZ holds Z's later uses only, which is what
"dL/dZ" means in the notes. Float64 throughout: the results agree with the notes' closed forms
to about 1e-15, far below the checker's tolerance (1e-7).

Derivative rules (g is the adjoint of the node's value v, shapes as in shapes.py):
    a + b, a - b   g, ±g        a * b     g*b, g*a          a / b   g/b, -g*a/b**2
    A @ B          g @ B.T, A.T @ g       A.T   g.T          -a      -g
    a ** c         g*c*a**(c-1), g*v*log(a)   (c a constant number in practice)
    sigmoid: g*v*(1-v)   tanh: g*(1-v**2)   exp: g*v   log: g/a   relu: g*(a>0)   step: 0
    sum(A): g everywhere   sum(A, axis=k): g repeated along axis k
A broadcast operand (a scalar, a (1, 1) value or a bias column (d, 1)) gets its adjoint summed
over the broadcast axes.
"""

from __future__ import annotations

import numpy as np

from autograder.derivations import evaluate
from autograder.derivations.parse import Node


def _fit(grad, like):
    """The adjoint of a value shaped like `like`, summing over the axes numpy broadcast."""
    if not isinstance(like, np.ndarray) or like.ndim == 0:
        return float(np.sum(grad))
    grad = np.asarray(grad, dtype=float)
    if grad.shape == like.shape:
        return grad
    if grad.ndim == 0:
        return np.full(like.shape, float(grad))
    axes = tuple(i for i, (g, w) in enumerate(zip(grad.shape, like.shape, strict=True)) if w != g)
    return np.sum(grad, axis=axes, keepdims=True).reshape(like.shape)


def _value(node: Node, env: dict, memo: dict):
    key = id(node)
    if key in memo:
        return memo[key]
    op = node.op
    if op == "num":
        value = float(node.value[0])
    elif op == "name":
        value = env[node.value]
    else:
        args = [_value(arg, env, memo) for arg in node.args]
        # one node with the values of its arguments: reuse the answer interpreter
        value = evaluate.numeric(
            Node(op, tuple(Node("name", (), f"_{i}") for i in range(len(args))), node.value),
            {f"_{i}": a for i, a in enumerate(args)},
        )
    memo[key] = value
    return value


def _has_names(node: Node) -> bool:
    return node.op == "name" or any(_has_names(arg) for arg in node.args)


def _push(node: Node, grad, memo: dict, adjoint: dict) -> None:
    """Add grad (the adjoint of node's value) into the adjoints of the names below node."""
    op = node.op
    if op == "num":
        return
    if op == "name":
        name = node.value
        adjoint[name] = adjoint[name] + grad if name in adjoint else grad
        return
    value = memo[id(node)]
    args = node.args
    vals = [memo[id(arg)] for arg in args]
    if op == "neg":
        _push(args[0], -grad, memo, adjoint)
    elif op == "T":
        _push(args[0], grad.T if isinstance(grad, np.ndarray) else grad, memo, adjoint)
    elif op == "call":
        (x,) = vals
        if isinstance(node.value, tuple):  # sum
            local = np.broadcast_to(np.asarray(grad, dtype=float), np.shape(x)).copy()
        elif node.value == "sigmoid":
            local = grad * value * (1 - value)
        elif node.value == "tanh":
            local = grad * (1 - value**2)
        elif node.value == "exp":
            local = grad * value
        elif node.value == "log":
            local = grad / x
        elif node.value == "relu":
            local = grad * (np.asarray(x) > 0)
        else:  # step: zero derivative almost everywhere
            return
        _push(args[0], _fit(local, x), memo, adjoint)
    elif op in ("add", "sub"):
        a, b = vals
        _push(args[0], _fit(grad, a), memo, adjoint)
        _push(args[1], _fit(grad if op == "add" else -grad, b), memo, adjoint)
    elif op == "mul":
        a, b = vals
        _push(args[0], _fit(grad * b, a), memo, adjoint)
        _push(args[1], _fit(grad * a, b), memo, adjoint)
    elif op == "div":
        a, b = vals
        _push(args[0], _fit(grad / b, a), memo, adjoint)
        if _has_names(args[1]):
            _push(args[1], _fit(-grad * a / b**2, b), memo, adjoint)
    elif op == "matmul":
        a, b = (np.asarray(v, dtype=float) for v in vals)
        grad = np.broadcast_to(np.asarray(grad, dtype=float), value.shape)
        _push(args[0], _fit(grad @ b.T, vals[0]), memo, adjoint)
        _push(args[1], _fit(a.T @ grad, vals[1]), memo, adjoint)
    elif op == "pow":
        a, c = vals
        _push(args[0], _fit(grad * c * np.power(a, c - 1), a), memo, adjoint)
        if _has_names(args[1]):
            _push(args[1], _fit(grad * value * np.log(a), c), memo, adjoint)
    else:  # "prod" never reaches here: shapes.infer resolves it first
        raise ValueError(f"cannot differentiate node {op}")


def gradients(lines, env: dict, output: str = "L") -> dict:
    """d output / d name for every name the lines use or define, on the values in env.

    lines: ((name, tree), ...) in order, trees with shapes resolved (shapes.infer), env already
    holding the value of every name (the forward pass run). Names that do not reach the output
    get a zero gradient of their shape.
    """
    memos = []
    with np.errstate(all="ignore"):
        for _, tree in lines:
            memo: dict = {}
            _value(tree, env, memo)
            memos.append(memo)
        adjoint: dict = {output: 1.0}
        for (name, tree), memo in zip(reversed(lines), reversed(memos), strict=True):
            grad = adjoint.get(name)
            if grad is not None:
                _push(tree, _fit(grad, memo[id(tree)]), memo, adjoint)
    out = {}
    for name, value in env.items():
        grad = adjoint.get(name)
        if isinstance(value, np.ndarray) and value.ndim:
            out[name] = np.zeros(value.shape) if grad is None else _fit(grad, value)
        else:
            out[name] = 0.0 if grad is None else float(np.sum(grad))
    return out
