"""The contract every exercise module keeps (names, keys, shapes), as data.

Grading, shape checks and outside tools rely on it; tests check that solutions/ agrees.
Shapes use named dimensions: n inputs, k hidden units, m examples; () is a scalar.
"""

MSE, BCE = "mean squared error", "binary cross-entropy"
TWO_LAYER = {"W1": ("k", "n"), "b1": ("k", 1), "w2": (1, "k"), "b2": ()}

PARAMS = {
    "univariate_regression": {"w": (), "b": ()},
    "multivariate_regression": {"w": (1, "n"), "b": ()},
    "two_layer_linear": TWO_LAYER,
    "two_layer_sigmoid": TWO_LAYER,
    "logistic_regression": {"w": (1, "n"), "b": ()},
    "two_layer_perceptron": TWO_LAYER,
}
CACHE = {
    "univariate_regression": {"yhat": (1, "m")},
    "multivariate_regression": {"yhat": (1, "m")},
    "two_layer_linear": {"Z": ("k", "m"), "yhat": (1, "m")},
    "two_layer_sigmoid": {"Z": ("k", "m"), "A": ("k", "m"), "yhat": (1, "m")},
    "logistic_regression": {"Z": (1, "m"), "yhat": (1, "m")},
    "two_layer_perceptron": {"Z1": ("k", "m"), "A1": ("k", "m"), "Z2": (1, "m"), "yhat": (1, "m")},
}
LOSS = {
    "univariate_regression": MSE,
    "multivariate_regression": MSE,
    "two_layer_linear": MSE,
    "two_layer_sigmoid": MSE,
    "logistic_regression": BCE,
    "two_layer_perceptron": BCE,
}


def resolve(shape: tuple, dims: dict[str, int]) -> tuple[int, ...]:
    """A named shape with the sizes of `dims` filled in."""
    return tuple(dims[d] if isinstance(d, str) else d for d in shape)


def uses_hidden_layer(module: str) -> bool:
    return "k" in {d for shape in PARAMS[module].values() for d in shape}
