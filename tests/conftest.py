"""Test-wide settings: the derivation reference cache (autograder/derivations/cache.py) goes to
a temporary folder, never the user's ~/.cache, and the tests derive every value afresh.

The folder is set when this file is imported, before collection: modules whose parameters
are computed at import time check answers then, before any fixture runs."""

import os
import shutil
import tempfile

from autograder.derivations import cache

_FOLDER = tempfile.mkdtemp(prefix="backprop-test-cache-")
_BEFORE = os.environ.get(cache.ENV)
os.environ[cache.ENV] = _FOLDER  # inherited by the CLI processes the tests start


def cache_env() -> dict[str, str]:
    """The cache variable for a child process started with a bare environment (so that it,
    too, stays out of ~/.cache)."""
    return {cache.ENV: _FOLDER}


def pytest_unconfigure(config):
    if _BEFORE is None:
        os.environ.pop(cache.ENV, None)
    else:
        os.environ[cache.ENV] = _BEFORE
    shutil.rmtree(_FOLDER, ignore_errors=True)
