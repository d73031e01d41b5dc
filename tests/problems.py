"""Random problems for testing the reference: distinct sizes >= 3, continuous labels in (0, 1).

With sizes of 2 the factor 2/m equals 1 and with n = m a missing transpose can keep the shape,
so every size used here is >= 3 and n, k, m differ. Labels are drawn from (0.05, 0.95) so that
y^2 != y and wrong cross-entropy formulas cannot agree with the right one by accident.
"""

from importlib import import_module

import numpy as np

from autograder.paths import MODEL_MODULES

SIZES = [(3, 4, 5), (5, 3, 7), (4, 6, 3)]  # (n, k, m)
SEEDS = [0, 1, 2]


def reference(name: str):
    return import_module(f"solutions.{name}")


def make_problem(name: str, seed: int, n: int, k: int, m: int):
    """params of unit scale (init_params is deliberately small), X (n, m) and y (1, m)."""
    model = reference(name)
    rng = np.random.default_rng(seed)
    n = 1 if name == "univariate_regression" else n
    shapes = {key: np.shape(v) for key, v in model.init_params(n, k, rng=rng).items()}
    while True:
        params = {
            key: rng.standard_normal(shape) if shape else float(rng.standard_normal())
            for key, shape in shapes.items()
        }
        X = rng.standard_normal((n, m))
        y = rng.uniform(0.05, 0.95, size=(1, m))
        _, cache = model.forward(params, X)
        # Central differences across ReLU's kink are wrong by design: keep Z1 away from 0.
        if "Z1" not in cache or np.min(np.abs(cache["Z1"])) > 1e-3:
            return params, X, y


ALL_MODELS = list(MODEL_MODULES)
