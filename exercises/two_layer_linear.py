# Exercise file: replace every TODO with your code, then run `backprop check`.
"""A two-layer linear network trained by gradient descent.

Data: X is (n, m), one example per column; y is (1, m).
The first layer maps X to a hidden Z of shape (k, m); the second is the multivariate regression
of the previous exercise applied to Z instead of X.

    Forward                         Backward
    Z    = W1 X + b1                dL/dW1 = w2^T (2/m)(yhat - y) X^T
    yhat = w2 Z + b2                dL/db1 = w2^T (2/m)(yhat - y) 1
    L    = (1/m) ||yhat - y||^2     dL/dw2 = (2/m)(yhat - y) Z^T
                                    dL/db2 = (2/m)(yhat - y) 1

Shapes: W1 (k, n), b1 (k, 1) broadcast to (k, m), w2 (1, k), b2 a scalar.
"""

import numpy as np

from autograder.validation import check_cache, check_data, check_pair, check_params, check_size

PARAM_SHAPES = {"W1": ("k", "n"), "b1": ("k", 1), "w2": (1, "k"), "b2": ()}
CACHE_SHAPES = {"Z": ("k", "m"), "yhat": (1, "m")}


def init_params(n: int, k: int | None = None, rng: np.random.Generator | None = None) -> dict:
    """Small random weights and zero biases.

    Args:
        n: number of input features.
        k: number of hidden units (required).
        rng: the random generator to draw from; the same seed gives the same params.

    Returns:
        {"W1": (k, n), "b1": (k, 1) zeros, "w2": (1, k), "b2": 0.0}; weights from N(0, 0.1^2).
    """
    n = check_size("init_params", "n", n)
    k = check_size("init_params", "k (the number of hidden units)", k)
    rng = np.random.default_rng() if rng is None else rng
    # TODO: implement init_params (see the docstrings).
    raise NotImplementedError("two_layer_linear.init_params is not implemented yet")


def forward(params: dict, X: np.ndarray) -> tuple[np.ndarray, dict]:
    """Forward pass: Z = W1 X + b1, yhat = w2 Z + b2.

    Args:
        params: {"W1": (k, n), "b1": (k, 1), "w2": (1, k), "b2": scalar}.
        X: inputs, shape (n, m).

    Returns:
        yhat of shape (1, m), and the cache {"Z": (k, m), "yhat": (1, m)}.
    """
    dims = check_params("forward", params, PARAM_SHAPES)
    X, _ = check_data("forward", X, n=dims["n"])
    # TODO: implement forward (see the docstrings).
    raise NotImplementedError("two_layer_linear.forward is not implemented yet")


def loss(yhat: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error: L = (1/m) ||yhat - y||^2.

    Args:
        yhat, y: shape (1, m).

    Returns:
        L as a Python float.
    """
    yhat, y = check_pair("loss", yhat, y)
    # TODO: implement loss (see the docstrings).
    raise NotImplementedError("two_layer_linear.loss is not implemented yet")


def backward(params: dict, cache: dict, X: np.ndarray, y: np.ndarray) -> dict:
    """Backward pass: the gradient of L with respect to every parameter.

        dL/dW1 = w2^T (2/m)(yhat - y) X^T     (k, 1) @ (1, m) @ (m, n) -> (k, n)
        dL/db1 = w2^T (2/m)(yhat - y) 1       (k, 1) @ (1, m) @ (m, 1) -> (k, 1)
        dL/dw2 = (2/m)(yhat - y) Z^T          (1, m) @ (m, k) -> (1, k)
        dL/db2 = (2/m)(yhat - y) 1            a scalar

    Args:
        params: {"W1": (k, n), "b1": (k, 1), "w2": (1, k), "b2": scalar}.
        cache: the cache returned by forward, holding "Z" (k, m) and "yhat" (1, m).
        X: inputs, shape (n, m).
        y: targets, shape (1, m).

    Returns:
        {"W1": (k, n), "b1": (k, 1), "w2": (1, k), "b2": scalar}: dL/d of each parameter.
    """
    dims = check_params("backward", params, PARAM_SHAPES)
    X, y = check_data("backward", X, y, n=dims["n"])
    check_cache("backward", cache, CACHE_SHAPES, dims, m=y.shape[1])
    # TODO: implement backward (see the docstrings).
    raise NotImplementedError("two_layer_linear.backward is not implemented yet")
