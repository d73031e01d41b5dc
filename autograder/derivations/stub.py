"""The students' derivations.py for a question file: one `id = ...` per question, with its
prompt, its symbols and their shapes, and the shape of the answer. Nothing else about the
question (no answer, no misconception) is written.
"""

from __future__ import annotations

import ast
import textwrap

from autograder import paths
from autograder.derivations.question import Question
from autograder.derivations.shapes import fmt

RULE = "# " + "=" * 96

FALLBACK_DOC = '''r"""Derivation questions: write each gradient as a formula in a string.

Replace every `...` with your answer in quotes, then run `backprop check` (or check one answer
with `backprop answer QUESTION "EXPR"`; `backprop questions` lists them all).
"""'''


def _docstring() -> str:
    """The how-to-type docstring of the exercise file (one text for every question file)."""
    try:
        source = (paths.EXERCISES / "derivations.py").read_text(encoding="utf-8")
        first = ast.parse(source).body[0]
        start = source.splitlines()[first.lineno - 1 : first.end_lineno]
        return "\n".join(start)
    except (OSError, SyntaxError, IndexError):
        return FALLBACK_DOC


def _symbols(question: Question) -> str:
    parts = []
    for name, shape in question.symbols.items():
        if name == "m":
            parts.append("m")
        else:
            parts.append(f"{name} {shape.split(':')[0]}")
    return "; ".join(parts)


def render(questions: dict[str, Question]) -> str:
    """The text of derivations.py for these questions."""
    out = [
        "# Exercise file: replace every TODO with your code, then run `backprop check`.",
        _docstring(),
    ]
    section = None
    for question in questions.values():
        if question.kind == "matrix":
            heading = question.model.description or ",  ".join(
                f"{name} = {formula}" for name, formula in question.model.forward
            )
            key = ("matrix", heading)
        else:
            heading, key = "", ("scalar", "")
        if key != section:
            section = key
            out += ["", RULE]
            out.append(f"# Forward: {heading}" if heading else "# scalar derivatives")
        points = f"{question.points:g} point{'s' * (question.points != 1)}"
        prompt = question.prompt
        if question.kind == "matrix" and heading and prompt.startswith(heading + ".  "):
            prompt = prompt[len(heading) + 3 :]
        out += ["", f"# {question.id} ({points}): {prompt}"]
        out += textwrap.wrap(
            f"Symbols: {_symbols(question)}.",
            98,
            initial_indent="# ",
            subsequent_indent="#     ",
            break_on_hyphens=False,
        )
        if question.kind == "matrix":
            out.append(f"# Answer shape: {fmt(question.target_shape)}")
        out.append(f"{question.id} = ...  # TODO: your answer")
    return "\n".join(out) + "\n"
