"""Machinery of the backprop exercises: input checks, stub generation, gradient checking,
grading (otter-grader tests, `backprop check`/`grade`/`gradescope`) and derivation checking.

The exercise content lives in `solutions/` (authored, instructors only) and `exercises/`
(generated student stubs); nothing in this package depends on the solutions at import time.
"""

__all__ = ["gradient_check"]


def __getattr__(name: str):
    # imported on first use: `backprop check` starts its sandbox before numpy is loaded here
    if name == "gradient_check":
        from autograder.gradcheck import gradient_check

        return gradient_check
    raise AttributeError(f"module 'autograder' has no attribute {name!r}")
