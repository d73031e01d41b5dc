"""Inputs shared by the public and hidden cases: the sizes of each model's arrays and seeded
random parameters and data (examples are columns: X is (n, m), y is (1, m))."""

from __future__ import annotations

import numpy as np

from autograder.contract import PARAMS, resolve

PUBLIC_SIZES = {"n": 3, "k": 4, "m": 5}


def sizes_for(module: str, n: int, k: int, m: int) -> dict[str, int]:
    return {"n": 1 if module == "univariate_regression" else n, "k": k, "m": m}


def random_params(module: str, dims: dict, rng, scale: float = 1.0) -> dict:
    return {
        key: scale * rng.standard_normal(resolve(shape, dims)) if shape else float(rng.normal())
        for key, shape in PARAMS[module].items()
    }


def random_data(dims: dict, rng, x_scale: float = 1.0):
    X = x_scale * rng.standard_normal((dims["n"], dims["m"]))
    y = rng.uniform(0.05, 0.95, size=(1, dims["m"]))  # continuous labels: y^2 != y
    return X, y


def id_data(m: int, n: int = 3, seed: int = 0):
    """X whose first row holds example ids 0..m-1, other rows features; y tied to the ids."""
    rng = np.random.default_rng(seed)
    X = np.vstack([np.arange(m, dtype=float), rng.standard_normal((n - 1, m))])
    y = rng.uniform(0.05, 0.95, size=(1, m))
    return X, y
