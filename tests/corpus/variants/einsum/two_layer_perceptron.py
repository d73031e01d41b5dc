"""Two-layer perceptron with np.einsum for every product (correct)."""

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
    Z1 = np.einsum("kn,nm->km", params["W1"], X) + params["b1"]
    A1 = np.where(Z1 > 0, Z1, 0.0)
    Z2 = np.einsum("ok,km->om", params["w2"], A1) + params["b2"]
    yhat = sigmoid(Z2)
    return yhat, {"Z1": Z1, "A1": A1, "Z2": Z2, "yhat": yhat}


def loss(yhat, y):
    p = np.clip(yhat, 1e-12, 1 - 1e-12)
    return (
        float(-np.einsum("om,om->", y, np.log(p)) - np.einsum("om,om->", 1 - y, np.log(1 - p)))
        / y.shape[1]
    )


def backward(params, cache, X, y):
    m = y.shape[1]
    dZ2 = (cache["yhat"] - y) / m
    dA1 = np.einsum("ok,om->km", params["w2"], dZ2)
    dZ1 = dA1 * (cache["A1"] > 0)  # relu'(Z1) read from A1: the same where Z1 != 0
    return {
        "W1": np.einsum("km,nm->kn", dZ1, X),
        "b1": np.einsum("km->k", dZ1)[:, None],
        "w2": np.einsum("om,km->ok", dZ2, cache["A1"]),
        "b2": float(np.einsum("om->", dZ2)),
    }
