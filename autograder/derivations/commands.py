"""`backprop questions / answer / practice / sheet`: the derivation commands.

Imports of the checker (and through it SymPy) happen inside the commands, so registering them
costs nothing for `backprop --help` or `backprop check`.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

QUESTIONS_HELP = "A question file (TOML) to use instead of the built-in questions."


def questions_option():
    return typer.Option(None, "--questions", help=QUESTIONS_HELP, show_default=False)


def activate(path: Path | None) -> None:
    """Make the question file at `path` the active one, or exit 2 with one line saying why
    it cannot be used (the question and the field)."""
    import autograder.derivations as derivations
    from autograder.derivations import QuestionFileError, use

    if path is None:
        if derivations.LOAD_ERROR:  # the default file ($BACKPROP_QUESTIONS) cannot be used
            typer.echo(f"error: {derivations.LOAD_ERROR}")
            raise typer.Exit(2)
        return

    try:
        use(path)
    except QuestionFileError as error:
        typer.echo(f"error: {error}")
        raise typer.Exit(2) from None


def register(app: typer.Typer) -> None:
    app.command("questions")(questions)
    # A formula may start with "-" (`-(y - yhat)/m`): an argument that is not a known option is
    # the formula, not an error ("No such option"); `--` still ends the options.
    app.command("answer", context_settings={"ignore_unknown_options": True})(answer)
    app.command("practice")(practice)
    app.command("sheet")(sheet)


def questions(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
    questions_file: Path | None = questions_option(),
) -> None:
    """List the derivation questions: ids, prompts, symbols with their shapes."""
    activate(questions_file)
    from autograder.derivations import QUESTIONS
    from autograder.derivations.shapes import fmt

    rows = [
        {
            "id": q.id,
            "prompt": q.prompt,
            "symbols": q.symbols,
            "answer_shape": fmt(q.target_shape),
            "points": q.points,
        }
        for q in QUESTIONS.values()
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        typer.echo(f"{row['id']}  ({row['points']:g} pt): {row['prompt']}")
        symbols = "; ".join(f"{name} {shape}" for name, shape in row["symbols"].items())
        typer.echo(f"    symbols: {symbols}")
        typer.echo(f"    answer shape: {row['answer_shape']}")


def answer(
    question: str = typer.Argument(..., help="The question id (see `backprop questions`)."),
    expr: str = typer.Argument(
        ...,
        help='Your formula, e.g. "(yhat - y) @ X.T / m" (it may start with -); '
        "- reads it from standard input.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the verdict as JSON."),
    questions_file: Path | None = questions_option(),
) -> None:
    """Check one answer: how it was read, the verdict, the credit and the feedback."""
    activate(questions_file)
    from autograder.derivations import QUESTIONS, Verdict, check_answer

    if expr == "-" and question in QUESTIONS:
        text, problem = read_formula(_stdin())
        verdict = Verdict(question, "", False, 0.0, problem) if problem else None
        verdict = verdict or check_answer(question, text)
    else:
        verdict = check_answer(question, expr)
    if as_json:
        typer.echo(json.dumps(verdict.to_dict(), ensure_ascii=False))
    else:
        typer.echo(f"read as:  {verdict.read_as or '(not read)'}")
        status = "correct" if verdict.correct else "partly right" if verdict.credit else "wrong"
        typer.echo(f"verdict:  {status}")
        typer.echo(f"credit:   {verdict.credit:g}")
        typer.echo(f"feedback: {verdict.feedback}")
    if question not in QUESTIONS:
        raise typer.Exit(2)


def _no_stdin(why: str):
    typer.echo(f"error: `-` reads the formula from standard input, but {why}", err=True)
    raise typer.Exit(2)


def _stdin():
    try:
        return typer.get_binary_stream("stdin")
    except RuntimeError:  # closed (`<&-`)
        _no_stdin("it is closed; pass the formula as an argument instead")


def read_formula(stream) -> tuple[str, str]:
    """(text, "") or ("", the problem) for a formula piped to `backprop answer QID -`.

    Reads at most `limit` + 1 bytes (so a huge or endless input costs nothing), decodes
    UTF-8 (a BOM is dropped) and joins lines with spaces: a formula wrapped over several lines
    reads as one. NUL and other characters are left to the parser, which names them."""
    import sys

    from autograder.derivations.parse import MAX_CHARS

    # MAX_CHARS characters of up to 4 UTF-8 bytes each, and room for blank lines around them.
    limit = 4 * MAX_CHARS + 1024
    if getattr(sys.stdin, "isatty", lambda: False)():
        typer.echo("Type the formula, then Enter and Ctrl-D.", err=True)
    try:
        data = stream.read(limit + 1)
    except (OSError, ValueError) as error:
        _no_stdin(f"it could not be read ({error})")
    if len(data) > limit:
        return "", (
            f"Input: the answer on standard input is longer than {limit:,} bytes; "
            f"a formula has at most {MAX_CHARS:,} characters"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        return "", (
            f"Input: the answer on standard input is not UTF-8 text "
            f"(byte 0x{byte:02x} at byte {error.start + 1}); save the formula as UTF-8"
        )
    return " ".join(text.splitlines()), ""


def practice(
    seed: int | None = typer.Option(None, help="Reproduce a session (default: a random seed)."),
    rounds: int = typer.Option(3, min=1, max=50, help="How many questions."),
    questions_file: Path | None = questions_option(),
) -> None:
    """Exam practice: random network variants; answer, get feedback, retry, or reveal steps.
    Variants that coincide with a graded question (of --questions) are skipped."""
    activate(questions_file)
    import secrets

    from autograder.derivations.practice import session

    seed = secrets.randbelow(10**6) if seed is None else seed

    def ask(label: str) -> str:
        try:
            return typer.prompt(label, default="", show_default=False)
        except (typer.Abort, EOFError):  # end of piped input, or Ctrl-D
            raise EOFError from None

    session(seed, rounds, ask, typer.echo)


def sheet(
    out: Path = typer.Option(..., help="The directory to write into (made if missing)."),
    seed: int | None = typer.Option(
        None, min=0, help="The seed: the same seed gives the same sheet (default: a random one)."
    ),
    count: int = typer.Option(6, min=1, max=40, help="How many questions."),
    versions: int | None = typer.Option(
        None,
        min=1,
        max=26,
        help="Write an exam in this many versions (exam-<seed>-A.pdf...) and one answer key.",
    ),
    questions_file: Path | None = questions_option(),
) -> None:
    """Write a printable practice sheet and its worked solutions (PDF and Markdown), or with
    --versions an exam in several versions of matched difficulty and one answer key. Variants
    that coincide with a graded question (of --questions) are skipped."""
    import secrets

    activate(questions_file)

    from autograder.derivations.sheet import OutError, write, write_exam

    if seed is None:
        seed = secrets.randbelow(10**6)
        typer.echo(f"seed {seed} (run again with --seed {seed} for the same sheet)")
    try:
        written = (
            write(seed, out, count) if versions is None else write_exam(seed, out, versions, count)
        )
    except OutError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    for path in written:
        typer.echo(f"wrote {path}")
