"""Logistic regression (from the extended notes), trained by gradient descent.

Data: X is (n, m), one example per column; y is (1, m) with labels in [0, 1].
Model: yhat = sigmoid(w X + b), the predicted probability that y = 1.

    Forward                                                 Backward
    Z    = w X + b                                          dL/dZ = (1/m)(yhat - y)
    yhat = sigmoid(Z)                                       dL/dw = dL/dZ X^T
    L    = -(1/m) sum[y log(yhat) + (1 - y) log(1 - yhat)]  dL/db = dL/dZ 1

dL/dZ is that simple because the sigmoid's derivative yhat (1 - yhat) cancels the denominators
of the cross-entropy's derivative, -(y / yhat) + (1 - y) / (1 - yhat).
Shapes: w (1, n), b a scalar; Z and yhat (1, m).
"""

import numpy as np

from autograder.validation import check_cache, check_data, check_pair, check_params, check_size

PARAM_SHAPES = {"w": (1, "n"), "b": ()}
CACHE_SHAPES = {"Z": (1, "m"), "yhat": (1, "m")}
# log(0) is -inf: the loss clips yhat to [EPS, 1 - EPS] so a saturated prediction costs a finite
# (large) loss instead of inf or nan.
EPS = 1e-12


def sigmoid(z):
    """sigma(z) = 1 / (1 + exp(-z)), elementwise. Provided: written as exp(-log(1 + exp(-z)))
    so that it neither overflows nor returns nan for large |z|."""
    return np.exp(-np.logaddexp(0.0, -z))


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
    # BEGIN SOLUTION
    return {"w": 0.01 * rng.standard_normal((1, n)), "b": 0.0}
    # END SOLUTION


def forward(params: dict, X: np.ndarray) -> tuple[np.ndarray, dict]:
    """Forward pass: Z = w X + b, yhat = sigmoid(Z).

    Args:
        params: {"w": (1, n), "b": scalar}.
        X: inputs, shape (n, m).

    Returns:
        yhat of shape (1, m), and the cache {"Z": (1, m), "yhat": (1, m)}.
    """
    dims = check_params("forward", params, PARAM_SHAPES)
    X, _ = check_data("forward", X, n=dims["n"])
    # BEGIN SOLUTION
    Z = params["w"] @ X + params["b"]  # (1, n) @ (n, m) -> (1, m)
    yhat = sigmoid(Z)  # (1, m)
    return yhat, {"Z": Z, "yhat": yhat}
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
    """Backward pass: the gradient of L with respect to w and b.

        dZ    = (1/m)(yhat - y)      (1, m)
        dL/dw = dZ X^T               (1, m) @ (m, n) -> (1, n)
        dL/db = dZ 1                 a scalar

    Args:
        params: {"w": (1, n), "b": scalar}.
        cache: the cache returned by forward: "Z" (1, m), "yhat" (1, m).
        X: inputs, shape (n, m).
        y: labels, shape (1, m).

    Returns:
        {"w": dL/dw of shape (1, n), "b": dL/db, a scalar}.
    """
    dims = check_params("backward", params, PARAM_SHAPES)
    X, y = check_data("backward", X, y, n=dims["n"])
    check_cache("backward", cache, CACHE_SHAPES, dims, m=y.shape[1])
    # BEGIN SOLUTION
    m = y.shape[1]
    dZ = (cache["yhat"] - y) / m  # (1, m)
    dw = dZ @ X.T  # (1, m) @ (m, n) -> (1, n)
    db = float(np.sum(dZ))
    return {"w": dw, "b": db}
    # END SOLUTION
