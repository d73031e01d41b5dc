"""Comparing what a student's function returned with what was expected, and saying why not.

Every message names the value, the shapes expected and got, and where it can the likely
mistake. Messages never print the expected values or the inputs. A message that names a
mistake is a Feedback (autograder/feedback.py) carrying the mistake's name, for the class report.
"""

from __future__ import annotations

import math

import numpy as np

from autograder.feedback import Feedback
from autograder.grading.sandbox.plain import Foreign

# Norm-relative error allowed: float32 arithmetic stays below 1e-6; typical bugs are above 0.1.
TOLERANCE = 1e-5


def describe(value) -> str:
    if isinstance(value, Foreign):
        return repr(value)
    if isinstance(value, np.ndarray) and value.ndim:
        return f"an array of shape {value.shape}"
    if isinstance(value, (float, int, np.ndarray, np.generic)) and not isinstance(value, bool):
        return "a scalar"
    return f"a {type(value).__name__}"


def as_numeric(value, shape: tuple) -> tuple[np.ndarray | None, str | None]:
    """The value as a float array of `shape`, or a message saying why it is not one.

    A scalar may be a Python float, a NumPy scalar or a 0-d array; any other shape is wrong."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.ndarray, np.generic)):
        return None, f"expected {_shape_text(shape)}, got {describe(value)}"
    arr = np.asarray(value)
    if arr.dtype.kind not in "fiu":
        return None, f"expected numbers, got an array of dtype {arr.dtype}"
    if arr.shape != shape:
        return None, _shape_message(arr.shape, shape)
    arr = arr.astype(float, copy=False)  # a copy only when it is not float64 yet
    if not np.isfinite(arr).all():
        return None, "it holds nan or inf"
    return arr, None


def _shape_text(shape: tuple) -> str:
    return "a scalar" if shape == () else f"shape {shape}"


# the names of the shape mistakes (Feedback.mistake), as the class report lists them
TRANSPOSED = "the result is transposed"
KEPT_EXAMPLES_AXIS = "a broadcast kept the examples axis (a sum over the examples is missing)"
EXTRA_COLUMNS = "a broadcast or a product with the wrong operand produced extra columns"
DROPPED_DIMENSION = "a dimension was dropped"
NOT_A_SCALAR = "an array where a scalar belongs"
MODIFIES_INPUTS = "modifies its inputs"


def _shape_message(got: tuple, shape: tuple) -> str:
    text = f"expected {_shape_text(shape)}, got shape {got}"
    if shape == ():
        return Feedback(text + " (return a plain number: float(...) or .item())", NOT_A_SCALAR)
    if got == shape[::-1]:
        return Feedback(
            text + ": the result is transposed (check which side of @ needs a .T)", TRANSPOSED
        )
    if len(shape) == 2 and shape[1] == 1 and len(got) == 2 and got[0] == shape[0]:
        return Feedback(
            text + ": looks like a broadcast kept the examples axis; sum over the examples "
            "with np.sum(..., axis=1, keepdims=True)",
            KEPT_EXAMPLES_AXIS,
        )
    if len(got) == 2 and len(shape) == 2 and got[0] == shape[0] and got[1] != shape[1]:
        return Feedback(text + ": " + EXTRA_COLUMNS, EXTRA_COLUMNS)
    if len(got) < len(shape):
        return Feedback(
            text + ": a dimension was dropped (keepdims=True keeps it)", DROPPED_DIMENSION
        )
    return text


def _norm(x: np.ndarray) -> float:
    """np.linalg.norm of a float array, computed as it does (the square root of the dot of the
    flattened array with itself) without its per-call overhead (the grader calls it ~1,000
    times a submission)."""
    flat = np.ravel(x, order="K")
    return math.sqrt(float(np.dot(flat, flat)))


def relative_error(got: np.ndarray, expected: np.ndarray) -> float:
    scale = _norm(got) + _norm(expected)
    return float(_norm(got - expected) / scale) if scale > 1e-12 else 0.0


def close(got: np.ndarray, expected: np.ndarray) -> bool:
    return relative_error(got, expected) <= TOLERANCE


def factor_mistake(
    got: np.ndarray, expected: np.ndarray, m: int | None, key: str = ""
) -> str | None:
    """If got is a constant multiple of expected, name the likely missing or extra factor
    (a Feedback whose mistake is the message, or "off by a constant factor" for an odd one)."""
    denom = float(np.sum(expected * expected))
    if denom < 1e-24:
        return None
    c = float(np.sum(got * expected) / denom)
    if not close(got, c * expected):
        return None
    bias = key.startswith("b")
    candidates = [(-1.0, "the sign is flipped (yhat - y, not y - yhat; p - lr g, not p + lr g)")]
    if m:
        candidates += [
            (m / 2, "the factor 2/m is missing"),
            (float(m), "the factor 1/m is missing"),
            (1 / m, "a mean where a sum belongs" if bias else "divided by m twice"),
            (2.0, "an extra factor 2"),
            (0.5, "a factor 2 is missing"),
            (2 / m, "a 1/m too many, or a mean where a sum belongs"),
        ]
    for value, message in candidates:
        if abs(c - value) <= 1e-6 * max(1.0, abs(value)):
            return Feedback(message, message)
    if abs(c - 1) > 1e-3:
        return Feedback(f"off by a constant factor of about {c:.3g}", "off by a constant factor")
    return None


def mismatch(
    name: str,
    got,
    expected: np.ndarray,
    *,
    m: int | None = None,
    mistakes: dict[str, np.ndarray] | None = None,
    key: str = "",
) -> str | None:
    """None when got matches expected; otherwise feedback naming the likely mistake (a
    Feedback with the mistake's name when one is recognised: a label of `mistakes`, a constant
    factor, a transposed or mis-broadcast shape)."""
    expected = np.asarray(expected, dtype=float)
    arr, problem = as_numeric(got, expected.shape)
    if arr is None:
        return f"{name}: " + problem
    if close(arr, expected):
        return None
    for label, alternative in (mistakes or {}).items():
        if np.shape(alternative) == expected.shape and close(arr, np.asarray(alternative, float)):
            return Feedback(f"{name} has the wrong values; likely mistake: {label}", label)
    hint = factor_mistake(arr, expected, m, key)
    if hint:
        return f"{name} has the wrong values; likely mistake: " + hint
    right = (
        "is a scalar as expected"
        if expected.shape == ()
        else f"has the right shape {expected.shape}"
    )
    return f"{name} {right} but the wrong values"
