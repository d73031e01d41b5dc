"""`backprop questions / answer / practice / sheet`: the derivation commands.

Imports of the checker (and through it SymPy) happen inside the commands, so registering them
costs nothing for `backprop --help` or `backprop check`.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command("questions")(questions)
    app.command("answer")(answer)
    app.command("practice")(practice)
    app.command("sheet")(sheet)


def questions(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """List the derivation questions: ids, prompts, symbols with their shapes."""
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
    expr: str = typer.Argument(..., help='Your formula, e.g. "2/m * (yhat - y) @ X.T".'),
    as_json: bool = typer.Option(False, "--json", help="Print the verdict as JSON."),
) -> None:
    """Check one answer: how it was read, the verdict, the credit and the feedback."""
    from autograder.derivations import QUESTIONS, check_answer

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


def practice(
    seed: int | None = typer.Option(None, help="Reproduce a session (default: a random seed)."),
    rounds: int = typer.Option(3, min=1, max=50, help="How many questions."),
) -> None:
    """Exam practice: random network variants; answer, get feedback, retry, or reveal steps."""
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
    seed: int = typer.Option(..., help="The seed: the same seed gives the same sheet."),
    out: Path = typer.Option(..., help="The directory to write into."),
    count: int = typer.Option(6, min=1, max=40, help="How many questions."),
) -> None:
    """Write a printable practice sheet and a separate worked-solutions sheet."""
    from autograder.derivations.sheet import write

    written, note = write(seed, out, count)
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(note)
