"""The reference backward passes are right: central differences and an independent autodiff."""

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from autograder import gradient_check
from tests.problems import ALL_MODELS, SEEDS, SIZES, make_problem, reference

# Norm-relative error of a correct float64 backward against central differences (h = 1e-5):
# at most 1.2e-9 over 500 random two-layer sigmoid networks; typical bugs score 0.1 to 0.8.
# 1e-6 leaves a factor of ~1000 on both sides.
TOLERANCE = 1e-6


@pytest.mark.parametrize("name", ALL_MODELS)
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "n{}k{}m{}".format(*s))
def test_backward_matches_central_differences(name, seed, sizes):
    params, X, y = make_problem(name, seed, *sizes)
    result = gradient_check(reference(name), params, X, y, tolerance=TOLERANCE)
    assert result.passed, str(result)


def test_gradient_check_catches_a_wrong_backward():
    """The check itself can fail: a backward missing the 2/m factor is flagged."""
    model = reference("two_layer_sigmoid")
    params, X, y = make_problem("two_layer_sigmoid", 0, 3, 4, 5)

    class MissingFactor:
        forward, loss = staticmethod(model.forward), staticmethod(model.loss)

        @staticmethod
        def backward(params, cache, X, y):
            m = y.shape[1]
            return {
                k: np.asarray(g) * m / 2 for k, g in model.backward(params, cache, X, y).items()
            }

    result = gradient_check(MissingFactor, params, X, y, tolerance=TOLERANCE)
    assert not result.passed
    assert all(err > 0.1 for err in result.errors.values())
    assert "MISMATCH" in str(result)


# Independent forward passes in autograd.numpy, written from the notes, not from solutions/.
def _sig(z):
    return 1 / (1 + anp.exp(-z))


def _mse(yhat, y):
    return anp.mean((yhat - y) ** 2)


def _bce(yhat, y):
    return -anp.mean(y * anp.log(yhat) + (1 - y) * anp.log(1 - yhat))


AUTOGRAD_LOSSES = {
    "univariate_regression": lambda p, X, y: _mse(p["w"] * X + p["b"], y),
    "multivariate_regression": lambda p, X, y: _mse(anp.dot(p["w"], X) + p["b"], y),
    "two_layer_linear": lambda p, X, y: _mse(
        anp.dot(p["w2"], anp.dot(p["W1"], X) + p["b1"]) + p["b2"], y
    ),
    "two_layer_sigmoid": lambda p, X, y: _mse(
        anp.dot(p["w2"], _sig(anp.dot(p["W1"], X) + p["b1"])) + p["b2"], y
    ),
    "logistic_regression": lambda p, X, y: _bce(_sig(anp.dot(p["w"], X) + p["b"]), y),
    "two_layer_perceptron": lambda p, X, y: _bce(
        _sig(anp.dot(p["w2"], anp.maximum(anp.dot(p["W1"], X) + p["b1"], 0)) + p["b2"]), y
    ),
}


@pytest.mark.parametrize("name", ALL_MODELS)
@pytest.mark.parametrize("seed", SEEDS)
def test_backward_matches_autograd(name, seed):
    params, X, y = make_problem(name, seed, 4, 3, 6)
    model = reference(name)
    _, cache = model.forward(params, X)
    grads = model.backward(params, cache, X, y)
    expected = autograd.grad(AUTOGRAD_LOSSES[name])(params, X, y)
    assert set(grads) == set(params)
    for key in params:
        assert np.shape(grads[key]) == np.shape(params[key]), key
        np.testing.assert_allclose(grads[key], expected[key], rtol=1e-9, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("name", ALL_MODELS)
def test_loss_matches_autograd_forward(name):
    params, X, y = make_problem(name, 5, 3, 4, 5)
    model = reference(name)
    yhat, _ = model.forward(params, X)
    assert model.loss(yhat, y) == pytest.approx(float(AUTOGRAD_LOSSES[name](params, X, y)))
