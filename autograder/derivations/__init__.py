"""Derivation questions: students type gradient formulas (numpy-like text or LaTeX) and the
package checks them safely, symbolically and numerically, with feedback.

    from autograder.derivations import QUESTIONS, check_answer
    check_answer("two_layer_sigmoid_dW1", "(w2.T @ (yhat - y)) @ X")   # -> Verdict(...)

The questions come from a TOML question file (questionfile.py): the package's built-in
questions/builtin.toml, the course file a release installed, or the file given with
`--questions` (use()). No answer is stored: the truth is derived from each question's forward
pass or function when it is checked.

Importing this package does not import SymPy (only numpy and tomllib); SymPy is loaded the
first time a scalar question is checked.
"""

import os
from contextlib import contextmanager
from pathlib import Path

from autograder.derivations import active
from autograder.derivations.check import Verdict, check_answer
from autograder.derivations.question import Misconception, Question
from autograder.derivations.questionfile import ENV, QuestionFileError, default_path, load

# The active questions (active.py); use() replaces its contents in place, so every module that
# imported it sees the new questions.
QUESTIONS: dict[str, Question] = active.QUESTIONS
try:
    QUESTIONS.update(load(default_path()))
    LOAD_ERROR = ""
except QuestionFileError as _error:  # e.g. $BACKPROP_QUESTIONS names a bad file: the commands
    LOAD_ERROR = str(_error)  # say so in one line (commands.activate) instead of a traceback


def use(path, *, deep: bool = True) -> dict[str, Question]:
    """Make the questions of `path` the active ones (for this process and, through the
    environment, the processes it starts). Raises QuestionFileError for a bad file."""
    path = Path(path).resolve()
    global LOAD_ERROR
    questions = load(path, deep=deep)
    LOAD_ERROR = ""
    QUESTIONS.clear()
    QUESTIONS.update(questions)
    os.environ[ENV] = str(path)
    return QUESTIONS


@contextmanager
def using(path):
    """use(path) for the duration of a with-block, then the questions active before."""
    before, env = dict(QUESTIONS), os.environ.get(ENV)
    try:
        yield use(path)
    finally:
        QUESTIONS.clear()
        QUESTIONS.update(before)
        if env is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = env


__all__ = [
    "QUESTIONS",
    "Misconception",
    "Question",
    "QuestionFileError",
    "Verdict",
    "check_answer",
    "use",
    "using",
]
