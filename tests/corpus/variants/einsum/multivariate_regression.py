"""Multivariate regression with np.einsum (correct)."""

import numpy as np


def init_params(n, k=None, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return {"w": 0.01 * rng.standard_normal((1, n)), "b": 0.0}


def forward(params, X):
    yhat = np.einsum("on,nm->om", params["w"], X) + params["b"]
    return yhat, {"yhat": yhat}


def loss(yhat, y):
    r = yhat - y
    return float(np.einsum("om,om->", r, r) / y.shape[1])


def backward(params, cache, X, y):
    dyhat = 2 * (cache["yhat"] - y) / y.shape[1]
    return {"w": np.einsum("om,nm->on", dyhat, X), "b": float(np.einsum("om->", dyhat))}
