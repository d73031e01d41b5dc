"""Multivariate regression with explicit Python loops (correct)."""

import numpy as np


def init_params(n, k=None, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return {"w": 0.01 * rng.standard_normal((1, n)), "b": 0.0}


def forward(params, X):
    n, m = X.shape
    yhat = np.zeros((1, m))
    for j in range(m):
        s = params["b"]
        for i in range(n):
            s += params["w"][0, i] * X[i, j]
        yhat[0, j] = s
    return yhat, {"yhat": yhat}


def loss(yhat, y):
    m = y.shape[1]
    return sum((yhat[0, j] - y[0, j]) ** 2 for j in range(m)) / m


def backward(params, cache, X, y):
    n, m = X.shape
    dw = np.zeros((1, n))
    db = 0.0
    for j in range(m):
        r = 2.0 * (cache["yhat"][0, j] - y[0, j]) / m
        for i in range(n):
            dw[0, i] += r * X[i, j]
        db += r
    return {"w": dw, "b": db}
