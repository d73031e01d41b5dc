"""An on-disk cache of the matrix questions' instances and reference gradients (numbers only),
so that a `backprop check` or `grade` process does not run every forward pass and its reverse-mode
derivative again (about 80 ms of CPU for the built-in questions, per process).

An entry holds, for one question, its instance environments (the symbols bound on each random
instance: inputs, intermediates, upstream gradients) and dL/d(target) on each: the values the
package computes anyway from the question file on the same machine, never a formula. It lives
in the same folder as the scalar cache (cache.py: the user's own cache, never the package).

Safety (as cache.py):
- The key is a SHA-256 of everything the values depend on: the question's id and target, its
  whole model (name, shapes, forward lines, upstream gradients, domains), the instance sizes,
  NumPy's version and the source of the code that computes them (models.py, autodiff.py,
  evaluate.py, parse.py, shapes.py, this file). Any change gives a new key.
- Values are stored exactly (float repr round-trips) with their type: a Python float, a NumPy
  float64 scalar, or a float64 array with its shape and memory order, so a loaded entry equals
  the computed one bit for bit. An entry with anything else is not written.
- Written to a temporary file and renamed into place; an entry that does not parse or does not
  match is ignored (and rewritten); a cache that cannot be read or written is skipped.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache as memo
from pathlib import Path

import numpy as np

from autograder.derivations.cache import folder, write_atomically

FORMAT = 1
HERE = Path(__file__).resolve().parent
SOURCES = ("models.py", "autodiff.py", "evaluate.py", "parse.py", "shapes.py", "matrix_cache.py")


@memo
def _code_digest() -> str:
    digest = hashlib.sha256(f"matrix format {FORMAT} numpy {np.__version__}".encode())
    for name in SOURCES:
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()


def key(question, seed_key: str, sizes) -> str:
    """The cache key of a matrix question's instances (seeded by seed_key) and reference."""
    model = question.model
    content = {
        "id": question.id,
        "target": question.target,
        "seed": seed_key,
        "sizes": [sorted(s.items()) for s in sizes],
        "model": [
            model.name,
            sorted((k, list(v)) for k, v in model.shapes.items()),
            [list(line) for line in model.forward],
            list(model.grads),
            sorted((k, list(v)) for k, v in model.domain.items()),
        ],
        "code": _code_digest(),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=repr).encode()).hexdigest()


def _path(entry_key: str) -> Path:
    return folder() / f"matrix-{entry_key}.json"


def _encode(value):
    if type(value) is float:
        return ["f", value]
    if type(value) is np.float64:
        return ["g", float(value)]
    if type(value) is np.ndarray and value.dtype == np.float64:
        if value.flags.c_contiguous:
            order = "C"
        elif value.flags.f_contiguous:
            order = "F"
        else:
            raise TypeError("not contiguous")
        return ["a", list(value.shape), order, value.ravel(order=order).tolist()]
    raise TypeError(f"cannot store {type(value).__name__}")


def _decode(item):
    tag = item[0]
    if tag == "f" and type(item[1]) is float:
        return item[1]
    if tag == "g" and type(item[1]) is float:
        return np.float64(item[1])
    if tag == "a":
        _, shape, order, flat = item
        if order not in ("C", "F") or not all(type(v) is float for v in flat):
            raise ValueError("bad array")
        return np.array(flat, dtype=np.float64).reshape(shape, order=order)
    raise ValueError("bad value")


def load(entry_key: str, count: int):
    """(envs, reference) of this key, or None when absent or unusable."""
    try:
        data = json.loads(_path(entry_key).read_text())
        if data["key"] != entry_key or not len(data["envs"]) == len(data["reference"]) == count:
            return None
        envs = [{str(k): _decode(v) for k, v in env} for env in data["envs"]]
        reference = [_decode(v) for v in data["reference"]]
        if not all(type(r) is np.ndarray for r in reference):
            return None
        return envs, reference
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def store(entry_key: str, envs: list, reference: list) -> None:
    """Write the entry under this key, atomically; never raises (skips what it cannot store)."""
    try:
        data = {
            "key": entry_key,
            "envs": [[[k, _encode(v)] for k, v in env.items()] for env in envs],
            "reference": [_encode(v) for v in reference],
        }
        write_atomically(_path(entry_key), json.dumps(data))
    except (OSError, ValueError, TypeError, OverflowError):
        pass
