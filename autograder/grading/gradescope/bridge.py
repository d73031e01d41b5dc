"""What the generated otter test files call (under `otter run` and on Gradescope).

Otter runs every test file in the kernel that executed the submission's top-level script. The
student's exercise files are graded here by the same engine as `backprop grade`: in a sandboxed
child process, once per kernel, and each otter test case passes or fails with the matching case.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from autograder.grading.cases.assignment import build_questions
from autograder.grading.runner import find_files, grade_files

SUPPORT = "backprop_grader"  # the folder of the autograder zip that holds this package


@cache
def graded_questions(root: str) -> dict:
    # the plugin moved the exercise files to exercises/; what is left at the top (otter's
    # emptied submission.py or notebook) must not be a candidate
    folder = Path(root) / "exercises"
    files, scratch = find_files(
        folder if folder.is_dir() else Path(root), exclude=(SUPPORT, "tests")
    )
    try:
        result = grade_files(files, build_questions(), "submission")
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return {q.id: q for q in result.questions}


def run_case(question_id: str, index: int) -> None:
    """Pass, or raise AssertionError with the feedback of the case."""
    case = graded_questions(str(Path.cwd()))[question_id].cases[index]
    if not case.passed:
        raise AssertionError(case.feedback)
