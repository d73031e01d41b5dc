"""The grading verbs of `backprop`: check, grade, gradescope, release, submit."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer

from autograder import outpath, paths
from autograder.derivations.commands import activate, questions_option


def check(
    path: Path = typer.Argument(paths.EXERCISES, help="Your exercise files (a folder or .zip)."),
    questions_file: Path | None = questions_option(),
) -> None:
    """Run the public tests on your exercise files and show what to fix."""
    activate(questions_file)
    from autograder.grading.check import check_path, exit_code, render

    if not path.exists():
        typer.echo(f"error: {path} does not exist; give the folder holding your exercise files")
        raise typer.Exit(2)
    if path.is_file() and path.suffix.lower() != ".zip":
        typer.echo(f"error: {path} is a file; give the folder (or .zip) of your exercise files")
        raise typer.Exit(2)
    result = check_path(path)
    typer.echo(render(result))
    raise typer.Exit(exit_code(result))


def grade(
    submissions: Path = typer.Argument(
        ..., help="A folder of submissions (folders or .zip files)."
    ),
    out: Path = typer.Option(..., "--out", help="Where grades.csv and the JSON files go."),
    jobs: int = typer.Option(0, help="Submissions graded at once (default: twice the cores)."),
    questions_file: Path | None = questions_option(),
) -> None:
    """Grade a folder of submissions: grades.csv and Gradescope results per submission (with
    the students' names when the folder is a Gradescope export with submission_metadata.yml)."""
    activate(questions_file)
    from rich.progress import Progress

    from autograder.grading.batch import (
        grade_all,
        list_submissions,
        set_aside_earlier,
        write_results,
    )
    from autograder.grading.cases.assignment import build_questions
    from autograder.grading.gradescope.metadata import MetadataError, read_metadata

    if not submissions.is_dir():
        typer.echo(f"error: {submissions} is not a folder of submissions")
        raise typer.Exit(2)
    entries = list_submissions(submissions)
    if not entries:
        typer.echo(f"error: {submissions} holds no submission folders or .zip files")
        raise typer.Exit(2)
    inside = submissions.resolve()
    if out.resolve() == inside or inside in out.resolve().parents:
        outpath.fail(
            f"--out {out} is inside the submissions folder {submissions}: it would be graded "
            "as a submission next time; give a folder outside it"
        )
    outpath.usable(out)
    try:
        people = read_metadata(submissions)
    except MetadataError as exc:  # the grades matter more than the names: grade anyway
        typer.echo(f"warning: {exc}; the rows are named after the submission folders")
        people = {}
    started = time.perf_counter()
    questions = build_questions()
    with Progress(transient=not sys.stderr.isatty()) as progress:
        task = progress.add_task("grading", total=len(entries))
        advance = lambda _: progress.advance(task)  # noqa: E731
        results = grade_all(entries, jobs or None, on_done=advance, questions=questions)
    possible = {q.id: q.points for q in questions}
    with outpath.writing(out):
        earlier = set_aside_earlier(results, out)
        csv_path = write_results(results, out, possible, people)
    if earlier is not None:
        moved = len(list(earlier.iterdir()))
        typer.echo(
            f"moved {moved} results JSON(s) of an earlier run (submissions not in this run) "
            f"to {earlier}"
        )
    seconds = time.perf_counter() - started
    typer.echo(f"graded {len(results)} submissions in {seconds:.1f} s -> {csv_path}")
    jails = sorted({r.jail for r in results if r.jail})
    typer.echo(f"student code ran in: {' | '.join(jails) or 'no child (nothing to run)'}")
    for r in results:
        if r.status != "ok":
            typer.echo(f"  {r.name}: {r.total:g}/{r.possible:g} ({r.status})")
    _summary(out)


def _summary(out: Path) -> None:
    """Three lines on the class, read back from what was written, and the report command."""
    import shlex

    from autograder.report.load import ReportError, load_results
    from autograder.report.summary import summarize, summary_lines

    try:
        lines = summary_lines(summarize(load_results(out)))
    except ReportError as exc:  # the grades are written; a summary is a courtesy
        typer.echo(f"(no class summary: {exc})")
        return
    for line in lines:
        typer.echo(line)
    typer.echo(f"class report: backprop report {shlex.quote(str(out))}")


def gradescope(
    out: Path = typer.Option(Path("autograder.zip"), "--out", help="The zip to upload."),
    questions_file: Path | None = questions_option(),
) -> None:
    """Build the Gradescope autograder zip with `otter generate` (hidden tests included, and
    the question file with its misconceptions)."""
    activate(questions_file)
    from autograder.grading.cases.assignment import build_questions
    from autograder.grading.gradescope.export import build_gradescope_zip

    outpath.usable(out, directory=False, suffix=".zip")
    questions = build_questions()
    with outpath.writing(out):
        path = build_gradescope_zip(questions, out)
    points = sum(q.points for q in questions)
    typer.echo(
        f"wrote {path}: {len(questions)} questions, {points:g} points. Upload it as the "
        "autograder of a Gradescope programming assignment; students upload the zip "
        "that `backprop submit` makes."
    )


def submit(
    folder: Path = typer.Argument(
        paths.EXERCISES, help="Your exercise files or notebooks (a folder)."
    ),
    out: Path = typer.Option(Path("submission.zip"), "--out", help="The zip to upload."),
) -> None:
    """Run the public tests on your exercise files (or notebooks) and pack submission.zip for
    Gradescope."""
    from autograder.grading.submit import submit_folder

    if not folder.is_dir():
        typer.echo(f"error: {folder} is not a folder; give the folder holding your exercise files")
        raise typer.Exit(2)
    outpath.usable(out, directory=False, suffix=".zip")
    with outpath.writing(out):
        submitted = submit_folder(folder, out)
    if submitted is None:
        typer.echo(f"error: no exercise files or notebooks found in {folder}")
        raise typer.Exit(2)
    typer.echo(submitted.summary())


def register(app: typer.Typer) -> None:
    for command in (check, grade, gradescope, submit, release):
        app.command()(command)


def release(
    out: Path = typer.Option(..., "--out", help="The folder to write the student release to."),
    force: bool = typer.Option(
        False,
        "--force",
        help="Write into a folder holding other files: those in the way are renamed "
        "NAME.before-release, none is deleted.",
    ),
    questions_file: Path | None = questions_option(),
) -> None:
    """Write the student release: exercises, notebooks, public tests, the check command, and
    the question file without its misconceptions. Over a previous release it replaces only
    the files that release wrote (listed in .backprop-release.json)."""
    from autograder.grading.release import ReleaseError, build_release, check_target

    activate(questions_file)
    try:
        check_target(out)
    except ReleaseError as error:
        outpath.fail(str(error))
    existed = out.exists()
    outpath.usable(out)
    with outpath.writing(out):
        try:
            build_release(out, questions_file, force=force)
        except ReleaseError as error:
            if not existed:
                out.rmdir()  # made by usable() just now, and still empty
            outpath.fail(str(error))
    typer.echo(
        f"wrote the student release to {out} (no solutions, no hidden tests, "
        "question file without misconceptions; its files are listed in "
        f"{out / '.backprop-release.json'})"
    )
