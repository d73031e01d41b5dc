"""Two-layer sigmoid network, one example at a time with math.exp and loops (correct)."""

import math

import numpy as np


def sig(z):
    # the stable form for both signs, one number at a time
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def init_params(n, k=None, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    return {
        "W1": 0.1 * rng.standard_normal((k, n)),
        "b1": np.zeros((k, 1)),
        "w2": 0.1 * rng.standard_normal((1, k)),
        "b2": 0.0,
    }


def forward(params, X):
    W1, b1, w2, b2 = params["W1"], params["b1"], params["w2"], params["b2"]
    k, n = W1.shape
    m = X.shape[1]
    Z, A, yhat = np.zeros((k, m)), np.zeros((k, m)), np.zeros((1, m))
    for j in range(m):
        out = b2
        for h in range(k):
            z = b1[h, 0]
            for i in range(n):
                z += W1[h, i] * X[i, j]
            Z[h, j] = z
            A[h, j] = sig(z)
            out += w2[0, h] * A[h, j]
        yhat[0, j] = out
    return yhat, {"Z": Z, "A": A, "yhat": yhat}


def loss(yhat, y):
    m = y.shape[1]
    return float(sum((yhat[0, j] - y[0, j]) ** 2 for j in range(m)) / m)


def backward(params, cache, X, y):
    W1, w2 = params["W1"], params["w2"]
    k, n = W1.shape
    m = X.shape[1]
    A, yhat = cache["A"], cache["yhat"]
    dW1, db1, dw2, db2 = np.zeros((k, n)), np.zeros((k, 1)), np.zeros((1, k)), 0.0
    for j in range(m):
        d = 2.0 * (yhat[0, j] - y[0, j]) / m
        db2 += d
        for h in range(k):
            dw2[0, h] += d * A[h, j]
            dz = d * w2[0, h] * A[h, j] * (1.0 - A[h, j])
            db1[h, 0] += dz
            for i in range(n):
                dW1[h, i] += dz * X[i, j]
    return {"W1": dW1, "b1": db1, "w2": dw2, "b2": db2}
