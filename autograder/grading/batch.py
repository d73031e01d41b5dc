"""`backprop grade`: grade a folder of submissions in parallel and write the results.

OUTDIR/grades.csv has a row per submission (name, a column per question, total, possible,
percent, status; after the name, the submitters' name, sid and email when the folder is a
Gradescope export with its submission_metadata.yml); OUTDIR/<name>.json is Gradescope's
results.json for that submission, with one test entry per question named `<module>.<function>`.

OUTDIR may hold an earlier run: its JSONs of submissions that are not in this run are moved to
OUTDIR/earlier/<timestamp>/ (and the caller says so); a file this run did not write is never
touched, and one in the way of a file it writes (a folder named like a JSON, say) is kept as
`NAME.before-grade`. Other files (a report.html, plots, notes) stay where they are.
"""

from __future__ import annotations

import csv
import json
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder.grading.cases import derivations
from autograder.grading.cases.assignment import build_questions
from autograder.grading.gradescope.metadata import Submitter, roster_columns
from autograder.grading.runner import SubmissionResult, grade_submission
from autograder.grading.sandbox.parent import Zygote


def list_submissions(folder: Path) -> list[Path]:
    """Every sub-folder and .zip of `folder`, sorted by name."""
    entries = [p for p in folder.iterdir() if p.is_dir() or p.suffix == ".zip"]
    return sorted((p for p in entries if not p.name.startswith(".")), key=lambda p: p.name)


def grade_all(
    submissions: list[Path],
    jobs: int | None = None,
    on_done: Callable[[SubmissionResult], None] | None = None,
    questions: list | None = None,
) -> list[SubmissionResult]:
    """Grade every submission on `questions` (default: all, hidden too); the results come back
    in the order given.

    Each submission runs in its own child process, so threads are enough to use every core."""
    # two per core: while one submission's child computes, another's grader thread judges
    # (and a submission that hangs holds a thread, not a core)
    jobs = jobs or 2 * (os.cpu_count() or 1)
    Zygote.prestart()  # the template boots while the questions are built
    questions = build_questions() if questions is None else questions
    # the derivations' truth is read while the first children run (a judge that needs a
    # question before then waits for it: derivations/check.py prepares each once, locked)
    threading.Thread(target=derivations.prepare, daemon=True).start()

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


def is_results_json(path: Path) -> bool:
    """Whether path is a results JSON as write_results writes it (score, output, tests)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    return (
        isinstance(data, dict)
        and set(data) == {"score", "output", "tests"}
        and isinstance(data["tests"], list)
    )


def set_aside_earlier(results: list[SubmissionResult], out: Path) -> Path | None:
    """Move the results JSONs in out of submissions that are not in this run to
    out/earlier/<timestamp>/; returns that folder, or None when there were none."""
    if not out.is_dir():
        return None
    names = {f"{r.name}.json" for r in results}
    stale = [
        p
        for p in sorted(out.glob("*.json"))
        if p.name not in names and p.is_file() and not p.is_symlink() and is_results_json(p)
    ]
    if not stale:
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = out / "earlier" / stamp
    n = 2
    while folder.exists():
        folder = out / "earlier" / f"{stamp}-{n}"
        n += 1
    folder.mkdir(parents=True)
    for path in stale:
        path.rename(folder / path.name)
    return folder


def _clear_way(path: Path, ours) -> None:
    """Keep whatever sits at path as NAME.before-grade unless it is a file this command
    writes (`ours(path)`), so that writing there loses nothing."""
    if not (path.exists() or path.is_symlink()):
        return
    if path.is_file() and not path.is_symlink() and ours(path):
        return
    target = path.with_name(path.name + ".before-grade")
    n = 2
    while target.exists() or target.is_symlink():
        target = path.with_name(f"{path.name}.before-grade.{n}")
        n += 1
    path.rename(target)


def _is_grades_csv(path: Path) -> bool:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return next(csv.reader(handle), [None])[0] == "submission"
    except (OSError, UnicodeDecodeError):
        return False


def write_results(
    results: list[SubmissionResult],
    out: Path,
    possible: dict[str, float],
    people: dict[str, list[Submitter]] | None = None,
) -> Path:
    """grades.csv and one JSON per submission; `possible` maps question id -> its points,
    `people` a submission's name -> its submitters (gradescope/metadata.py; with it the CSV
    has name, sid and email columns). Returns the CSV's path. Overwrites only files of an
    earlier run (grades.csv and results JSONs); anything else in the way is kept as
    NAME.before-grade."""
    question_ids = list(possible)
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / "grades.csv"
    _clear_way(csv_path, _is_grades_csv)
    for r in results:
        _clear_way(out / f"{r.name}.json", is_results_json)
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
        (out / f"{r.name}.json").write_text(results_text(gradescope_json(r)))
    return csv_path


def results_text(results: dict) -> str:
    """A results JSON as text, a test a line: readable, and written by json's C encoder
    (indent=2 takes its pure-Python one, 5 ms a submission)."""
    lines = [
        f"  {json.dumps(key)}: {json.dumps(results[key])}," for key in results if key != "tests"
    ]
    tests = [f"    {json.dumps(test)}" for test in results["tests"]]
    lines += ['  "tests": [', ",\n".join(tests), "  ]"] if tests else ['  "tests": []']
    return "{\n" + "\n".join(lines) + "\n}\n"
