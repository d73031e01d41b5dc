"""Two-layer sigmoid network whose backward recomputes sigma'(Z) = sigmoid(Z) (1 - sigmoid(Z))
from the cached Z instead of reading A (correct)."""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1 - s)


def init_params(n, k=None, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return {
        "W1": 0.1 * rng.standard_normal((k, n)),
        "b1": np.zeros((k, 1)),
        "w2": 0.1 * rng.standard_normal((1, k)),
        "b2": 0.0,
    }


def forward(params, X):
    Z = params["W1"] @ X + params["b1"]
    A = sigmoid(Z)
    yhat = params["w2"] @ A + params["b2"]
    return yhat, {"Z": Z, "A": A, "yhat": yhat}


def loss(yhat, y):
    return float(np.linalg.norm(yhat - y) ** 2 / y.shape[1])


def backward(params, cache, X, y):
    m = y.shape[1]
    Z = cache["Z"]
    dyhat = 2 / m * (cache["yhat"] - y)
    dZ = (params["w2"].T @ dyhat) * sigmoid_prime(Z)
    return {
        "W1": dZ @ X.T,
        "b1": dZ.sum(axis=1, keepdims=True),
        "w2": dyhat @ sigmoid(Z).T,
        "b2": float(dyhat.sum()),
    }
