"""Test-wide settings: the derivation reference cache (autograder/derivations/cache.py) goes to
a temporary folder, never the user's ~/.cache, and the tests derive every value afresh."""

import os
import shutil
import tempfile

import pytest

from autograder.derivations import cache


@pytest.fixture(autouse=True, scope="session")
def _reference_cache():
    folder = tempfile.mkdtemp(prefix="backprop-test-cache-")
    before = os.environ.get(cache.ENV)
    os.environ[cache.ENV] = folder  # inherited by the CLI processes the tests start
    yield folder
    if before is None:
        os.environ.pop(cache.ENV, None)
    else:
        os.environ[cache.ENV] = before
    shutil.rmtree(folder, ignore_errors=True)
