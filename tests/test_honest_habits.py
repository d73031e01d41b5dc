"""Honest habits keep every point (tests/corpus/honest_habits.py): the reference solutions
written, saved and uploaded the way students do (a top-level demo, prints, CRLF, a BOM, tabs,
`__future__`, silenced warnings, a Finder zip, an exercises/ folder, imports used in
`__main__`). Each gets full marks through `backprop grade` (one run over the whole corpus),
through `backprop check`'s engine, and, for the combined sample, through the Gradescope zip under
`otter run`. The expected score is the sum of the points of the graded modules' questions.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from autograder.cli import app
from autograder.grading.cases.assignment import build_questions
from autograder.grading.check import check_path, public_questions
from autograder.grading.gradescope.export import build_gradescope_zip
from autograder.grading.runner import grade_submission
from tests.corpus.honest_habits import HABITS, Habit, combined
from tests.otter import otter_run, otter_scores

IDS = [h.name for h in HABITS]


@pytest.fixture(scope="module")
def questions():
    return build_questions()


def write(habit: Habit, folder: Path) -> Path:
    """The submission as the grader finds it: a folder of the files, or the uploaded zip."""
    if list(habit.files) == ["submission.zip"]:
        folder.parent.mkdir(parents=True, exist_ok=True)
        target = folder.with_suffix(".zip")
        target.write_bytes(habit.files["submission.zip"])
        return target
    for relative, content in habit.files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return folder


def expected(habit: Habit, questions) -> dict[str, float]:
    """Question id -> its points, for the modules the habit submits."""
    return {q.id: q.points for q in questions if q.id.split(".")[0] in habit.graded}


def assert_full_marks(habit: Habit, result, questions) -> None:
    want = expected(habit, questions)
    assert want, f"{habit.name} grades nothing"
    got = {q.id: q.score for q in result.questions if q.id in want}
    lost = {q.id: q.feedback() for q in result.questions if q.id in want and q.score != want[q.id]}
    assert got == pytest.approx(want), f"{habit.name} lost points:\n" + "\n".join(lost.values())
    assert "error" not in result.status and "forbidden" not in result.status, result.status


def test_the_habits_are_valid_python_in_the_bytes_a_student_saves():
    """The corpus is honest: every file compiles from its bytes (BOM, CRLF and tabs included),
    and the habits really are there."""
    raw = {h.name: h for h in HABITS}
    assert b"\r\n" in raw["crlf"].files["two_layer_sigmoid.py"]
    assert raw["bom-non-ascii"].files["two_layer_sigmoid.py"].startswith(b"\xef\xbb\xbf")
    assert b"\n\tdef" not in raw["tabs"].files["two_layer_sigmoid.py"]
    assert b"\n\treturn" in raw["tabs"].files["two_layer_sigmoid.py"]
    assert b"\n\t\t" in raw["tabs"].files["two_layer_sigmoid.py"]
    with zipfile.ZipFile(io.BytesIO(raw["finder-zip"].files["submission.zip"])) as archive:
        names = archive.namelist()
    assert any(n.startswith("__MACOSX/") and "/._" in n and n.endswith(".py") for n in names)
    assert any(n.endswith(".DS_Store") for n in names)
    for habit in [*HABITS, combined()]:
        for relative, content in habit.files.items():
            if relative.endswith(".py"):
                compile(content, relative, "exec")


def test_every_habit_gets_full_marks_from_backprop_grade(tmp_path, questions):
    subs = tmp_path / "subs"
    for habit in HABITS:
        write(habit, subs / habit.name)
    out = tmp_path / "out"
    # two at a time: the per-call time limits hold on a machine shared with other tests
    done = CliRunner().invoke(app, ["grade", str(subs), "--out", str(out), "--jobs", "2"])
    assert done.exit_code == 0, done.output
    with (out / "grades.csv").open(newline="") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    assert sorted(rows) == sorted(IDS)
    for habit in HABITS:
        want = expected(habit, questions)
        row = rows[habit.name]
        got = {qid: float(row[qid]) for qid in want}
        results = json.loads((out / f"{habit.name}.json").read_text())
        lost = [t["output"] for t in results["tests"] if t["score"] != t["max_score"]]
        assert got == pytest.approx(want), f"{habit.name} ({row['status']}):\n" + "\n".join(lost)
        assert float(row["total"]) == pytest.approx(sum(want.values())), habit.name
        assert results["score"] == pytest.approx(sum(want.values()))


@pytest.mark.parametrize("habit", HABITS, ids=IDS)
def test_habit_gets_full_marks_from_check(habit, tmp_path):
    result = check_path(write(habit, tmp_path / habit.name))
    assert_full_marks(habit, result, public_questions())


def test_a_demo_that_runs_on_import_still_prints_where_the_student_sees_it(tmp_path):
    """Printing is allowed and shown (the start of it), not held against the submission."""
    habit = next(h for h in HABITS if h.name == "top-level-demo")
    result = check_path(write(habit, tmp_path / habit.name))
    assert "final loss" in result.printed


def test_check_shows_what_the_code_printed_as_printed(tmp_path):
    """Square brackets in a print are the student's text, not markup for the table: "[debug]"
    once vanished from the output and "[/]" crashed `backprop check`."""
    habit = next(h for h in HABITS if h.name == "prints-inside-graded-functions")
    folder = write(habit, tmp_path / habit.name)
    done = CliRunner().invoke(app, ["check", str(folder)])
    assert done.exit_code == 1, done.output  # the habit holds two of the eight files
    assert isinstance(done.exception, SystemExit), done.exception
    assert "[debug] forward: Z (" in done.output
    assert "A min/max [/] " in done.output


def test_the_combined_habit_gets_full_marks_from_grade_and_check(tmp_path, questions):
    habit = combined()
    submission = write(habit, tmp_path / "combined")
    assert_full_marks(habit, grade_submission(submission, questions), questions)
    assert_full_marks(habit, check_path(submission), public_questions())


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory, questions):
    pytest.importorskip("otter")
    return build_gradescope_zip(questions, tmp_path_factory.mktemp("gs") / "autograder.zip")


def test_the_combined_habit_gets_full_marks_under_otter_run(tmp_path, questions, autograder_zip):
    """`otter run` (slow, ~5-20 s) with the Gradescope zip, on the combined habit's files
    packed by `backprop submit`: the scores `backprop grade` gives, full marks."""
    habit = combined()
    with zipfile.ZipFile(io.BytesIO(habit.files["submission.zip"])) as archive:
        archive.extractall(tmp_path / "finder")
    folder = next(p.parent for p in (tmp_path / "finder").rglob("optimizers.py"))
    submission = tmp_path / "submission.zip"
    done = CliRunner().invoke(app, ["submit", str(folder), "--out", str(submission)])
    assert done.exit_code == 0, done.output
    out = tmp_path / "out"
    done = otter_run(autograder_zip, submission, out)
    assert done.returncode == 0, done.stdout + done.stderr
    ours = grade_submission(submission, questions)
    assert otter_scores(out / "results.json") == pytest.approx(
        {q.id: q.score for q in ours.questions}
    )
    assert_full_marks(habit, ours, questions)


def test_a_finder_zip_uploaded_as_is_gets_full_marks_on_gradescope(
    tmp_path, questions, autograder_zip
):
    """Gradescope unzips the upload into /autograder/submission and runs the zip's
    run_otter.py. A Finder zip has no top-level script, which otter alone refuses ("No
    gradable files found"); run_otter.py adds a placeholder, and the plugin grades the files
    where they are (slow: one otter run)."""
    habit = combined()
    root = tmp_path / "autograder"
    for sub in ("source", "submission", "results"):
        (root / sub).mkdir(parents=True)
    (root / "submission_metadata.json").write_text("{}")
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
    with zipfile.ZipFile(io.BytesIO(habit.files["submission.zip"])) as archive:
        archive.extractall(root / "submission")
    done = subprocess.run(
        [sys.executable, str(root / "source" / "run_otter.py"), str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ours = grade_submission(write(habit, tmp_path / "upload"), questions)
    assert otter_scores(root / "results" / "results.json") == pytest.approx(
        {q.id: q.score for q in ours.questions}
    )
    assert_full_marks(habit, ours, questions)
