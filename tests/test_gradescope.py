"""The Gradescope zip, run locally with `otter run`, scores what `backprop grade` scores."""

import json
import subprocess
import sys

import pytest

from autograder.grading.otter_export import build_gradescope_zip, pack_submission
from autograder.grading.questions import build_questions
from autograder.grading.runner import grade_submission
from autograder.paths import EXERCISES, SOLUTIONS
from tests.test_grading import _buggy


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    return build_gradescope_zip(build_questions(), tmp_path_factory.mktemp("gs") / "autograder.zip")


@pytest.mark.parametrize("which", ["solutions", "stubs", "buggy"])
def test_otter_run_matches_backprop_grade(which, autograder_zip, tmp_path):
    folder = {
        "solutions": lambda: SOLUTIONS,
        "stubs": lambda: EXERCISES,
        "buggy": lambda: _buggy(tmp_path / "bug"),
    }[which]()
    submission = tmp_path / "submission.zip"
    pack_submission(folder, submission)
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "otter",
            "run",
            "-a",
            str(autograder_zip),
            "-o",
            str(out),
            str(submission),
            "--no-logo",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    otter = {
        t["name"]: t["score"]
        for t in json.loads((out / "results.json").read_text())["tests"]
        if "score" in t
    }
    ours = {q.id: q.score for q in grade_submission(submission).questions}
    assert otter == pytest.approx(ours)
    total = sum(ours.values())
    if which == "solutions":
        assert total == sum(q.points for q in build_questions())
    if which == "stubs":
        assert total == 0
    if which == "buggy":
        assert 0 < total < sum(q.points for q in build_questions())
