"""Bad input gets a message that names the argument, the expected shape and the given one."""

import numpy as np
import pytest

from autograder.validation import ShapeError
from solutions import multivariate_regression as mv
from solutions import optimizers as opt
from solutions import two_layer_sigmoid as ts
from solutions import univariate_regression as uni

rng = np.random.default_rng(0)
P2 = ts.init_params(3, 4, rng=rng)
X, Y = rng.standard_normal((3, 5)), rng.uniform(0, 1, (1, 5))


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda: ts.forward(P2, X.T), ["X", "(5, 3)", "X.T"]),
        (lambda: mv.forward(mv.init_params(3), np.zeros(3)), ["X", "shape (3,)"]),
        (lambda: ts.loss(np.zeros((1, 5)), np.zeros(5)), ["y", "(1, m) = (1, 5)", "reshape"]),
        (lambda: ts.loss(np.zeros((1, 5)), np.zeros((1, 4))), ["y", "(1, 5)", "(1, 4)"]),
        (lambda: ts.forward(dict(P2, b1=np.zeros((1, 4))), X), ["b1", "(k, 1) = (4, 1)", "(1, 4)"]),
        (lambda: ts.forward({"W1": P2["W1"]}, X), ["params", "'b1'"]),
        (lambda: ts.backward(P2, {"Z": 0, "yhat": Y}, X, Y), ["cache", "'A'"]),
        (lambda: ts.backward(P2, ts.forward(P2, X)[1], X, Y.T), ["y", "(1, m)", "(5, 1)"]),
        (lambda: uni.forward({"w": np.ones((1, 1)), "b": 0.0}, X[:1]), ["w", "scalar", "(1, 1)"]),
        (lambda: ts.init_params(3), ["k", "None"]),
        (lambda: uni.init_params(3), ["n = 1", "n=3"]),
        (lambda: list(opt.minibatches(X, Y, 0, rng)), ["batch_size", ">= 1"]),
        (lambda: opt.train(object(), P2, X, Y, opt.GD(0.1), 1), ["model", "forward"]),
        (lambda: opt.GD(0.1).step({"w": 1.0}, {"v": 1.0}), ["grads", "'w'"]),
        (lambda: mv.forward({"w": np.array([["a", "b", "c"]]), "b": 0.0}, X), ["numbers"]),
    ],
)
def test_bad_input_is_named_with_expected_and_given_shapes(call, expected):
    with pytest.raises(ShapeError) as info:
        call()
    for fragment in expected:
        assert fragment in str(info.value), (fragment, str(info.value))


def test_float32_and_scalar_forms_are_accepted():
    params = {"w": np.float64(0.5), "b": np.array(1.0)}
    yhat, _ = uni.forward(params, np.ones((1, 4), dtype=np.float32))
    assert yhat.shape == (1, 4)
