# Exercise file: replace every TODO with your code, then run `backprop check`.
"""Multivariate regression trained by gradient descent.

Data: X is (n, m), n features by m examples (one example per column); y is a row vector (1, m).
Model: yhat = w X + b with a weight row vector w (1, n) and a scalar bias b.

    Forward                         Backward
    yhat = w X + b                  dL/dw = (2/m) (yhat - y) X^T
    L    = (1/m) ||yhat - y||^2     dL/db = (2/m) (yhat - y) 1
"""

import numpy as np

from autograder.validation import check_cache, check_data, check_pair, check_params, check_size

PARAM_SHAPES = {"w": (1, "n"), "b": ()}
CACHE_SHAPES = {"yhat": (1, "m")}


def init_params(n: int, k: int | None = None, rng: np.random.Generator | None = None) -> dict:
    """Small random w and a zero b.

    Args:
        n: number of input features.
        k: unused (no hidden layer); accepted so every model has one signature.
        rng: the random generator to draw from; the same seed gives the same params.

    Returns:
        {"w": (1, n) drawn from N(0, 0.01^2), "b": 0.0}.
    """
    n = check_size("init_params", "n", n)
    rng = np.random.default_rng() if rng is None else rng
    # TODO: implement init_params (see the docstrings).
    raise NotImplementedError("multivariate_regression.init_params is not implemented yet")


def forward(params: dict, X: np.ndarray) -> tuple[np.ndarray, dict]:
    """Forward pass: yhat = w X + b.

    Args:
        params: {"w": (1, n), "b": scalar}.
        X: inputs, shape (n, m).

    Returns:
        yhat of shape (1, m), and the cache {"yhat": yhat}.
    """
    dims = check_params("forward", params, PARAM_SHAPES)
    X, _ = check_data("forward", X, n=dims["n"])
    # TODO: implement forward (see the docstrings).
    raise NotImplementedError("multivariate_regression.forward is not implemented yet")


def loss(yhat: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error: L = (1/m) ||yhat - y||^2.

    Args:
        yhat, y: shape (1, m).

    Returns:
        L as a Python float.
    """
    yhat, y = check_pair("loss", yhat, y)
    # TODO: implement loss (see the docstrings).
    raise NotImplementedError("multivariate_regression.loss is not implemented yet")


def backward(params: dict, cache: dict, X: np.ndarray, y: np.ndarray) -> dict:
    """Backward pass: the gradient of L with respect to w and b.

        dL/dw = (2/m) (yhat - y) X^T      (1, m) @ (m, n) -> (1, n)
        dL/db = (2/m) (yhat - y) 1        (1, m) @ (m, 1) -> a scalar

    Args:
        params: {"w": (1, n), "b": scalar}.
        cache: the cache returned by forward, holding "yhat" (1, m).
        X: inputs, shape (n, m).
        y: targets, shape (1, m).

    Returns:
        {"w": dL/dw of shape (1, n), "b": dL/db, a scalar}.
    """
    dims = check_params("backward", params, PARAM_SHAPES)
    X, y = check_data("backward", X, y, n=dims["n"])
    check_cache("backward", cache, CACHE_SHAPES, dims, m=y.shape[1])
    # TODO: implement backward (see the docstrings).
    raise NotImplementedError("multivariate_regression.backward is not implemented yet")
