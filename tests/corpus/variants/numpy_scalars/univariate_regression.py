"""Univariate regression returning 0-d arrays and NumPy scalars for every scalar (correct)."""

import numpy as np


def init_params(n=1, k=None, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return {"w": np.array(0.01 * rng.standard_normal()), "b": np.float64(0)}


def forward(params, X):
    yhat = params["w"] * X + params["b"]
    return yhat, {"yhat": yhat}


def loss(yhat, y):
    return np.array(np.sum((yhat - y) ** 2) / y.shape[1])  # a 0-d array


def backward(params, cache, X, y):
    dyhat = 2 / y.shape[1] * (cache["yhat"] - y)
    return {"w": (dyhat @ X.T)[0, 0], "b": np.sum(dyhat)}  # numpy float64 both
