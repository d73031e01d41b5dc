# Exercise file: replace every TODO with your code, then run `backprop check`.
"""A two-layer network with a sigmoid hidden layer, trained by gradient descent.

Data: X is (n, m), one example per column; y is (1, m).
The hidden pre-activation Z goes through the sigmoid before the second layer.

    Forward                         Backward
    Z    = W1 X + b1                dL/dW1 = ((w2^T (2/m)(yhat - y)) * A * (1 - A)) X^T
    A    = sigmoid(Z)               dL/db1 = ((w2^T (2/m)(yhat - y)) * A * (1 - A)) 1
    yhat = w2 A + b2                dL/dw2 = (2/m)(yhat - y) A^T
    L    = (1/m) ||yhat - y||^2     dL/db2 = (2/m)(yhat - y) 1

`*` is the elementwise (Hadamard) product, the notes' ⊙; sigmoid'(Z) = A * (1 - A).
Shapes: W1 (k, n), b1 (k, 1), w2 (1, k), b2 a scalar; Z and A are (k, m).
"""

import numpy as np

from autograder.validation import check_cache, check_data, check_pair, check_params, check_size

PARAM_SHAPES = {"W1": ("k", "n"), "b1": ("k", 1), "w2": (1, "k"), "b2": ()}
CACHE_SHAPES = {"Z": ("k", "m"), "A": ("k", "m"), "yhat": (1, "m")}


def sigmoid(z):
    """sigma(z) = 1 / (1 + exp(-z)), elementwise. Provided: written as exp(-log(1 + exp(-z)))
    so that it neither overflows nor returns nan for large |z|."""
    return np.exp(-np.logaddexp(0.0, -z))


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
    raise NotImplementedError("two_layer_sigmoid.init_params is not implemented yet")


def forward(params: dict, X: np.ndarray) -> tuple[np.ndarray, dict]:
    """Forward pass: Z = W1 X + b1, A = sigmoid(Z), yhat = w2 A + b2.

    Args:
        params: {"W1": (k, n), "b1": (k, 1), "w2": (1, k), "b2": scalar}.
        X: inputs, shape (n, m).

    Returns:
        yhat of shape (1, m), and the cache {"Z": (k, m), "A": (k, m), "yhat": (1, m)}.
    """
    dims = check_params("forward", params, PARAM_SHAPES)
    X, _ = check_data("forward", X, n=dims["n"])
    # TODO: implement forward (see the docstrings).
    raise NotImplementedError("two_layer_sigmoid.forward is not implemented yet")


def loss(yhat: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error: L = (1/m) ||yhat - y||^2.

    Args:
        yhat, y: shape (1, m).

    Returns:
        L as a Python float.
    """
    yhat, y = check_pair("loss", yhat, y)
    # TODO: implement loss (see the docstrings).
    raise NotImplementedError("two_layer_sigmoid.loss is not implemented yet")


def backward(params: dict, cache: dict, X: np.ndarray, y: np.ndarray) -> dict:
    """Backward pass: the gradient of L with respect to every parameter.

        dL/dW1 = ((w2^T (2/m)(yhat - y)) * A * (1 - A)) X^T   (k, m) @ (m, n) -> (k, n)
        dL/db1 = ((w2^T (2/m)(yhat - y)) * A * (1 - A)) 1     (k, m) @ (m, 1) -> (k, 1)
        dL/dw2 = (2/m)(yhat - y) A^T                          (1, m) @ (m, k) -> (1, k)
        dL/db2 = (2/m)(yhat - y) 1                            a scalar

    Args:
        params: {"W1": (k, n), "b1": (k, 1), "w2": (1, k), "b2": scalar}.
        cache: the cache returned by forward: "Z" (k, m), "A" (k, m), "yhat" (1, m).
        X: inputs, shape (n, m).
        y: targets, shape (1, m).

    Returns:
        {"W1": (k, n), "b1": (k, 1), "w2": (1, k), "b2": scalar}: dL/d of each parameter.
    """
    dims = check_params("backward", params, PARAM_SHAPES)
    X, y = check_data("backward", X, y, n=dims["n"])
    check_cache("backward", cache, CACHE_SHAPES, dims, m=y.shape[1])
    # TODO: implement backward (see the docstrings).
    raise NotImplementedError("two_layer_sigmoid.backward is not implemented yet")
