"""The report's numbers, from the loaded results (load.py): pure computation, no drawing.

Scores are as grades.csv has them; a question's mean is over every submission (a missing file
counts 0, as in the total). A mistake's count is the number of submissions whose JSON names it
for that question (once per submission, however many cases it cost).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from autograder.feedback import NOT_ATTEMPTED
from autograder.report.load import Results, Row

DERIVATIONS = "derivations."


@dataclass
class Mistake:
    question: str
    name: str
    who: list[Row]  # the submissions that made it, in the order of grades.csv

    @property
    def count(self) -> int:
        return len(self.who)


@dataclass
class QuestionSummary:
    id: str
    points: float
    mean: float  # mean points earned
    full: int  # submissions at full marks
    zero: int  # submissions with nothing
    mistakes: list[Mistake] = field(default_factory=list)  # most frequent first

    @property
    def mean_percent(self) -> float:
        return 100 * self.mean / self.points if self.points else 0.0

    @property
    def derivation(self) -> bool:
        return self.id.startswith(DERIVATIONS)


@dataclass
class Flag:
    row: Row
    reasons: list[str]  # the non-ok status's parts, or "zero score"


@dataclass
class Summary:
    count: int
    possible: float
    totals: list[float]
    percents: list[float]
    questions: list[QuestionSummary]
    flagged: list[Flag]
    without_json: list[Row]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.totals) if self.totals else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.totals) if self.totals else 0.0

    @property
    def mean_percent(self) -> float:
        return statistics.fmean(self.percents) if self.percents else 0.0

    @property
    def median_percent(self) -> float:
        return statistics.median(self.percents) if self.percents else 0.0

    @property
    def full_marks(self) -> int:
        return sum(1 for t in self.totals if self.possible and t >= self.possible)

    @property
    def zero(self) -> int:
        return sum(1 for t in self.totals if t == 0)

    def top_mistakes(self, limit: int = 10) -> list[Mistake]:
        """The most frequent mistakes of the class; work not done (an unanswered derivation)
        is left to the per-question tables, or the stubs of a few would crowd out the rest."""
        every = [m for q in self.questions for m in q.mistakes if m.name not in NOT_ATTEMPTED]
        return sorted(every, key=lambda m: -m.count)[:limit]  # stable: assignment order on ties

    @property
    def code_questions(self) -> list[QuestionSummary]:
        return [q for q in self.questions if not q.derivation]

    @property
    def derivation_questions(self) -> list[QuestionSummary]:
        return [q for q in self.questions if q.derivation]


def summarize(results: Results) -> Summary:
    rows = results.rows
    questions = []
    for qid in results.questions:
        points = results.points.get(qid, 0.0)
        scores = [r.scores.get(qid, 0.0) for r in rows]
        made: Counter[str] = Counter()
        who: dict[str, list[Row]] = {}
        for r in rows:
            for name in r.mistakes.get(qid, []):
                made[name] += 1
                who.setdefault(name, []).append(r)
        ranked = sorted(made, key=lambda n: (-made[n], n))
        questions.append(
            QuestionSummary(
                qid,
                points,
                statistics.fmean(scores) if scores else 0.0,
                sum(1 for s in scores if points and s >= points - 1e-9),
                sum(1 for s in scores if s == 0),
                [Mistake(qid, n, who[n]) for n in ranked],
            )
        )
    possible = max((r.possible for r in rows), default=sum(results.points.values()))
    return Summary(
        count=len(rows),
        possible=possible,
        totals=[r.total for r in rows],
        percents=[r.percent for r in rows],
        questions=questions,
        flagged=[f for f in map(flag, rows) if f],
        without_json=[r for r in rows if not r.has_json],
    )


def flag(row: Row) -> Flag | None:
    """Why a submission needs a human look (its non-ok status, a zero score), or None."""
    reasons = [] if row.status == "ok" else [p for p in row.status.split("; ") if p]
    if row.total == 0 and row.possible:
        reasons.append("zero score")
    return Flag(row, reasons) if reasons else None


def summary_lines(summary: Summary) -> list[str]:
    """Three lines for the end of `backprop grade`."""
    lines = [
        f"class: mean {summary.mean:.2f}/{summary.possible:g} ({summary.mean_percent:.1f}%), "
        f"median {summary.median:.2f}, {summary.full_marks} at full marks, {summary.zero} at zero"
    ]
    top = summary.top_mistakes(1)
    lines.append(
        f"most frequent mistake: {top[0].question}: {top[0].name}: {top[0].count} "
        f"submission{'s' if top[0].count != 1 else ''}"
        if top
        else "most frequent mistake: none named"
    )
    lines.append(f"needs a look: {len(summary.flagged)} of {summary.count} submissions")
    return lines
