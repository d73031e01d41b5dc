"""`backprop check`: the public tests on a student's files, and `check_here` for notebooks.

Only public cases run here (no solution is needed, so this works in the student release).
The student's code runs in the sandbox for files; for a notebook it runs in the notebook's own
process on the functions defined there (nothing hidden is at stake locally).
"""

from __future__ import annotations

import ast
import io
import threading
import types
from dataclasses import dataclass
from pathlib import Path

from autograder.grading.cases import derivations
from autograder.grading.cases.assignment import build_questions
from autograder.grading.runner import (
    QuestionResult,
    SubmissionResult,
    _judge_case,
    grade_submission,
)
from autograder.grading.sandbox import plain
from autograder.grading.sandbox.child import run_call
from autograder.grading.sandbox.parent import Zygote


def public_questions():
    return build_questions(include_hidden=False)


def check_path(path: Path) -> SubmissionResult:
    """Run the public tests on a folder (or zip) of exercise files."""
    Zygote.prestart()  # boots on another core while the questions are built and prepared
    # the answered derivations are prepared, and the table's library loads, while this process
    # mostly waits for the child's answers (a question's judge waits for its preparation:
    # derivations/check.py prepares each question once, under a lock)
    questions, answered = public_questions(), _answered(path / "derivations.py")
    threading.Thread(target=derivations.prepare, args=(answered,), daemon=True).start()
    threading.Thread(target=_import_render, daemon=True).start()
    return grade_submission(path, questions, name=path.name)


def _import_render() -> None:
    import rich.console  # noqa: F401
    import rich.table  # noqa: F401


def _answered(path: Path) -> set[str]:
    """The names a derivations.py assigns a string to (read, not run: only to know which
    questions to prepare early; the answers themselves are read in the sandbox)."""
    try:
        if not path.is_file() or path.stat().st_size > 2**20:
            return set()
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError, RecursionError, MemoryError, OSError):
        return set()
    return {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        if isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def status(question: QuestionResult) -> str:
    """PASS (every case passed), FAIL (a case worth points failed) or WARNING (only a
    feedback-only case failed, such as the gradient check: the points are full, the table must
    not read as a pass)."""
    failed = [c for c in question.cases if not c.passed]
    if not failed:
        return "PASS"
    return "FAIL" if any(c.points > 0 for c in failed) else "WARNING"


def exit_code(result: SubmissionResult) -> int:
    """1 when any public case failed (a feedback-only one included), else 0."""
    return 1 if any(status(q) != "PASS" for q in result.questions) else 0


def render(result: SubmissionResult, width: int = 110) -> str:
    """The per-question table a student reads, as text."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # cells as Text, not markup: nothing to parse or escape (and half the time to lay out)
    table = Table(title=f"backprop check: {result.name}", show_lines=False)
    table.add_column("question", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("feedback")
    colour = {"PASS": "green", "FAIL": "red", "WARNING": "yellow"}
    for q in result.questions:
        failing = [c.feedback for c in q.cases if not c.passed]
        state = status(q)
        mark = Text("ok", "green") if not failing else Text(failing[0], colour[state])
        score = f"{q.score:g}/{q.possible:g}"
        table.add_row(Text(q.id), Text(state, colour[state]), Text(score), mark)
    buffer = io.StringIO()
    # no markup anywhere: what the student's code printed, the status and the feedback are
    # shown as they are (a printed "[/]" crashed the table once)
    console = Console(
        file=buffer,
        width=width,
        force_terminal=False,
        color_system=None,
        highlight=False,
        markup=False,
    )
    console.print(table)
    counts = {s: sum(status(q) == s for q in result.questions) for s in colour}
    console.print(
        f"{counts['PASS']} passed, {counts['FAIL']} failed, {counts['WARNING']} with a warning "
        "(full points, but a feedback-only check failed: read its feedback)"
    )
    console.print(
        f"public tests: {result.total:g}/{result.possible:g} points. Hidden tests, run when your "
        "work is graded, compare your functions with the reference on more inputs."
    )
    notebooks = [path for path in result.graded.values() if path.endswith(".ipynb")]
    if notebooks:
        graded = "graded notebooks (their code cells): " + ", ".join(notebooks)
        console.print(graded, soft_wrap=True)
    if result.status != "ok":  # which file was graded, skipped cells, missing files...
        console.print("status: " + result.status, soft_wrap=True)
    if result.printed.strip():
        console.print("your code printed (first lines):\n" + result.printed[:1500])
    return buffer.getvalue()


# ------------------------------------------------------------------ notebooks
@dataclass
class CheckReport:
    question: str
    result: QuestionResult

    @property
    def passed(self) -> bool:
        return self.result.score == self.result.possible

    def __repr__(self) -> str:
        return self.result.feedback()


def check_here(question_id: str, namespace: dict) -> CheckReport | None:
    """Run the public tests of one question on the functions defined in `namespace` (a
    notebook's globals()). Prints the result and never raises."""
    questions = {q.id: q for q in public_questions()}
    question = questions.get(question_id)
    if question is None:
        print(f"unknown question {question_id!r}; known: {', '.join(questions)}")
        return None
    module = types.SimpleNamespace(**namespace)
    records = {}
    for case in question.cases:
        for call in case.calls:
            # round-trip through plain data, as from the sandbox, so checks see the same values
            record = run_call({question.module: module}, plain.decode(plain.encode(call)))
            records[call["id"]] = record
    outcome = types.SimpleNamespace(records=records)
    files = {f"{question.module}.py": None}
    result = QuestionResult(
        question.id, [_judge_case(question, c, files, outcome) for c in question.cases]
    )
    report = CheckReport(question.id, result)
    status = "passed" if report.passed else "not passed yet"
    print(f"{question.id}: {result.score:g}/{result.possible:g} public points, {status}")
    print(result.feedback())
    return report
