"""Univariate regression with explicit Python loops over the examples (correct)."""

import numpy as np


def init_params(n=1, k=None, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return {"w": 0.01 * float(rng.standard_normal()), "b": 0.0}


def forward(params, X):
    m = X.shape[1]
    yhat = np.zeros((1, m))
    for j in range(m):
        yhat[0, j] = params["w"] * X[0, j] + params["b"]
    return yhat, {"yhat": yhat}


def loss(yhat, y):
    m = y.shape[1]
    total = 0.0
    for j in range(m):
        total += (yhat[0, j] - y[0, j]) ** 2
    return total / m


def backward(params, cache, X, y):
    m = y.shape[1]
    dw = db = 0.0
    for j in range(m):
        r = 2.0 * (cache["yhat"][0, j] - y[0, j]) / m
        dw += r * X[0, j]
        db += r
    return {"w": dw, "b": db}
