"""Shape checks shared by every exercise module.

numpy broadcasting turns many shape mistakes into silently wrong numbers: (1, m) * (k, m)
gives (k, m), (k, 1) + (1, m) gives (k, m). The exercise functions call these checks first, so
a wrong shape stops with a message that names the argument, the shape expected and the shape
given, instead of producing a plausible-looking wrong answer.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

# A dimension is an int (fixed) or a name ("n", "m", "k") bound on first use.
Dim = int | str
Shape = tuple[Dim, ...]


class ShapeError(ValueError):
    """An argument has the wrong shape, type or keys. The message says what was expected."""


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if np.isscalar(value):
        return f"the scalar {type(value).__name__} {value!r}"
    return f"a {type(value).__name__}"


def _format(shape: Shape, dims: Mapping[str, int]) -> str:
    if not shape:
        return "a scalar"
    names = ", ".join(str(d) for d in shape)
    if all(isinstance(d, int) or d in dims for d in shape):
        sizes = ", ".join(str(dims.get(d, d)) for d in shape)
        if sizes != names:
            return f"shape ({names}) = ({sizes})"
    return f"shape ({names})"


_NUMERIC: dict = {}  # dtype -> whether it holds numbers (np.issubdtype is slow per call)


def _numeric(dtype) -> bool:
    known = _NUMERIC.get(dtype)
    if known is None:
        known = dtype.kind != "O" and bool(np.issubdtype(dtype, np.number))
        if len(_NUMERIC) < 256:
            _NUMERIC[dtype] = known
    return known


def check_shape(fn: str, name: str, value, shape: Shape, dims: dict[str, int]) -> np.ndarray:
    """Check that `value` has `shape`, binding named dimensions in `dims` on first use.

    A scalar shape `()` accepts a Python number, a NumPy scalar or a 0-d array.
    Returns the value as an ndarray (its dtype is kept: float32 stays float32).
    """
    if type(value) is np.ndarray:  # the usual case, without the Mapping check (an ABC: slow)
        arr = value
    elif value is None or isinstance(value, (str, bytes, Mapping)):
        raise ShapeError(f"{fn}: {name} must be {_format(shape, dims)}; got {_describe(value)}.")
    else:
        arr = np.asarray(value)
    if not _numeric(arr.dtype):
        raise ShapeError(f"{fn}: {name} must hold numbers; got dtype {arr.dtype}.")
    if arr.ndim != len(shape):
        raise ShapeError(
            f"{fn}: {name} must be {_format(shape, dims)}; got {_describe(value)}."
            + _hint(name, arr.shape, shape)
        )
    for axis, (dim, size) in enumerate(zip(shape, arr.shape, strict=True)):
        expected = dims.setdefault(dim, size) if isinstance(dim, str) else dim
        if size != expected:
            raise ShapeError(
                f"{fn}: {name} must be {_format(shape, dims)}; got shape {arr.shape} "
                f"(axis {axis} has {size}, expected {expected})." + _hint(name, arr.shape, shape)
            )
    return arr


def _hint(name: str, got: tuple[int, ...], shape: Shape) -> str:
    if name == "X" and len(got) == 2:
        return " Examples are columns: if your X has one example per row, pass X.T."
    if len(shape) == 2 and shape[0] == 1 and len(got) == 1:
        return f" Make it a row vector with {name}.reshape(1, -1)."
    if len(shape) == 2 and shape[1] == 1 and len(got) == 2 and got[0] == 1:
        return f" {name} is a column vector: use {name}.reshape(-1, 1)."
    return ""


def check_params(fn: str, params, spec: Mapping[str, Shape]) -> dict[str, int]:
    """Check that `params` has exactly the keys of `spec`, each of its shape. Returns the dims."""
    check_keys(fn, "params", params, spec)
    dims: dict[str, int] = {}
    for key, shape in spec.items():
        check_shape(fn, f"params[{key!r}]", params[key], shape, dims)
    return dims


def check_keys(fn: str, name: str, mapping, keys) -> None:
    """Check that `mapping` is a dict holding at least `keys` (exactly, for params/grads)."""
    if not isinstance(mapping, Mapping):
        raise ShapeError(f"{fn}: {name} must be a dict; got {_describe(mapping)}.")
    missing = [k for k in keys if k not in mapping]
    if missing:
        raise ShapeError(
            f"{fn}: {name} is missing {', '.join(map(repr, missing))}; "
            f"expected the keys {', '.join(map(repr, keys))}, got {', '.join(map(repr, mapping))}."
        )


def check_data(fn: str, X, y=None, *, n: int | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Check X is (n, m) with examples as columns and y, if given, is (1, m)."""
    dims: dict[str, int] = {} if n is None else {"n": n}
    X = check_shape(fn, "X", X, ("n", "m"), dims)
    if y is not None:
        y = check_shape(fn, "y", y, (1, "m"), dims)
    return X, y


def check_pair(fn: str, yhat, y) -> tuple[np.ndarray, np.ndarray]:
    """Check yhat and y are both row vectors (1, m) of the same m."""
    dims: dict[str, int] = {}
    yhat = check_shape(fn, "yhat", yhat, (1, "m"), dims)
    y = check_shape(fn, "y", y, (1, "m"), dims)
    return yhat, y


def check_cache(fn: str, cache, spec: Mapping[str, Shape], dims: dict[str, int], m: int) -> None:
    """Check the cache of forward holds every key of `spec`, each of its shape."""
    check_keys(fn, "cache", cache, spec)
    dims = dict(dims, m=m)
    for key, shape in spec.items():
        check_shape(fn, f"cache[{key!r}]", cache[key], shape, dims)


def check_size(fn: str, name: str, value, *, minimum: int = 1) -> int:
    """Check a size argument (n, k, batch_size, epochs) is an int >= minimum."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ShapeError(f"{fn}: {name} must be an integer >= {minimum}; got {value!r}.")
    return int(value)
