"""`backprop grade`: grade a folder of submissions in parallel and write the results.

OUTDIR/grades.csv has a row per submission (name, a column per question, total, possible,
percent, status; after the name, the submitters' name, sid and email when the folder is a
Gradescope export with its submission_metadata.yml); OUTDIR/<name>.json is Gradescope's
results.json for that submission, with one test entry per question named `<module>.<function>`.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder.grading.cases.assignment import build_questions
from autograder.grading.gradescope.metadata import Submitter, roster_columns
from autograder.grading.runner import SubmissionResult, grade_submission


def list_submissions(folder: Path) -> list[Path]:
    """Every sub-folder and .zip of `folder`, sorted by name."""
    entries = [p for p in folder.iterdir() if p.is_dir() or p.suffix == ".zip"]
    return sorted((p for p in entries if not p.name.startswith(".")), key=lambda p: p.name)


def grade_all(
    submissions: list[Path],
    jobs: int | None = None,
    on_done: Callable[[SubmissionResult], None] | None = None,
) -> list[SubmissionResult]:
    """Grade every submission; the results come back in the order given.

    Each submission runs in its own child process, so threads are enough to use every core."""
    questions = build_questions()
    # two per core: while one submission's child computes, another's grader thread judges
    # (and a submission that hangs holds a thread, not a core)
    jobs = jobs or 2 * (os.cpu_count() or 1)

    def one(path: Path) -> SubmissionResult:
        try:
            result = grade_submission(path, questions, name=path.stem)
        except Exception as exc:  # noqa: BLE001 - every submission gets its row
            result = SubmissionResult(path.stem, [], status=f"grader error: {exc!r}")
        if on_done:
            on_done(result)
        return result

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, submissions))


def gradescope_json(result: SubmissionResult) -> dict:
    """Gradescope's results.json for one submission."""
    tests = [
        {
            "name": q.id,
            "score": q.score,
            "max_score": q.possible,
            "visibility": "visible",
            "output": q.feedback(show_hidden_names=True),
            # Gradescope keeps a test's extra_data as it is; the class report reads the
            # names of the mistakes diagnosed from here (never the prose of the output)
            "extra_data": {"mistakes": q.mistakes},
        }
        for q in result.questions
    ]
    return {
        "score": result.total,
        "output": f"status: {result.status}",
        "tests": tests,
    }


def write_results(
    results: list[SubmissionResult],
    out: Path,
    possible: dict[str, float],
    people: dict[str, list[Submitter]] | None = None,
) -> Path:
    """grades.csv and one JSON per submission; `possible` maps question id -> its points,
    `people` a submission's name -> its submitters (gradescope/metadata.py; with it the CSV
    has name, sid and email columns). Returns the CSV's path."""
    question_ids = list(possible)
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / "grades.csv"
    with csv_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        roster = ["name", "sid", "email"] if people else []
        writer.writerow(
            ["submission", *roster, *question_ids, "total", "possible", "percent", "status"]
        )
        for r in results:
            scores = {q.id: q.score for q in r.questions}
            out_of = sum(possible.values())  # the same for every row, scored or not
            percent = round(100 * r.total / out_of, 2) if out_of else 0.0
            writer.writerow(
                [
                    r.name,
                    *(roster_columns(people.get(r.name, [])).values() if people else ()),
                    *(scores.get(q, 0) for q in question_ids),
                    r.total,
                    out_of,
                    percent,
                    r.status,
                ]
            )
    for r in results:
        (out / f"{r.name}.json").write_text(json.dumps(gradescope_json(r), indent=2))
    return csv_path
