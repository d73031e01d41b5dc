"""Optimizers and training loop written with explicit loops and index arithmetic (correct)."""

import numpy as np


class GD:
    def __init__(self, lr):
        self.lr = lr

    def step(self, params, grads):
        for key in list(grads):
            params[key] = params[key] - self.lr * grads[key]


class Momentum:
    def __init__(self, lr, beta=0.9):
        self.lr, self.beta, self.v = lr, beta, {}

    def step(self, params, grads):
        for key in grads:
            previous = self.v[key] if key in self.v else 0.0
            self.v[key] = self.beta * previous + (1 - self.beta) * grads[key]
            params[key] = params[key] - self.lr * self.v[key]


class RMSprop:
    def __init__(self, lr, beta=0.999, eps=1e-8):
        self.lr, self.beta, self.eps, self.s = lr, beta, eps, {}

    def step(self, params, grads):
        for key in grads:
            g = grads[key]
            previous = self.s[key] if key in self.s else 0.0
            self.s[key] = self.beta * previous + (1 - self.beta) * g * g
            params[key] = params[key] - self.lr * g / (self.s[key] ** 0.5 + self.eps)


class Adam:
    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t, self.v, self.s = 0, {}, {}

    def step(self, params, grads):
        self.t = self.t + 1
        c1 = 1.0 - self.beta1**self.t
        c2 = 1.0 - self.beta2**self.t
        for key in grads:
            g = grads[key]
            self.v[key] = self.beta1 * self.v.get(key, 0.0) + (1 - self.beta1) * g
            self.s[key] = self.beta2 * self.s.get(key, 0.0) + (1 - self.beta2) * g * g
            step = self.lr * (self.v[key] / c1) / (np.sqrt(self.s[key] / c2) + self.eps)
            params[key] = params[key] - step


def minibatches(X, y, batch_size, rng):
    m = X.shape[1]
    order = rng.permutation(m)
    start = 0
    while start < m:
        idx = [int(order[i]) for i in range(start, min(start + batch_size, m))]
        yield X[:, idx], y[:, idx]
        start += batch_size


def train(model, params, X, y, optimizer, epochs, batch_size=None, rng=None):
    if batch_size is not None and rng is None:
        rng = np.random.default_rng()
    losses = []
    epoch = 0
    while epoch < epochs:
        if batch_size is None:
            batches = [(X, y)]
        else:
            batches = list(minibatches(X, y, batch_size, rng))
        for i in range(len(batches)):
            X_b, y_b = batches[i]
            yhat, cache = model.forward(params, X_b)
            value = model.loss(yhat, y_b)
            grads = model.backward(params, cache, X_b, y_b)
            optimizer.step(params, grads)
            losses.append(float(value))
        epoch += 1
    return losses
