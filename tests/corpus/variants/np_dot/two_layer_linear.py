"""Two-layer linear network with np.dot and the .dot method instead of @ (correct)."""

import numpy as np

from autograder.validation import check_data, check_params

PARAM_SHAPES = {"W1": ("k", "n"), "b1": ("k", 1), "w2": (1, "k"), "b2": ()}


def init_params(n, k=None, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    W1 = rng.normal(0.0, 0.1, size=(k, n))
    w2 = rng.normal(0.0, 0.1, size=(1, k))
    return {"W1": W1, "b1": np.zeros((k, 1)), "w2": w2, "b2": 0.0}


def forward(params, X):
    check_params("forward", params, PARAM_SHAPES)
    Z = np.dot(params["W1"], X) + params["b1"]
    yhat = params["w2"].dot(Z) + params["b2"]
    return yhat, {"Z": Z, "yhat": yhat}


def loss(yhat, y):
    r = (yhat - y).ravel()
    return float(np.dot(r, r) / y.shape[1])


def backward(params, cache, X, y):
    X, y = check_data("backward", X, y)
    m = y.shape[1]
    dyhat = 2.0 / m * (cache["yhat"] - y)
    dZ = np.dot(params["w2"].T, dyhat)
    ones = np.ones((m, 1))
    return {
        "W1": np.dot(dZ, X.T),
        "b1": np.dot(dZ, ones),
        "w2": dyhat.dot(cache["Z"].T),
        "b2": float(np.dot(dyhat, ones)[0, 0]),
    }
