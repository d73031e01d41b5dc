"""The assignment: every graded question, in order, with its cases.

The public cases always; the hidden cases when autograder/grading/hidden/ is present (the
instructors' copy: `backprop release` leaves that folder out); the derivation questions when
the question bank is available.
"""

from __future__ import annotations

from autograder.grading.cases import public_models, public_optimizers
from autograder.grading.cases.derivations import derivation_questions
from autograder.grading.cases.question import Question, question_ids


def build_questions(include_hidden: bool = True) -> list[Question]:
    """Every question with its public cases, and its hidden cases when available."""
    questions = {qid: Question(qid, qid.split(".")[0]) for qid in question_ids()}
    public_models.add_cases(questions)
    public_optimizers.add_cases(questions)
    if include_hidden:
        try:
            from autograder.grading.hidden import models as hidden_models
            from autograder.grading.hidden import optimizers as hidden_optimizers
        except ImportError:  # the student release has no hidden tests
            pass
        else:
            hidden_models.add_cases(questions)
            hidden_optimizers.add_cases(questions)
    every = list(questions.values()) + derivation_questions()
    _number_calls(every)
    return every


def _number_calls(questions) -> None:
    for question in questions:
        for i, case in enumerate(question.cases):
            for j, call in enumerate(case.calls):
                call.setdefault("id", f"{question.id}#{i}.{j}")  # a shared call keeps its first id
