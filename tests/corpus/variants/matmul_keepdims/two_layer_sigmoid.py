"""Two-layer sigmoid network with np.matmul, .sum(axis=1, keepdims=True) methods and a
(k, m) @ (m, 1) ones column for db1 (correct)."""

import numpy as np


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def init_params(n, k=None, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return {
        "W1": 0.1 * rng.standard_normal((k, n)),
        "b1": np.zeros((k, 1)),
        "w2": 0.1 * rng.standard_normal((1, k)),
        "b2": 0.0,
    }


def forward(params, X):
    Z = np.matmul(params["W1"], X) + params["b1"]
    A = sigmoid(Z)
    yhat = np.matmul(params["w2"], A) + params["b2"]
    return yhat, {"Z": Z, "A": A, "yhat": yhat}


def loss(yhat, y):
    return ((yhat - y) ** 2).sum() / y.shape[1]


def backward(params, cache, X, y):
    m = y.shape[1]
    A = cache["A"]
    dyhat = (cache["yhat"] - y) * (2.0 / m)
    dZ = np.matmul(params["w2"].T, dyhat) * (A - A**2)
    return {
        "W1": np.matmul(dZ, X.T),
        "b1": np.matmul(dZ, np.ones((m, 1))),
        "w2": np.matmul(dyhat, A.T),
        "b2": dyhat.sum(axis=1, keepdims=True)[0, 0],  # a numpy float64
    }
