"""Grade one submission: run every case's calls in the sandbox, judge what came back.

This is the plain Python API behind `backprop check`, `backprop grade` and the otter test
files. A submission is a folder or a .zip holding any subset of the exercise files under their
own names; every submission gets a result, whatever its code does.
"""

from __future__ import annotations

import ast
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder.feedback import mistake_of
from autograder.grading.cases.assignment import build_questions
from autograder.grading.cases.question import CallFailed, Question, record_value
from autograder.grading.sandbox.jail import REFUSAL
from autograder.grading.sandbox.jail_imports import import_statements
from autograder.grading.sandbox.parent import run_job
from autograder.grading.submission.names import SUFFIXES, choose
from autograder.grading.submission.notebook import NotANotebook, notebook_source, skipped_notes
from autograder.paths import MODEL_MODULES

SUBMISSION_FILES = [f"{m}.py" for m in (*MODEL_MODULES, "optimizers", "derivations")]


@dataclass
class CaseResult:
    name: str
    points: float
    hidden: bool
    passed: bool
    feedback: str = ""
    mistake: str | None = None  # the name of the mistake the feedback diagnosed, if any


@dataclass
class QuestionResult:
    id: str
    cases: list[CaseResult]

    @property
    def mistakes(self) -> list[str]:
        """The named mistakes of the failed cases, each once, in the order of the cases."""
        named = (c.mistake for c in self.cases if not c.passed and c.mistake)
        return list(dict.fromkeys(named))

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
    graded: dict[str, str] = field(default_factory=dict)  # module -> the file graded for it

    @property
    def total(self) -> float:
        return round(sum(q.score for q in self.questions), 6)

    @property
    def possible(self) -> float:
        return round(sum(q.possible for q in self.questions), 6)


HELPER_COUNT = 20  # a student's own modules beside the exercise files, at most this many
HELPER_BYTES = 256 * 1024  # and this large each
ZIP_PY_FILES = 500  # .py files taken from a zip at most (a zip of 10,000 is not a submission)


NOTEBOOK_BYTES = 64 * 2**20  # a notebook's outputs (plots) may be large; its code is not


class Files(dict):
    """name -> path of the files a submission is graded on (`<module>.py` -> the file, or the
    source made from the notebook graded for that module); `origin` maps a name to the file the
    student handed in, `graded` a module to that file's path inside the submission, and `notes`
    says what was chosen or left out."""

    notes: list[str]
    origin: dict[str, Path]
    graded: dict[str, str]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notes = []
        self.origin = {}
        self.graded = {}


def find_files(path: Path, exclude: tuple[str, ...] = ()) -> tuple[Files, Path | None]:
    """The exercise files of a submission folder or zip (at any depth), `.py` or `.ipynb`, the
    one graded for each module chosen by submission/names.py's rule, ignoring top-level folders
    named in `exclude`, plus the student's own modules they import (see find_helpers). A graded
    notebook becomes its module's source (submission/notebook.py), written to a scratch folder.
    Returns the files and the scratch folder to delete afterwards (or None).

    This is the one place that decides which file is graded for a module: `backprop check`,
    `grade`, `submit`, the otter plugin and the otter test files all call it."""
    scratch = None
    if path.is_file() and path.suffix == ".zip":
        scratch = Path(tempfile.mkdtemp(prefix="backprop-zip-"))
        _extract_python(path, scratch)
        root = scratch
    else:
        root = path
    found = [p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file()]
    found = [p for p in found if p.relative_to(root).parts[0] not in exclude]
    candidates = sorted(found, key=lambda p: (len(p.relative_to(root).parts), str(p)))
    files = Files()
    for module, choice in choose(candidates, root).items():
        name = f"{module}.py"
        files.origin[name] = choice.graded.path
        files.graded[module] = choice.graded.relative
        if choice.note:
            files.notes.append(choice.note)
        if not choice.notebook:
            files[name] = choice.graded.path
            continue
        if scratch is None:
            scratch = Path(tempfile.mkdtemp(prefix="backprop-nb-"))
        target = scratch / ".backprop-notebooks" / name
        target.parent.mkdir(exist_ok=True)
        target.write_text(_notebook_module(choice.graded.path, choice.graded.relative))
        files[name] = target
    find_helpers(files, [c for c in candidates if c.suffix == ".py"])
    return files, scratch


def _notebook_module(path: Path, relative: str) -> str:
    """The module source graded for a notebook; one that cannot be read fails at import, with
    the reason (every question of the module then says it)."""
    try:
        if path.stat().st_size > NOTEBOOK_BYTES:
            raise NotANotebook(f"{relative} is larger than {NOTEBOOK_BYTES >> 20} MiB")
        return notebook_source(path.read_bytes(), relative)
    except (NotANotebook, OSError) as exc:
        return f"raise ImportError({str(exc)!r})\n"


def _extract_python(archive_path: Path, scratch: Path) -> None:
    """The .py and .ipynb files of a zip, under their own relative paths (none leaves
    `scratch`)."""
    with zipfile.ZipFile(archive_path) as archive:
        taken = 0
        for info in archive.infolist():
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if info.is_dir() or not parts or not parts[-1].endswith(SUFFIXES):
                continue
            largest = NOTEBOOK_BYTES if parts[-1].endswith(".ipynb") else 2**20
            if info.file_size >= largest or any(p in ("", ".", "..") or "/" in p for p in parts):
                continue
            if parts[0] == "/" or ":" in parts[0] or taken >= ZIP_PY_FILES:
                continue
            target = scratch.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
            taken += 1


def find_helpers(files: Files, candidates: list[Path]) -> None:
    """Add the student's own modules: a .py beside an exercise file, not an exercise file, that
    an exercise file (or a helper) imports by name; at most HELPER_COUNT of HELPER_BYTES each
    (`files.notes` names any left out)."""
    folders = {p.parent for p in files.origin.values()}
    beside = {}
    for candidate in candidates:
        name = candidate.stem
        if candidate.parent in folders and candidate.name not in SUBMISSION_FILES:
            if name.isidentifier() and not name.startswith("_") and name not in beside:
                beside[name] = candidate
    if not beside:
        return  # nothing to find (most submissions): no need to parse the files
    wanted, queue = set(), list(files.values())
    while queue:
        for name in sorted(_imported_tops(queue.pop()) & set(beside) - wanted):
            wanted.add(name)
            if beside[name].stat().st_size <= HELPER_BYTES:
                queue.append(beside[name])
    for name in sorted(wanted):
        if beside[name].stat().st_size > HELPER_BYTES:
            files.notes.append(f"{name}.py left out: larger than {HELPER_BYTES // 1024} kB")
        elif sum(n not in SUBMISSION_FILES for n in files) >= HELPER_COUNT:
            files.notes.append(f"{name}.py left out: more than {HELPER_COUNT} helper files")
        else:
            files[f"{name}.py"] = files.origin[f"{name}.py"] = beside[name]


def _imported_tops(path: Path) -> set[str]:
    """The top-level names of the absolute imports in a file (none if it does not parse)."""
    try:
        if path.stat().st_size > 2**20:
            return set()  # too large to be graded anyway
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError, RecursionError, MemoryError, OSError):
        return set()
    names = set()
    for node in import_statements(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
    return names


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
    notes = list(getattr(files, "notes", []))
    graded = dict(getattr(files, "graded", {}))
    if outcome and any(path.endswith(".ipynb") for path in graded.values()):
        notes += skipped_notes(outcome.output)
    status = _status(results, outcome, missing, notes)
    if outcome is None:
        return SubmissionResult(name, results, status, graded=graded)
    return SubmissionResult(
        name, results, status, outcome.events, outcome.output, outcome.jail, graded
    )


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
    result.mistake = mistake_of(feedback)
    return result


def _status(results, outcome, missing, notes=()) -> str:
    parts = list(notes)
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
