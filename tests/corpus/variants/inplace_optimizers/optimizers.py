"""Optimizers that keep their state arrays and update them in place (v *= beta; v += ...),
with in-place buffers (correct: params entries are still reassigned, and
the state never aliases the caller's grads)."""

import numpy as np


def _state(store, key, g):
    if key not in store:
        store[key] = np.zeros(np.shape(g), dtype=float)
    return store[key]


class GD:
    def __init__(self, lr):
        self.lr = lr

    def step(self, params, grads):
        for key, g in grads.items():
            update = np.multiply(self.lr, g)
            params[key] = params[key] - update


class Momentum:
    def __init__(self, lr, beta=0.9):
        self.lr, self.beta, self.v = lr, beta, {}

    def step(self, params, grads):
        for key, g in grads.items():
            v = _state(self.v, key, g)
            v *= self.beta
            v += (1 - self.beta) * np.asarray(g)
            params[key] = params[key] - self.lr * v.copy()


class RMSprop:
    def __init__(self, lr, beta=0.999, eps=1e-8):
        self.lr, self.beta, self.eps, self.s = lr, beta, eps, {}

    def step(self, params, grads):
        for key, g in grads.items():
            s = _state(self.s, key, g)
            s *= self.beta
            s += (1 - self.beta) * np.square(g)
            denom = np.sqrt(s)
            denom += self.eps
            params[key] = params[key] - self.lr * np.asarray(g) / denom


class Adam:
    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t, self.v, self.s = 0, {}, {}

    def step(self, params, grads):
        self.t += 1
        for key, g in grads.items():
            v, s = _state(self.v, key, g), _state(self.s, key, g)
            v *= self.beta1
            v += (1 - self.beta1) * np.asarray(g)
            s *= self.beta2
            s += (1 - self.beta2) * np.square(g)
            vhat = v / (1 - self.beta1**self.t)
            shat = s / (1 - self.beta2**self.t)
            denom = np.sqrt(shat)
            denom += self.eps
            params[key] = params[key] - self.lr * vhat / denom


def minibatches(X, y, batch_size, rng):
    order = rng.permutation(X.shape[1])
    for batch in np.split(order, range(batch_size, len(order), batch_size)):
        yield X[:, batch], y[:, batch]


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
