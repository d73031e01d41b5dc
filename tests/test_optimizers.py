"""Optimizers, minibatches and train(): hand-computed traces and properties."""

from math import sqrt

import numpy as np
import pytest

from solutions import optimizers as opt
from tests.problems import ALL_MODELS, reference

# Two steps on a scalar p0 = 1.0 with gradients g1 = 0.5 then g2 = -1.0 and lr = 0.1,
# worked by hand from the update rules in the module docstring.
HAND_TRACES = {
    # p1 = 1 - 0.1*0.5;  p2 = 0.95 + 0.1*1
    "GD": (opt.GD(0.1), [0.95, 1.05]),
    # v1 = 0.1*0.5 = 0.05, p1 = 1 - 0.005;  v2 = 0.9*0.05 - 0.1 = -0.055, p2 = 0.995 + 0.0055
    "Momentum": (opt.Momentum(0.1, beta=0.9), [0.995, 1.0005]),
    # s1 = 0.1*0.25 = 0.025;  s2 = 0.9*0.025 + 0.1*1 = 0.1225, sqrt(s2) = 0.35
    "RMSprop": (
        opt.RMSprop(0.1, beta=0.9, eps=1e-8),
        [1 - 0.05 / (sqrt(0.025) + 1e-8), 1 - 0.05 / (sqrt(0.025) + 1e-8) + 0.1 / (0.35 + 1e-8)],
    ),
    # t=1: v = 0.05, s = 0.00025, vhat = 0.05/0.1 = 0.5, shat = 0.00025/0.001 = 0.25
    # t=2: v = -0.055, s = 0.00124975, vhat = -0.055/0.19, shat = 0.00124975/0.001999
    "Adam": (
        opt.Adam(0.1),
        [
            1 - 0.1 * 0.5 / (0.5 + 1e-8),
            1
            - 0.1 * 0.5 / (0.5 + 1e-8)
            + 0.1 * (0.055 / 0.19) / (sqrt(0.00124975 / 0.001999) + 1e-8),
        ],
    ),
}


@pytest.mark.parametrize("name", HAND_TRACES)
def test_two_step_trace_matches_hand_computation(name):
    optimizer, expected = HAND_TRACES[name]
    params = {"w": 1.0}
    trace = []
    for g in (0.5, -1.0):
        optimizer.step(params, {"w": g})
        trace.append(float(params["w"]))
    assert trace == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("cls", [opt.GD, opt.Momentum, opt.RMSprop, opt.Adam])
def test_step_reassigns_entries_and_keeps_state_per_key(cls):
    W = np.ones((3, 4))
    params = {"W": W, "b": 0.0}
    grads = {"W": np.full((3, 4), 0.5), "b": -1.0}
    cls(lr=0.1).step(params, grads)
    assert params["W"] is not W and np.all(W == 1.0), "the caller's array must not be mutated"
    assert params["W"].shape == (3, 4) and np.ndim(params["b"]) == 0
    # Per-key state: two keys with the same gradient history move the same way.
    same = {"a": 1.0, "c": 1.0}
    optimizer = cls(lr=0.1)
    for g in (0.5, -1.0, 0.25):
        optimizer.step(same, {"a": g, "c": g})
    assert same["a"] == same["c"]


def test_adam_counts_steps_not_keys():
    adam = opt.Adam(0.1)
    adam.step({"a": 1.0, "b": 1.0, "c": 1.0}, {"a": 0.5, "b": 0.5, "c": 0.5})
    assert adam.t == 1


def _columns(batches):
    return np.concatenate([Xb for Xb, _ in batches], axis=1)


def test_minibatches_cover_every_example_once_with_columns_together():
    m, n = 11, 3
    X = np.arange(n * m, dtype=float).reshape(n, m)
    y = X[:1] * 10
    batches = list(opt.minibatches(X, y, 4, np.random.default_rng(0)))
    assert [Xb.shape[1] for Xb, _ in batches] == [4, 4, 3]
    seen = _columns(batches)
    assert sorted(seen[0]) == sorted(X[0])  # each example exactly once
    assert not np.array_equal(seen, X), "the examples must be shuffled"
    for Xb, yb in batches:
        assert np.array_equal(yb, Xb[:1] * 10), "X and y columns must stay together"


def test_minibatches_use_the_given_rng():
    X, y = np.arange(20.0).reshape(2, 10), np.arange(10.0).reshape(1, 10)
    first = _columns(opt.minibatches(X, y, 3, np.random.default_rng(7)))
    again = _columns(opt.minibatches(X, y, 3, np.random.default_rng(7)))
    other = _columns(opt.minibatches(X, y, 3, np.random.default_rng(8)))
    expected_order = np.random.default_rng(7).permutation(10)
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    assert np.array_equal(first, X[:, expected_order])


def _teacher_data(name, rng, n=4, m=40):
    """Targets from a random teacher network of the same family, squashed into (0, 1)."""
    n = 1 if name == "univariate_regression" else n
    X = rng.standard_normal((n, m))
    teacher = {
        key: rng.standard_normal(np.shape(v)) if np.ndim(v) else 0.3
        for key, v in reference(name).init_params(n, 5, rng=rng).items()
    }
    yhat, _ = reference(name).forward(teacher, X)
    return X, 1 / (1 + np.exp(-yhat))


@pytest.mark.parametrize("name", ALL_MODELS)
@pytest.mark.parametrize("make_optimizer", [lambda: opt.GD(0.3), lambda: opt.Adam(0.02)])
def test_train_lowers_the_loss_of_every_model(name, make_optimizer):
    rng = np.random.default_rng(3)
    X, y = _teacher_data(name, rng)
    model = reference(name)
    params = model.init_params(X.shape[0], 5, rng=rng)
    losses = opt.train(model, params, X, y, make_optimizer(), epochs=200)
    assert len(losses) == 200 and all(type(v) is float for v in losses)
    floor = model.loss(y, y)  # 0 for MSE, the labels' entropy for cross-entropy
    assert losses[-1] - floor < 0.5 * (losses[0] - floor), (floor, losses[0], losses[-1])


def test_train_full_batch_records_the_loss_before_each_update():
    model = reference("two_layer_sigmoid")
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((3, 7)), rng.uniform(0.05, 0.95, (1, 7))
    params = model.init_params(3, 4, rng=rng)
    manual = dict(params)
    losses = opt.train(model, params, X, y, opt.GD(0.5), epochs=3)
    expected = []
    for _ in range(3):
        yhat, cache = model.forward(manual, X)
        expected.append(model.loss(yhat, y))
        grads = model.backward(manual, cache, X, y)
        manual = {k: manual[k] - 0.5 * grads[k] for k in manual}
    assert losses == pytest.approx(expected, rel=1e-12)
    for key in params:
        np.testing.assert_allclose(params[key], manual[key], rtol=1e-12)


def test_train_with_minibatches_takes_one_step_per_batch():
    model = reference("multivariate_regression")
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((3, 10)), rng.uniform(0.05, 0.95, (1, 10))
    params = model.init_params(3, rng=rng)
    losses = opt.train(model, params, X, y, opt.GD(0.1), epochs=2, batch_size=4, rng=rng)
    assert len(losses) == 2 * 3  # ceil(10 / 4) = 3 steps per epoch
