"""A two-layer perceptron for binary classification (from the extended notes).

Data: X is (n, m), one example per column; y is (1, m) with labels in [0, 1].
A ReLU hidden layer of k units feeds a sigmoid output unit; the loss is the cross-entropy.

    Forward                      Backward
    Z1   = W1 X + b1             dZ2    = (1/m)(yhat - y)
    A1   = relu(Z1)              dL/dw2 = dZ2 A1^T
    Z2   = w2 A1 + b2            dL/db2 = dZ2 1
    yhat = sigmoid(Z2)           dA1    = w2^T dZ2
    L    = -(1/m) sum[y log(yhat) + (1 - y) log(1 - yhat)]
                                 dZ1    = dA1 * relu'(Z1)      relu'(Z1) = 1 where Z1 > 0, else 0
                                 dL/dW1 = dZ1 X^T
                                 dL/db1 = dZ1 1

`*` is the elementwise (Hadamard) product.
Shapes: W1 (k, n), b1 (k, 1), w2 (1, k), b2 a scalar; Z1, A1 (k, m); Z2, yhat (1, m).
"""

import numpy as np

from autograder.validation import check_cache, check_data, check_pair, check_params, check_size

PARAM_SHAPES = {"W1": ("k", "n"), "b1": ("k", 1), "w2": (1, "k"), "b2": ()}
CACHE_SHAPES = {"Z1": ("k", "m"), "A1": ("k", "m"), "Z2": (1, "m"), "yhat": (1, "m")}
# log(0) is -inf: the loss clips yhat to [EPS, 1 - EPS] so a saturated prediction costs a finite
# (large) loss instead of inf or nan.
EPS = 1e-12


def sigmoid(z):
    """sigma(z) = 1 / (1 + exp(-z)), elementwise. Provided: written as exp(-log(1 + exp(-z)))
    so that it neither overflows nor returns nan for large |z|."""
    return np.exp(-np.logaddexp(0.0, -z))


def relu(z):
    """relu(z) = max(z, 0), elementwise. Provided."""
    return np.maximum(z, 0.0)


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
    # BEGIN SOLUTION
    return {
        "W1": 0.1 * rng.standard_normal((k, n)),
        "b1": np.zeros((k, 1)),
        "w2": 0.1 * rng.standard_normal((1, k)),
        "b2": 0.0,
    }
    # END SOLUTION


def forward(params: dict, X: np.ndarray) -> tuple[np.ndarray, dict]:
    """Forward pass: Z1 = W1 X + b1, A1 = relu(Z1), Z2 = w2 A1 + b2, yhat = sigmoid(Z2).

    Args:
        params: {"W1": (k, n), "b1": (k, 1), "w2": (1, k), "b2": scalar}.
        X: inputs, shape (n, m).

    Returns:
        yhat of shape (1, m), and the cache
        {"Z1": (k, m), "A1": (k, m), "Z2": (1, m), "yhat": (1, m)}.
    """
    dims = check_params("forward", params, PARAM_SHAPES)
    X, _ = check_data("forward", X, n=dims["n"])
    # BEGIN SOLUTION
    Z1 = params["W1"] @ X + params["b1"]  # (k, m)
    A1 = relu(Z1)  # (k, m)
    Z2 = params["w2"] @ A1 + params["b2"]  # (1, m)
    yhat = sigmoid(Z2)  # (1, m)
    return yhat, {"Z1": Z1, "A1": A1, "Z2": Z2, "yhat": yhat}
    # END SOLUTION


def loss(yhat: np.ndarray, y: np.ndarray) -> float:
    """Binary cross-entropy: L = -(1/m) sum[y log(yhat) + (1 - y) log(1 - yhat)].

    Must stay finite when yhat is exactly 0 or 1 in floating point: clip yhat to
    [EPS, 1 - EPS] first.

    Args:
        yhat: predicted probabilities, shape (1, m).
        y: labels in [0, 1], shape (1, m).

    Returns:
        L as a Python float.
    """
    yhat, y = check_pair("loss", yhat, y)
    # BEGIN SOLUTION
    m = y.shape[1]
    p = np.clip(yhat, EPS, 1 - EPS)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / m)
    # END SOLUTION


def backward(params: dict, cache: dict, X: np.ndarray, y: np.ndarray) -> dict:
    """Backward pass: the gradient of L with respect to every parameter.

        dZ2    = (1/m)(yhat - y)           (1, m)
        dL/dw2 = dZ2 A1^T                  (1, m) @ (m, k) -> (1, k)
        dL/db2 = dZ2 1                     a scalar
        dA1    = w2^T dZ2                  (k, 1) @ (1, m) -> (k, m)
        dZ1    = dA1 * (Z1 > 0)            (k, m), elementwise
        dL/dW1 = dZ1 X^T                   (k, m) @ (m, n) -> (k, n)
        dL/db1 = dZ1 1                     (k, 1)

    Args:
        params: {"W1": (k, n), "b1": (k, 1), "w2": (1, k), "b2": scalar}.
        cache: the cache returned by forward: "Z1", "A1" (k, m), "Z2", "yhat" (1, m).
        X: inputs, shape (n, m).
        y: labels, shape (1, m).

    Returns:
        {"W1": (k, n), "b1": (k, 1), "w2": (1, k), "b2": scalar}: dL/d of each parameter.
    """
    dims = check_params("backward", params, PARAM_SHAPES)
    X, y = check_data("backward", X, y, n=dims["n"])
    check_cache("backward", cache, CACHE_SHAPES, dims, m=y.shape[1])
    # BEGIN SOLUTION
    m = y.shape[1]
    dZ2 = (cache["yhat"] - y) / m  # (1, m)
    dw2 = dZ2 @ cache["A1"].T  # (1, m) @ (m, k) -> (1, k)
    db2 = float(np.sum(dZ2))
    dA1 = params["w2"].T @ dZ2  # (k, 1) @ (1, m) -> (k, m)
    dZ1 = dA1 * (cache["Z1"] > 0)  # (k, m)
    dW1 = dZ1 @ X.T  # (k, m) @ (m, n) -> (k, n)
    db1 = np.sum(dZ1, axis=1, keepdims=True)  # (k, 1)
    return {"W1": dW1, "b1": db1, "w2": dw2, "b2": db2}
    # END SOLUTION
