"""Grade one submission: run every case's calls in the sandbox, judge what came back.

This is the plain Python API behind `backprop check`, `backprop grade` and the otter test
files. A submission is a folder or a .zip holding any subset of the exercise files under their
own names; every submission gets a result, whatever its code does.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading.cases.assignment import build_questions
from autograder.grading.cases.question import CallFailed, Question, record_value
from autograder.grading.sandbox.jail import REFUSAL
from autograder.grading.sandbox.parent import run_job
from autograder.paths import MODEL_MODULES

SUBMISSION_FILES = [f"{m}.py" for m in (*MODEL_MODULES, "optimizers", "derivations")]


@dataclass
class CaseResult:
    name: str
    points: float
    hidden: bool
    passed: bool
    feedback: str = ""


@dataclass
class QuestionResult:
    id: str
    cases: list[CaseResult]

    @property
    def score(self) -> float:
        return round(sum(c.points for c in self.cases if c.passed), 6)

    @property
    def possible(self) -> float:
        return round(sum(c.points for c in self.cases), 6)

    def feedback(self, show_hidden_names: bool = True) -> str:
        lines = []
        for case in self.cases:
            mark = "pass" if case.passed else "FAIL"
            name = case.name if show_hidden_names or not case.hidden else "hidden test"
            lines.append(f"[{mark}] {name} ({case.points:g} pt)")
            if not case.passed:
                lines.append(f"       {case.feedback}")
        return "\n".join(lines)


@dataclass
class SubmissionResult:
    name: str
    questions: list[QuestionResult]
    status: str = "ok"
    events: list[str] = field(default_factory=list)
    printed: str = ""
    jail: str = ""  # how the student's code was fenced in, e.g. "chroot + own uid + audit hook"

    @property
    def total(self) -> float:
        return round(sum(q.score for q in self.questions), 6)

    @property
    def possible(self) -> float:
        return round(sum(q.possible for q in self.questions), 6)


def find_files(path: Path, exclude: tuple[str, ...] = ()) -> tuple[dict[str, Path], Path | None]:
    """The exercise files of a submission folder or zip (at any depth; the shallowest wins),
    ignoring top-level folders named in `exclude`. Returns them and, for a zip, the temporary
    folder to delete afterwards."""
    scratch = None
    if path.is_file() and path.suffix == ".zip":
        scratch = Path(tempfile.mkdtemp(prefix="backprop-zip-"))
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = Path(info.filename).name
                if name in SUBMISSION_FILES and not info.is_dir() and info.file_size < 2**20:
                    target = scratch / str(len(Path(info.filename).parts)) / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(info))
        root = scratch
    else:
        root = path
    files: dict[str, Path] = {}
    candidates = sorted(root.rglob("*.py"), key=lambda p: (len(p.relative_to(root).parts), str(p)))
    for candidate in candidates:
        if candidate.relative_to(root).parts[0] in exclude:
            continue
        if candidate.name in SUBMISSION_FILES and candidate.name not in files:
            files[candidate.name] = candidate
    return files, scratch


def grade_submission(
    path: Path,
    questions: list[Question] | None = None,
    name: str | None = None,
    total_timeout: float = 60.0,
) -> SubmissionResult:
    """Grade one submission (folder or zip) on the given questions (default: all, hidden too)."""
    questions = build_questions() if questions is None else questions
    name = name or path.stem
    try:
        files, scratch = find_files(path)
    except (zipfile.BadZipFile, OSError) as exc:
        files, scratch = {}, None
        status = f"unreadable submission: {exc}"
    else:
        status = ""
    try:
        result = grade_files(files, questions, name, total_timeout)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    if status:
        result.status = status
    return result


def grade_files(
    files: dict[str, Path], questions: list[Question], name: str, total_timeout: float = 60.0
) -> SubmissionResult:
    calls, seen = [], set()
    for question in questions:
        if f"{question.module}.py" not in files:
            continue
        for case in question.cases:
            for call in case.calls:
                if call["id"] not in seen:
                    seen.add(call["id"])
                    calls.append(call)
    outcome = run_job(files, calls, total_timeout) if calls else None
    results = [
        QuestionResult(q.id, [_judge_case(q, case, files, outcome) for case in q.cases])
        for q in questions
    ]
    missing = sorted({q.module for q in questions} - {f.removesuffix(".py") for f in files})
    status = _status(results, outcome, missing)
    if outcome is None:
        return SubmissionResult(name, results, status)
    return SubmissionResult(name, results, status, outcome.events, outcome.output, outcome.jail)


def _judge_case(question, case, files, outcome) -> CaseResult:
    result = CaseResult(case.name, case.points, case.hidden, passed=False)
    if f"{question.module}.py" not in files:
        result.feedback = f"{question.module}.py is not in the submission"
        return result
    try:
        values = [record_value(outcome.records.get(call["id"]), question.id) for call in case.calls]
        feedback = case.judge(values)
    except CallFailed as exc:
        feedback = str(exc)
    except Exception as exc:  # noqa: BLE001 - a strange value must cost the case, not the batch
        feedback = (
            f"{question.id} returned something that could not be checked ({type(exc).__name__})"
        )
    result.passed = feedback is None
    result.feedback = feedback or ""
    return result


def _status(results, outcome, missing) -> str:
    parts = []
    if outcome:
        records = outcome.records.values()
        errors = {r.get("error") for r in records if not r.get("ok")}
        if any(
            r.get("error") == "ImportError" and "could not be imported" in r.get("message", "")
            for r in records
        ):
            parts.append("import error")
        if "Timeout" in errors:
            parts.append("timeout")
        if "Crash" in errors:
            parts.append("crashed")
        if any(REFUSAL in r.get("message", "") for r in records):
            parts.append("forbidden operation")
        if errors - {
            None,
            "NotImplementedError",
            "ImportError",
            "Timeout",
            "Crash",
            "ForbiddenOperation",
        }:
            parts.append("functions raised errors")
        if "NotImplementedError" in errors:
            parts.append("unimplemented functions")
    if missing:
        parts.append("missing files: " + ", ".join(f"{m}.py" for m in missing))
    return "; ".join(parts) or "ok"
