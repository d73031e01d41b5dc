"""The report's figures (matplotlib, Agg: no display): the distribution of total scores and
each question's mean score, in the order of the assignment.

Each figure is written as a PNG beside the report and returned as SVG text, which the page
embeds as a data URI (vector graphics print sharply; a data URI keeps the two SVGs' element ids
apart). Both PNGs carry the Software tag below, so a later report knows they are its own.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from autograder.report.summary import Summary

SOFTWARE = "backprop report"
FILES = ("report-scores.png", "report-questions.png")
CODE_COLOR, DERIVATION_COLOR = "#3b6ea8", "#c07a2c"


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    return plt


def score_histogram(summary: Summary):
    """Submissions per band of 5% of the total score (the last band holds 100%)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.8, 2.6), layout="constrained")
    bins = [5 * i for i in range(21)]
    percents = [min(max(p, 0.0), 100.0) for p in summary.percents]
    counts, _, bars = ax.hist(percents, bins=bins, color=CODE_COLOR, edgecolor="white")
    ax.bar_label(bars, labels=[f"{int(c)}" if c else "" for c in counts], fontsize=8, padding=1)
    ax.set_xticks(bins[::2], [f"{b}%" for b in bins[::2]])
    ax.set_xlim(0, 100)
    ax.set_xlabel("total score")
    ax.set_ylabel("submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.margins(y=0.15)
    return fig


def question_means(summary: Summary):
    """One horizontal bar per question: its mean score as a percent of its points."""
    plt = _pyplot()
    questions = summary.questions
    # about as wide as the page, so that the text keeps its size on screen and paper
    height = 0.8 + 0.16 * len(questions)
    fig, ax = plt.subplots(figsize=(9.0, height), layout="constrained")
    y = list(range(len(questions)))
    colors = [DERIVATION_COLOR if q.derivation else CODE_COLOR for q in questions]
    ax.barh(y, [q.mean_percent for q in questions], color=colors, height=0.7)
    ax.set_yticks(y, [f"{q.id} ({q.points:g})" for q in questions], fontsize=8)
    ax.set_ylim(len(questions) - 0.5, -0.5)  # the assignment's order, top to bottom
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 20), [f"{x}%" for x in range(0, 101, 20)])
    ax.xaxis.set_ticks_position("both")
    ax.tick_params(axis="x", labeltop=True)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel("mean score, % of the question's points")
    return fig


def write_figures(summary: Summary, folder: Path) -> dict[str, str]:
    """Draw both figures, write them as PNG into `folder`; {file name: SVG data URI}."""
    plt = _pyplot()
    embedded = {}
    for name, draw in zip(FILES, (score_histogram, question_means), strict=True):
        fig = draw(summary)
        try:
            fig.savefig(folder / name, dpi=150, metadata={"Software": SOFTWARE})
            svg = io.BytesIO()
            fig.savefig(svg, format="svg", metadata={"Creator": SOFTWARE, "Date": None})
        finally:
            plt.close(fig)
        embedded[name] = "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()
    return embedded


def ours(path: Path) -> bool:
    """Whether a PNG at `path` was written by this module (and may be replaced)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return head.startswith(b"\x89PNG") and SOFTWARE.encode() in head
