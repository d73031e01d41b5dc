"""Multivariate regression returning NumPy scalars and 0-d arrays where a scalar is expected
(correct: the contract accepts any scalar)."""

import numpy as np


def init_params(n, k=None, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return {"w": 0.01 * rng.standard_normal((1, n)), "b": np.float64(0.0)}


def forward(params, X):
    yhat = params["w"] @ X + params["b"]
    return yhat, {"yhat": yhat}


def loss(yhat, y):
    return np.mean((yhat - y) ** 2)  # a numpy float64


def backward(params, cache, X, y):
    dyhat = 2 / y.shape[1] * (cache["yhat"] - y)
    return {"w": dyhat @ X.T, "b": np.array(dyhat.sum())}  # b: a 0-d array
