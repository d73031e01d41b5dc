"""Feedback text that carries the name of the mistake it diagnosed.

A judge returns a message for the student; the class report (autograder/report/) needs the
mistake behind it as data, not prose to scrape. `Feedback` is a `str` (every existing use of
a message keeps working) with a `.mistake` attribute: a short, stable name such as
"the factor 2/m is missing", the same for every submission that made it, or None.

Concatenation keeps the name, from either side: `problem + " (m = 7)"` and
`"forward: " + problem` are still Feedback. (An f-string does not: it builds a plain str, so
the judges that prefix a label concatenate instead.)
"""

from __future__ import annotations


class Feedback(str):
    """A feedback message and the name of the mistake it diagnosed (None: none named)."""

    mistake: str | None

    def __new__(cls, text: str, mistake: str | None = None) -> Feedback:
        self = super().__new__(cls, text)
        self.mistake = mistake or None
        return self

    def __add__(self, other: str) -> Feedback:
        return Feedback(str.__add__(self, other), self.mistake)

    def __radd__(self, other: str) -> Feedback:
        # str + Feedback: Python tries the subclass's reflected method first
        return Feedback(str.__add__(str(other), self), self.mistake)

    def __reduce__(self):
        return (Feedback, (str(self), self.mistake))


# Not mistakes but work not done: named so that a report can tell them from the misconceptions
# (an unanswered derivation, a derivations.py without the question's variable).
NOT_ANSWERED = "not answered"
VARIABLE_MISSING = "the answer's variable is missing"
NOT_ATTEMPTED = frozenset({NOT_ANSWERED, VARIABLE_MISSING})


def mistake_of(text) -> str | None:
    """The mistake a message names, or None (a plain str names none)."""
    return getattr(text, "mistake", None)
