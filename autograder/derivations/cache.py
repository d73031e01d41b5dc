"""An on-disk cache of the scalar questions' reference values (SymPy's derivative at the check
points), so that checking an answer needs neither `import sympy` nor `sympy.diff` once the
values were derived on this installation.

Where: $BACKPROP_CACHE, else $XDG_CACHE_HOME/backprop, else ~/.cache/backprop: the user's own
home, never the package (nothing in it ships in a release). It holds values the package derives
anyway from the question file on the same machine, so it tells its owner nothing new.

Safety:
- The key is a SHA-256 of everything the values depend on: the question's function, target,
  variables and definitions, the exact check points, the digits, the source of the code that
  derives them (symbolic.py, parse.py, this file) and SymPy's release file. Any change of
  question or code gives a new key, so a stale entry is never read.
- Each entry is written to a temporary file and renamed into place (atomic on POSIX), so a
  reader sees a whole entry or none.
- An entry that does not parse, has the wrong key or the wrong number of values is ignored (and
  rewritten); a cache that cannot be read or written is skipped. The cache can only save time.
Values are stored exactly: mpmath's (sign, mantissa, exponent, bitcount), or "nan".
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

FORMAT = 1
ENV = "BACKPROP_CACHE"
HERE = Path(__file__).resolve().parent
SOURCES = ("symbolic.py", "parse.py", "cache.py")


def folder() -> Path:
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "backprop"


@cache
def _code_digest() -> str:
    """A digest of the code that derives the values, and of SymPy's version (read from its
    release file, without importing SymPy)."""
    import importlib.util

    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for name in SOURCES:
        digest.update((HERE / name).read_bytes())
    spec = importlib.util.find_spec("sympy")
    for location in (spec.submodule_search_locations or []) if spec else []:
        release = Path(location) / "release.py"
        if release.is_file():
            digest.update(release.read_bytes())
    return digest.hexdigest()


def key(question, points: list[dict], digits: int) -> str:
    """The cache key of a scalar question's reference values at `points` (name -> mpf)."""
    content = {
        "function": question.function,
        "target": question.target,
        "variables": sorted((k, list(map(str, v))) for k, v in question.variables.items()),
        "definitions": sorted(question.definitions.items()),
        "points": [sorted((k, _exact(v)) for k, v in p.items()) for p in points],
        "digits": digits,
        "code": _code_digest(),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _exact(value) -> list:
    sign, man, exp, bc = value._mpf_
    return [sign, hex(man), exp, bc]


def _path(entry_key: str) -> Path:
    return folder() / f"scalar-{entry_key}.json"


def load(entry_key: str, count: int):
    """The cached values (mpmath numbers) of this key, or None when absent or unusable."""
    import mpmath

    try:
        data = json.loads(_path(entry_key).read_text())
        if data["key"] != entry_key or len(data["values"]) != count:
            return None
        values = []
        for item in data["values"]:
            if item == "nan":
                values.append(mpmath.nan)
                continue
            sign, man, exp, bc = item
            raw = (sign, mpmath.libmp.MPZ(int(man, 16)), exp, bc)
            if raw[1] == 0:  # zero and the infinities are special tuples
                specials = (mpmath.libmp.fzero, mpmath.libmp.finf, mpmath.libmp.fninf)
                if raw not in specials:
                    return None
            elif sign not in (0, 1) or raw[1] < 0 or bc != raw[1].bit_length() or raw[1] % 2 == 0:
                return None  # not a normalised mpf: not written by us
            elif not (type(exp) is int and -(10**6) < exp < 10**6):
                return None
            values.append(mpmath.mp.make_mpf(raw))  # exact, not rounded to the context
        return values
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store(entry_key: str, values: list) -> None:
    """Write the values under this key, atomically; never raises."""
    import mpmath

    try:
        if not all(isinstance(v, mpmath.mpf) for v in values):
            return
        items = ["nan" if mpmath.isnan(v) else _exact(v) for v in values]
        write_atomically(_path(entry_key), json.dumps({"key": entry_key, "values": items}))
    except (OSError, ValueError, TypeError, OverflowError):
        pass


def write_atomically(path: Path, text: str) -> None:
    """Write text to path through a temporary file renamed into place (a reader sees a whole
    entry or none); raises OSError when the cache cannot be written."""
    import tempfile  # only when writing: a warm run never needs it

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
