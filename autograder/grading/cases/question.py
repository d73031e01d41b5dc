"""Questions and test cases: one question per graded function, named `<module>.<function>`.

A case is a list of calls to run on the student's code (in the sandbox) and a judge that looks
at what came back (in the grader) and returns None when the case passes, or the feedback.
This module holds the shared data types only; assignment.py assembles the questions from the
public cases (public_models.py, public_optimizers.py), the derivation questions
(derivations.py) and, in the instructors' copy, the hidden cases (autograder/grading/hidden/).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from autograder.grading.sandbox import plain
from autograder.paths import MODEL_MODULES


class CallFailed(Exception):
    """A call of the student's code did not return; the message is the feedback."""


@dataclass
class Case:
    name: str
    points: float
    hidden: bool
    calls: list[dict]
    judge: Callable[[list], str | None]  # the calls' values, in order -> None or feedback


@dataclass
class Question:
    id: str  # "two_layer_sigmoid.backward"
    module: str  # the file it lives in, without .py
    cases: list[Case] = field(default_factory=list)

    @property
    def points(self) -> float:
        return sum(case.points for case in self.cases)


def make_call(module: str, scenario: str, **args) -> dict:
    return {"module": module, "scenario": scenario, "args": args}


def record_value(record: dict | None, question: str):
    """The decoded value of a call, or CallFailed with feedback a student can act on."""
    if record is None:
        raise CallFailed(f"{question}: no result came back")
    if not record.get("ok"):
        error, message = record.get("error"), record.get("message", "")
        if error == "NotImplementedError":
            raise CallFailed(f"{question} is not implemented yet")
        if error in ("ImportError", "Timeout", "Crash"):
            raise CallFailed(message)
        raise CallFailed(f"{question} raised {message}")
    try:
        return plain.decode(record["value"])
    except (ValueError, TypeError, KeyError) as exc:
        raise CallFailed(f"{question}: the result could not be read ({exc})") from None


OPTIMIZER_CLASSES = ("GD", "Momentum", "RMSprop", "Adam")


def question_ids() -> list[str]:
    ids = [
        f"{m}.{f}" for m in MODEL_MODULES for f in ("init_params", "forward", "loss", "backward")
    ]
    ids += [f"optimizers.{c}" for c in OPTIMIZER_CLASSES]
    return ids + ["optimizers.minibatches", "optimizers.train"]
