"""Univariate regression trained by gradient descent.

Data: x = (x_1, ..., x_m) and y = (y_1, ..., y_m) are row vectors of m scalar examples.
Model: the line yhat = w x + b with scalar parameters w and b.

    Forward                         Backward
    yhat = w x + b                  dL/dw = (2/m) (yhat - y) x^T
    L    = (1/m) ||yhat - y||^2     dL/db = (2/m) (yhat - y) 1

Shapes: X (the notes' x) is (1, m); y and yhat are (1, m); w and b are scalars.
"""

import numpy as np

from autograder.validation import (
    ShapeError,
    check_cache,
    check_data,
    check_pair,
    check_params,
    check_size,
)

PARAM_SHAPES = {"w": (), "b": ()}
CACHE_SHAPES = {"yhat": (1, "m")}


def init_params(n: int = 1, k: int | None = None, rng: np.random.Generator | None = None) -> dict:
    """Small random w and a zero b.

    Args:
        n: number of input features; must be 1 (this model has one input).
        k: unused (the model has no hidden layer); accepted so every model has one signature.
        rng: the random generator to draw from; the same seed gives the same params.

    Returns:
        {"w": scalar, "b": scalar} with w drawn from N(0, 0.01^2) and b = 0.
    """
    if check_size("init_params", "n", n) != 1:
        raise ShapeError(f"init_params: univariate regression has n = 1 input; got n={n}.")
    rng = np.random.default_rng() if rng is None else rng
    # BEGIN SOLUTION
    return {"w": 0.01 * float(rng.standard_normal()), "b": 0.0}
    # END SOLUTION


def forward(params: dict, X: np.ndarray) -> tuple[np.ndarray, dict]:
    """Forward pass: yhat = w x + b.

    Args:
        params: {"w": scalar, "b": scalar}.
        X: inputs, shape (1, m), one example per column.

    Returns:
        yhat of shape (1, m), and the cache {"yhat": yhat}.
    """
    check_params("forward", params, PARAM_SHAPES)
    X, _ = check_data("forward", X, n=1)
    # BEGIN SOLUTION
    w, b = params["w"], params["b"]
    yhat = w * X + b  # (1, m)
    return yhat, {"yhat": yhat}
    # END SOLUTION


def loss(yhat: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error: L = (1/m) ||yhat - y||^2.

    Args:
        yhat, y: shape (1, m).

    Returns:
        L as a Python float.
    """
    yhat, y = check_pair("loss", yhat, y)
    # BEGIN SOLUTION
    m = y.shape[1]
    return float(np.sum((yhat - y) ** 2) / m)
    # END SOLUTION


def backward(params: dict, cache: dict, X: np.ndarray, y: np.ndarray) -> dict:
    """Backward pass: the gradient of L with respect to w and b.

        dL/dw = (2/m) (yhat - y) x^T      (1, m) @ (m, 1) -> a scalar
        dL/db = (2/m) (yhat - y) 1        (1, m) @ (m, 1) -> a scalar (1 is a vector of ones)

    Args:
        params: {"w": scalar, "b": scalar}.
        cache: the cache returned by forward, holding "yhat" (1, m).
        X: inputs, shape (1, m).
        y: targets, shape (1, m).

    Returns:
        {"w": dL/dw, "b": dL/db}, both scalars (the keys of params).
    """
    dims = check_params("backward", params, PARAM_SHAPES)
    X, y = check_data("backward", X, y, n=1)
    check_cache("backward", cache, CACHE_SHAPES, dims, m=y.shape[1])
    # BEGIN SOLUTION
    m = y.shape[1]
    dyhat = (2 / m) * (cache["yhat"] - y)  # (1, m)
    dw = (dyhat @ X.T).item()  # (1, m) @ (m, 1) -> (1, 1) -> a scalar
    db = float(np.sum(dyhat))
    return {"w": dw, "b": db}
    # END SOLUTION
