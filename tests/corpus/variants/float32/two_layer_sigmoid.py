"""Two-layer sigmoid network whose backward pass computes in float32 internally (correct:
float32 rounding, about 1e-7 relative, is far inside the grader's tolerance)."""

import numpy as np

F32 = np.float32


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


def init_params(n, k=None, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return {
        "W1": (0.1 * rng.standard_normal((k, n))).astype(F32),
        "b1": np.zeros((k, 1), dtype=F32),
        "w2": (0.1 * rng.standard_normal((1, k))).astype(F32),
        "b2": 0.0,
    }


def forward(params, X):
    Z = params["W1"] @ X + params["b1"]
    A = sigmoid(Z)
    yhat = params["w2"] @ A + params["b2"]
    return yhat, {"Z": Z, "A": A, "yhat": yhat}


def loss(yhat, y):
    return float(np.mean((yhat - y) ** 2))


def backward(params, cache, X, y):
    m = y.shape[1]
    A = cache["A"].astype(F32)
    X32 = X.astype(F32)
    dyhat = (F32(2) / F32(m)) * (cache["yhat"].astype(F32) - y.astype(F32))
    dZ = (params["w2"].astype(F32).T @ dyhat) * A * (F32(1) - A)
    return {
        "W1": dZ @ X32.T,
        "b1": dZ.sum(axis=1, keepdims=True),
        "w2": dyhat @ A.T,
        "b2": dyhat.sum(),  # a float32 scalar
    }
