"""Optimizers and training loops (from the extended notes).

Every optimizer updates a params dict in place by reassigning its entries,
params[key] = params[key] - ..., so scalar parameters work like arrays. State (velocity v,
squared-gradient average s) is kept per key in a dict and starts at zero the first time a key
is seen. g is the gradient of the key, grads[key]; all operations are elementwise.

    GD        p <- p - lr g
    Momentum  v <- beta v + (1 - beta) g;                  p <- p - lr v
    RMSprop   s <- beta s + (1 - beta) g^2;                p <- p - lr g / (sqrt(s) + eps)
    Adam      t <- t + 1 (once per step, before anything else)
              v <- beta1 v + (1 - beta1) g;  s <- beta2 s + (1 - beta2) g^2
              vhat = v / (1 - beta1^t);      shat = s / (1 - beta2^t)
              p <- p - lr vhat / (sqrt(shat) + eps)

minibatches() shuffles the m examples (columns) once and cuts them into batches; train() runs
forward, loss, backward and an optimizer step per batch.
"""

from collections.abc import Iterator

import numpy as np

from autograder.validation import ShapeError, check_data, check_keys, check_size


class GD:
    """Plain gradient descent: p <- p - lr g."""

    def __init__(self, lr: float):
        self.lr = lr

    def step(self, params: dict, grads: dict) -> None:
        """Update every params[key] in place (reassign the entry) using grads[key]."""
        check_keys("GD.step", "grads", grads, params)
        # BEGIN SOLUTION
        for key, g in grads.items():
            params[key] = params[key] - self.lr * g
        # END SOLUTION


class Momentum:
    """Gradient descent with momentum: v <- beta v + (1 - beta) g; p <- p - lr v."""

    def __init__(self, lr: float, beta: float = 0.9):
        self.lr, self.beta = lr, beta
        self.v: dict = {}  # velocity per key; a missing key means zeros

    def step(self, params: dict, grads: dict) -> None:
        """Update every params[key] in place (reassign the entry) using grads[key]."""
        check_keys("Momentum.step", "grads", grads, params)
        # BEGIN SOLUTION
        for key, g in grads.items():
            v = self.v.get(key, np.zeros_like(g, dtype=float))
            self.v[key] = self.beta * v + (1 - self.beta) * g
            params[key] = params[key] - self.lr * self.v[key]
        # END SOLUTION


class RMSprop:
    """RMSprop: s <- beta s + (1 - beta) g^2; p <- p - lr g / (sqrt(s) + eps)."""

    def __init__(self, lr: float, beta: float = 0.999, eps: float = 1e-8):
        self.lr, self.beta, self.eps = lr, beta, eps
        self.s: dict = {}  # running average of g^2 per key; a missing key means zeros

    def step(self, params: dict, grads: dict) -> None:
        """Update every params[key] in place (reassign the entry) using grads[key]."""
        check_keys("RMSprop.step", "grads", grads, params)
        # BEGIN SOLUTION
        for key, g in grads.items():
            s = self.s.get(key, np.zeros_like(g, dtype=float))
            self.s[key] = self.beta * s + (1 - self.beta) * g**2
            params[key] = params[key] - self.lr * g / (np.sqrt(self.s[key]) + self.eps)
        # END SOLUTION


class Adam:
    """Adam: momentum and RMSprop with bias correction.

    t <- t + 1 first; v <- beta1 v + (1 - beta1) g; s <- beta2 s + (1 - beta2) g^2;
    vhat = v / (1 - beta1^t); shat = s / (1 - beta2^t); p <- p - lr vhat / (sqrt(shat) + eps).
    """

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0  # number of steps taken; one per call of step, shared by all keys
        self.v: dict = {}
        self.s: dict = {}

    def step(self, params: dict, grads: dict) -> None:
        """Update every params[key] in place (reassign the entry) using grads[key]."""
        check_keys("Adam.step", "grads", grads, params)
        # BEGIN SOLUTION
        self.t += 1
        for key, g in grads.items():
            v = self.v.get(key, np.zeros_like(g, dtype=float))
            s = self.s.get(key, np.zeros_like(g, dtype=float))
            self.v[key] = self.beta1 * v + (1 - self.beta1) * g
            self.s[key] = self.beta2 * s + (1 - self.beta2) * g**2
            vhat = self.v[key] / (1 - self.beta1**self.t)
            shat = self.s[key] / (1 - self.beta2**self.t)
            params[key] = params[key] - self.lr * vhat / (np.sqrt(shat) + self.eps)
        # END SOLUTION


def minibatches(
    X: np.ndarray, y: np.ndarray, batch_size: int, rng: np.random.Generator
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield (X_batch, y_batch) pairs covering one random permutation of the m examples.

    Draw one permutation of the column indices 0..m-1 with rng.permutation(m) and cut it into
    consecutive batches of batch_size columns; the last batch may be smaller. Every example
    appears exactly once, and X_batch[:, j] and y_batch[:, j] are the same example.

    Args:
        X: inputs, shape (n, m).
        y: targets, shape (1, m).
        batch_size: examples per batch, >= 1.
        rng: the random generator that shuffles.

    Yields:
        X_batch of shape (n, b) and y_batch of shape (1, b), b <= batch_size.
    """
    X, y = check_data("minibatches", X, y)
    batch_size = check_size("minibatches", "batch_size", batch_size)
    # BEGIN SOLUTION
    order = rng.permutation(X.shape[1])
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        yield X[:, idx], y[:, idx]
    # END SOLUTION


def train(
    model,
    params: dict,
    X: np.ndarray,
    y: np.ndarray,
    optimizer,
    epochs: int,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
) -> list[float]:
    """Train params in place and return the loss of every step.

    One step: yhat, cache = model.forward(params, X_b); L = model.loss(yhat, y_b);
    grads = model.backward(params, cache, X_b, y_b); optimizer.step(params, grads).
    With batch_size None every epoch is one full-batch step on (X, y); otherwise each epoch
    takes one step per batch of minibatches(X, y, batch_size, rng).

    Args:
        model: an exercise module (e.g. two_layer_sigmoid) with forward, loss and backward.
        params: its parameters, updated in place.
        X: inputs, shape (n, m).
        y: targets, shape (1, m).
        optimizer: an object with step(params, grads), e.g. GD(lr=0.1).
        epochs: passes over the data, >= 1.
        batch_size: examples per step, or None for full-batch gradient descent.
        rng: the generator minibatches shuffles with (a new default_rng() when None).

    Returns:
        losses: one Python float per step, the loss of the forward pass whose gradients that
        step applied (computed before the update).
    """
    for name in ("forward", "loss", "backward"):
        if not callable(getattr(model, name, None)):
            raise ShapeError(
                f"train: model must be a module with forward, loss and backward; "
                f"{model!r} has no {name}()."
            )
    X, y = check_data("train", X, y)
    epochs = check_size("train", "epochs", epochs)
    if batch_size is not None:
        batch_size = check_size("train", "batch_size", batch_size)
        rng = np.random.default_rng() if rng is None else rng
    # BEGIN SOLUTION
    losses = []
    for _ in range(epochs):
        batches = [(X, y)] if batch_size is None else minibatches(X, y, batch_size, rng)
        for X_b, y_b in batches:
            yhat, cache = model.forward(params, X_b)
            losses.append(float(model.loss(yhat, y_b)))
            grads = model.backward(params, cache, X_b, y_b)
            optimizer.step(params, grads)
    return losses
    # END SOLUTION
