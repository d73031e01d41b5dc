"""Optimizers that update the parameter arrays in place, params[key] -= lr * update. The values
are right at every step; the caller's arrays are modified rather than replaced."""

import numpy as np


class GD:
    def __init__(self, lr):
        self.lr = lr

    def step(self, params, grads):
        for key, g in grads.items():
            params[key] -= self.lr * g


class Momentum:
    def __init__(self, lr, beta=0.9):
        self.lr, self.beta, self.v = lr, beta, {}

    def step(self, params, grads):
        for key, g in grads.items():
            self.v[key] = self.beta * self.v.get(key, 0.0) + (1 - self.beta) * g
            params[key] -= self.lr * self.v[key]


class RMSprop:
    def __init__(self, lr, beta=0.999, eps=1e-8):
        self.lr, self.beta, self.eps, self.s = lr, beta, eps, {}

    def step(self, params, grads):
        for key, g in grads.items():
            self.s[key] = self.beta * self.s.get(key, 0.0) + (1 - self.beta) * g**2
            params[key] -= self.lr * g / (np.sqrt(self.s[key]) + self.eps)


class Adam:
    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t, self.v, self.s = 0, {}, {}

    def step(self, params, grads):
        self.t += 1
        for key, g in grads.items():
            self.v[key] = self.beta1 * self.v.get(key, 0.0) + (1 - self.beta1) * g
            self.s[key] = self.beta2 * self.s.get(key, 0.0) + (1 - self.beta2) * g**2
            vhat = self.v[key] / (1 - self.beta1**self.t)
            shat = self.s[key] / (1 - self.beta2**self.t)
            params[key] -= self.lr * vhat / (np.sqrt(shat) + self.eps)


def minibatches(X, y, batch_size, rng):
    order = rng.permutation(X.shape[1])
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        yield X[:, idx], y[:, idx]


def train(model, params, X, y, optimizer, epochs, batch_size=None, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    losses = []
    for _ in range(epochs):
        batches = [(X, y)] if batch_size is None else minibatches(X, y, batch_size, rng)
        for X_b, y_b in batches:
            yhat, cache = model.forward(params, X_b)
            losses.append(float(model.loss(yhat, y_b)))
            optimizer.step(params, model.backward(params, cache, X_b, y_b))
    return losses
