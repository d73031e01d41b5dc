"""`backprop report RESULTS`: the class report of a `backprop grade --out RESULTS` folder."""

from __future__ import annotations

from pathlib import Path

import typer

REPORT = "report.html"


def make_report(folder: Path) -> Path:
    """Write folder/report.html and its figures; returns the page's path. Raises ReportError
    (one line) for a folder that is not graded results, or files in the way that are not ours."""
    from autograder.report import figures, render
    from autograder.report.load import ReportError, load_results
    from autograder.report.summary import summarize

    results = load_results(folder)
    page = folder / REPORT
    # never overwrite what another program wrote: only an earlier report and its figures
    if page.exists() and not (page.is_file() and render.ours(_text(page))):
        raise ReportError(f"{page} exists and is not a backprop report; move it away first")
    for name in figures.FILES:
        if (folder / name).exists() and not figures.ours(folder / name):
            raise ReportError(f"{folder / name} exists and is not a backprop figure; move it away")
    summary = summarize(results)
    try:
        embedded = figures.write_figures(summary, folder)
        page.write_text(render.render(results, summary, embedded), encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"{folder}: cannot write the report ({exc.strerror or exc})") from None
    return page


def _text(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return handle.read(4096)
    except OSError:
        return ""


def report(
    results: Path = typer.Argument(..., help="The --out folder of backprop grade."),
) -> None:
    """The class report: RESULTS/report.html (score distribution, per-question means, the
    mistakes each question drew and who made them, submissions that need a look)."""
    from autograder.report.load import ReportError

    try:
        page = make_report(results)
    except ReportError as exc:
        typer.echo(f"error: {exc}")
        raise typer.Exit(2) from None
    except ImportError as exc:  # the student release does not install the report's libraries
        typer.echo(f"error: the class report needs {exc.name or exc}; install backprop-exercises")
        raise typer.Exit(2) from None
    typer.echo(f"wrote {page} (open it in a browser; it prints as it shows)")


def register(app: typer.Typer) -> None:
    app.command()(report)
