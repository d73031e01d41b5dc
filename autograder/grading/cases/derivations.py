"""The derivation questions (autograder.derivations) as graded questions `derivations.<id>`.

The student's answers file is read in the sandbox (only the strings come back); each answer is
checked by autograder.derivations.check_answer in the grader. Its credit (1 for right, partial
for right up to a listed misconception or factor) maps onto two pass/fail cases, so that otter
(which scores cases, not fractions) gives the same points.
"""

from __future__ import annotations

from functools import lru_cache

from autograder.grading.cases.question import Case, Question, make_call

MODULE = "derivations"


def derivation_questions() -> list[Question]:
    """One question per derivation in the bank, or none when the bank is unavailable."""
    try:
        from autograder.derivations import QUESTIONS, check_answer
    except ImportError:
        return []
    # check_answer is deterministic: answers typed the same way by many students are checked once
    check = lru_cache(maxsize=100_000)(lambda qid, text: check_answer(qid, text))
    bank = list(QUESTIONS.values()) if isinstance(QUESTIONS, dict) else list(QUESTIONS)
    ids = [q.id for q in bank]
    shared = make_call(MODULE, "answers", ids=ids)  # one call reads every answer
    questions = []
    for q in bank:

        def verdict(values, qid=q.id):
            answers = values[0]
            raw = answers.get(qid) if isinstance(answers, dict) else None
            if raw is None or (isinstance(raw, dict) and raw.get("missing")):
                return None
            # a non-string (Foreign: any object) is passed on for check_answer to reject
            return check(qid, raw) if isinstance(raw, str) else check_answer(qid, raw)

        def feedback(v, qid=q.id):
            if v is None:
                return f"derivations.{qid}: the variable {qid} is missing from derivations.py"
            return f"derivations.{qid}: read as {v.read_as}: {v.feedback}"

        def judge_partial(values, verdict=verdict, feedback=feedback):
            v = verdict(values)
            return None if v is not None and v.credit >= 0.5 else feedback(v)

        def judge_full(values, verdict=verdict, feedback=feedback):
            v = verdict(values)
            return None if v is not None and v.credit >= 1.0 else feedback(v)

        half = q.points / 2
        questions.append(
            Question(
                f"{MODULE}.{q.id}",
                MODULE,
                [
                    Case(
                        "right up to a factor or a listed misconception",
                        half,
                        False,
                        [shared],
                        judge_partial,
                    ),
                    Case("right", half, False, [shared], judge_full),
                ],
            )
        )
    return questions
