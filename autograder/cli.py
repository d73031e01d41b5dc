"""The `backprop` command: a thin CLI over the plain Python API of this package.

Each group of verbs lives in its own module with a `register(app)` function; heavy imports
(otter, sympy, matplotlib) happen inside the commands, so `backprop check` starts fast.
"""

from pathlib import Path

import typer

from autograder import paths

app = typer.Typer(
    help="Gradient descent and backpropagation exercises: check, grade, derive, plot.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """Gradient descent and backpropagation exercises: check, grade, derive, plot."""


@app.command()
def stubs(
    solutions: Path = typer.Option(paths.SOLUTIONS, help="The authored reference solutions."),
    out: Path = typer.Option(paths.EXERCISES, help="Where the student stubs are written."),
) -> None:
    """Regenerate the student stubs (exercises/) from the solutions."""
    from autograder import outpath
    from autograder.stubs import write_stubs

    if not solutions.is_dir():
        outpath.fail(f"--solutions {solutions} is not a folder")
    outpath.usable(out)
    with outpath.writing(out):
        written = write_stubs(solutions, out)
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(f"{len(written)} stub(s) changed." if written else "Stubs already up to date.")


def _register_commands() -> None:
    # Each module adds its verbs; keep imports at module level of those files light.
    import importlib

    for name in (
        "autograder.grading.commands",
        "autograder.plots.commands",
        "autograder.derivations.commands",
        "autograder.report.commands",
    ):
        importlib.import_module(name).register(app)


_register_commands()


if __name__ == "__main__":
    app()  # the `backprop` script is autograder.launch:run, which starts `check`'s zygote first
