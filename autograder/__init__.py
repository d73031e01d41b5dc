"""Machinery of the backprop exercises: input checks, stub generation, gradient checking,
grading (otter-grader tests, `backprop check`/`grade`/`gradescope`) and derivation checking.

The exercise content lives in `solutions/` (authored, instructors only) and `exercises/`
(generated student stubs); nothing in this package depends on the solutions at import time.
"""

from autograder.gradcheck import gradient_check

__all__ = ["gradient_check"]
