"""The derivation questions (autograder.derivations) as graded questions `derivations.<id>`.

The student's answers file is read in the sandbox (only the strings come back); each answer is
checked by autograder.derivations.check_answer in the grader. Its credit (1 for right, partial
for right up to a listed misconception or factor) maps onto pass/fail cases, so that otter
(which scores cases, not fractions) gives the same points: one case per credit a verdict can
earn (0.5 for a factor or a transposed answer, each misconception's credit, 1), passed when the
credit reaches it, worth the step from the credit below. With the usual credits that is two
cases of half the points; a misconception of credit 0.25 adds a case of a quarter.
"""

from __future__ import annotations

from functools import lru_cache

from autograder.feedback import VARIABLE_MISSING, Feedback
from autograder.grading.cases.question import Case, Question, make_call

MODULE = "derivations"


def derivation_questions() -> list[Question]:
    """One question per derivation in the bank, or none when the bank is unavailable."""
    try:
        from autograder.derivations import QUESTIONS, check_answer
    except ImportError:
        return []
    # check_answer is deterministic: answers typed the same way by many students are checked once.
    # The credit is checked without the echo of a scalar answer (SymPy's printing, the one
    # thing that would import SymPy once the references are cached); a failing case checks
    # again with it, for its feedback.
    check = lru_cache(maxsize=100_000)(lambda qid, text, echo: check_answer(qid, text, echo=echo))
    bank = list(QUESTIONS.values()) if isinstance(QUESTIONS, dict) else list(QUESTIONS)
    ids = [q.id for q in bank]
    shared = make_call(MODULE, "answers", ids=ids)  # one call reads every answer
    questions = []
    for q in bank:

        def verdict(values, echo, qid=q.id):
            answers = values[0]
            raw = answers.get(qid) if isinstance(answers, dict) else None
            if raw is None or (isinstance(raw, dict) and raw.get("missing")):
                return None
            # a non-string (Foreign: any object) is passed on for check_answer to reject
            return check(qid, raw, echo) if isinstance(raw, str) else check_answer(qid, raw)

        def feedback(v, qid=q.id):
            # the verdict's diagnosis travels as the mistake's name (never a formula)
            if v is None:
                return Feedback(
                    f"derivations.{qid}: the variable {qid} is missing from derivations.py",
                    VARIABLE_MISSING,
                )
            read = f"read as {v.read_as}: " if v.read_as else ""  # nothing read: no "read as :"
            return Feedback(f"derivations.{qid}: {read}{v.feedback}", v.mistake)

        def judge(values, least, verdict=verdict, feedback=feedback):
            v = verdict(values, False)
            if v is not None and v.credit >= least:
                return None
            return feedback(v if v is None or v.read_as else verdict(values, True))

        cases, below = [], 0.0
        for least in credits(q):
            cases.append(
                Case(
                    _name(least),
                    round((least - below) * q.points, 9),
                    False,
                    [shared],
                    lambda values, least=least, judge=judge: judge(values, least),
                )
            )
            below = least
        questions.append(Question(f"{MODULE}.{q.id}", MODULE, cases))
    return questions


def prepare(ids=None) -> None:
    """Derive the truth of the active derivation questions (those in `ids`, default all) now
    (once per process), e.g. while the sandbox's zygotes start, rather than when the first
    answer is judged."""
    try:
        from autograder.derivations import QUESTIONS
        from autograder.derivations.check import _prepare
    except ImportError:
        return
    for question in list(QUESTIONS.values()):
        if ids is not None and question.id not in ids:
            continue
        try:
            _prepare(question)
        except Exception:  # noqa: BLE001, S112 - check_answer reports it when judged
            continue


def credits(question) -> list[float]:
    """The credits a verdict on this question can earn, ascending, ending with 1."""
    from autograder.derivations.check import FACTOR, TRANSPOSED

    partial = {FACTOR, TRANSPOSED} | {w.credit for w in question.misconceptions}
    return sorted(c for c in partial if 0 < c < 1) + [1.0]


def _name(least: float) -> str:
    if least == 1.0:
        return "right"
    if least == 0.5:
        return "right up to a factor or a listed misconception"
    return f"partly right (credit {least:g}: a listed misconception)"
