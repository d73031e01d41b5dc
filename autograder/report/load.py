"""Read a `backprop grade --out` folder: grades.csv (one row per submission, the questions in
the order of the assignment) and each row's `<submission>.json` (Gradescope's results.json,
whose tests carry `max_score` and `extra_data.mistakes`)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

GRADES = "grades.csv"
FIXED = ("submission", "name", "sid", "email", "total", "possible", "percent", "status")


class ReportError(ValueError):
    """The folder cannot be reported on; the message is one line saying why."""


@dataclass
class Row:
    submission: str  # the submission's folder or zip name
    name: str  # the submitters' names ("" unless the folder was a Gradescope export)
    sid: str
    email: str
    scores: dict[str, float]  # question id -> points earned
    total: float
    possible: float
    percent: float
    status: str
    mistakes: dict[str, list[str]] = field(default_factory=dict)  # question id -> names
    has_json: bool = False

    @property
    def label(self) -> str:
        """How the report names the submission: its submitters, else its folder."""
        return self.name or self.submission


@dataclass
class Results:
    folder: Path
    questions: list[str]  # question ids, in the order of the assignment
    points: dict[str, float]  # question id -> its points
    rows: list[Row]

    @property
    def named(self) -> bool:
        return any(r.name for r in self.rows)


def _number(value: str, where: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ReportError(f"{where}: {value!r} is not a number") from None


def load_results(folder: Path) -> Results:
    """The graded results in `folder`. Raises ReportError (one line) when it is not one."""
    if not folder.is_dir():
        raise ReportError(f"{folder} is not a folder (give the --out folder of backprop grade)")
    grades = folder / GRADES
    if not grades.is_file():
        raise ReportError(
            f"{folder} holds no {GRADES}: run `backprop grade SUBMISSIONS --out {folder}` first"
        )
    try:
        with grades.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            records = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReportError(f"{grades}: cannot be read ({exc})") from None
    needed = ("submission", "total", "possible", "percent", "status")
    missing = [c for c in needed if c not in header]
    if missing:
        raise ReportError(
            f"{grades}: not a grades.csv of backprop grade (no {', '.join(missing)} column)"
        )
    questions = [c for c in header if c not in FIXED]
    rows, points = [], dict.fromkeys(questions, 0.0)
    for i, record in enumerate(records, start=2):
        where = f"{grades}, line {i}"
        if None in record or any(v is None for v in record.values()):
            raise ReportError(f"{where}: the row does not have one value per column")
        row = Row(
            submission=record["submission"],
            name=record.get("name", ""),
            sid=record.get("sid", ""),
            email=record.get("email", ""),
            scores={q: _number(record[q], where) for q in questions},
            total=_number(record["total"], where),
            possible=_number(record["possible"], where),
            percent=_number(record["percent"], where),
            status=record["status"],
        )
        tests = _tests(folder, row.submission)
        if tests is not None:
            row.has_json = True
            for test in tests:
                qid = test.get("name")
                if qid in points:
                    points[qid] = max(points[qid], _max_score(test))
                    row.mistakes[qid] = _mistakes(test)
        rows.append(row)
    return Results(folder, questions, points, rows)


def _tests(folder: Path, submission: str) -> list[dict] | None:
    """The tests of a submission's JSON, or None when it is missing or not one of ours."""
    path = folder / f"{submission}.json"
    if path.parent != folder or path.name.startswith("."):
        return None  # a name with a slash cannot be one of the JSONs batch.py wrote
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    tests = data.get("tests") if isinstance(data, dict) else None
    return [t for t in tests if isinstance(t, dict)] if isinstance(tests, list) else None


def _max_score(test: dict) -> float:
    value = test.get("max_score")
    return float(value) if isinstance(value, (int, float)) else 0.0


def _mistakes(test: dict) -> list[str]:
    extra = test.get("extra_data")
    names = extra.get("mistakes") if isinstance(extra, dict) else None
    if not isinstance(names, list):
        return []
    return list(dict.fromkeys(n for n in names if isinstance(n, str) and n))
