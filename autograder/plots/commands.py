"""`backprop plot landscape|random-search|optimizers|training MODEL` and `backprop notebooks`.

A thin layer: compute the data with landscapes.py, draw it with draw.py, write PNG and SVG.
matplotlib is imported inside the commands so `backprop --help` stays fast. With
--use-exercises the student's exercises/ run instead of solutions/; a stub that is not filled
in yet, or any error in the student's code, ends the command with a one-line message.
"""

from __future__ import annotations

import re
import traceback
from contextlib import contextmanager
from pathlib import Path

import typer

from autograder import outpath, paths

plot_app = typer.Typer(
    help="Figures of gradient descent: landscapes, random search, optimizers, training curves.",
    no_args_is_help=True,
)

OUT = typer.Option(Path("plots"), "--out", help="Directory the PNG and SVG files are written to.")
USE_EXERCISES = typer.Option(
    False, "--use-exercises", help="Run your code in exercises/ instead of the solutions."
)
SEED = typer.Option(0, help="Seed of the generated data (and of the random search).")
RESOLUTION = typer.Option(80, help="Grid points per axis of the loss landscape.")
DPI = typer.Option(110, min=30, help="Resolution of the PNG (dots per inch).")

STUB = re.compile(r"^(\w+)\.([\w.]+) is not implemented yet")


def _where(exc: BaseException) -> str:
    """' in exercises/x.py, line N (function)' for the innermost frame in an exercise file."""
    roots = (paths.EXERCISES, paths.SOLUTIONS)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        file = Path(frame.filename).resolve()
        if any(root in file.parents for root in roots):
            rel = file.relative_to(paths.ROOT).as_posix()
            return f" in {rel}, line {frame.lineno} ({frame.name})"
    return ""


def describe_error(exc: BaseException, use_exercises: bool) -> str:
    """One line for the student: what failed and where to look, never a traceback."""
    folder = "exercises" if use_exercises else "solutions"
    if isinstance(exc, NotImplementedError):
        if stub := STUB.match(str(exc)):
            module, function = stub.groups()
            return (
                f"{module}.{function} is not implemented yet: fill it in {folder}/{module}.py "
                "(or run without --use-exercises to see the reference solutions)"
                if use_exercises
                else f"{module}.{function} is not implemented yet in {folder}/{module}.py"
            )
        return f"not implemented yet{_where(exc)}: {exc}"
    detail = str(exc) or "(no message)"
    return f"your code raised {type(exc).__name__}{_where(exc)}: {detail}"


@contextmanager
def running_student_code(use_exercises: bool):
    """Turn any exception from the exercise code into a one-line message and exit code 1."""
    try:
        yield
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:  # any bug in student code must end in a message, not a traceback
        typer.secho(describe_error(exc, use_exercises), fg="red", err=True)
        raise typer.Exit(code=1) from None


def _written(files: list[Path]) -> None:
    for file in files:
        typer.echo(f"wrote {file}")


def _modules(use_exercises: bool, model: str = "univariate_regression"):
    from autograder.plots.landscapes import load

    return load(model, use_exercises), load("optimizers", use_exercises)


@plot_app.command()
def landscape(
    lr: float = typer.Option(0.3, help="Learning rate of the gradient descent path."),
    too_large_lr: float = typer.Option(
        0.5, help="A second panel with this (too large) learning rate; 0 to leave it out."
    ),
    steps: int = typer.Option(50, min=1, help="Gradient descent steps."),
    start: tuple[float, float] = typer.Option((-2.0, 3.0), help="Start point W B (red)."),
    seed: int = SEED,
    resolution: int = RESOLUTION,
    out: Path = OUT,
    dpi: int = DPI,
    use_exercises: bool = USE_EXERCISES,
) -> None:
    """The MSE landscape of univariate regression over (w, b) with the gradient descent path."""
    from autograder.plots import draw, landscapes

    outpath.usable(out)

    lrs = [lr] + ([too_large_lr] if too_large_lr > 0 else [])
    with running_student_code(use_exercises):
        model, optimizers = _modules(use_exercises)
        problem = landscapes.regression_problem(seed=seed)
        data = landscapes.landscape(model, optimizers, problem, start, lrs, steps, resolution)
    with outpath.writing(out):
        _written(draw.save(draw.landscape_figure(data), out, "landscape", dpi))
    for path in data.paths:
        fate = "diverged" if path.diverged else "converging"
        typer.echo(
            f"lr {path.lr:g}: loss {path.losses[0]:.4g} -> {path.losses[-1]:.4g} "
            f"in {len(path.points) - 1} steps ({fate})"
        )


@plot_app.command("random-search")
def random_search(
    budget: int = typer.Option(30, min=2, help="Loss evaluations for each method."),
    lr: float = typer.Option(0.3, help="Learning rate of gradient descent."),
    start: tuple[float, float] = typer.Option((-2.0, 3.0), help="GD start point W B (red)."),
    seed: int = SEED,
    resolution: int = RESOLUTION,
    out: Path = OUT,
    dpi: int = DPI,
    use_exercises: bool = USE_EXERCISES,
) -> None:
    """Random sampling of (w, b) against gradient descent, with the same budget of evaluations."""
    from autograder.plots import draw, landscapes

    outpath.usable(out)

    with running_student_code(use_exercises):
        model, optimizers = _modules(use_exercises)
        problem = landscapes.regression_problem(seed=seed)
        data = landscapes.search_vs_descent(
            model, optimizers, problem, start, lr, budget, seed=seed, resolution=resolution
        )
    with outpath.writing(out):
        _written(draw.save(draw.search_figure(data), out, "random_search", dpi))
    typer.echo(
        f"{budget} loss evaluations each: random search best {data.search.losses.min():.4g}, "
        f"gradient descent {data.descent.losses.min():.4g} (minimum {data.loss_star:.4g})"
    )


@plot_app.command()
def optimizers(
    steps: int = typer.Option(150, min=1, help="Steps of every optimizer."),
    start: tuple[float, float] = typer.Option((-0.4, 2.8), help="Start point W B (red)."),
    lr_gd: float = typer.Option(0.09, help="Learning rate of GD."),
    lr_momentum: float = typer.Option(0.3, help="Learning rate of Momentum."),
    lr_rmsprop: float = typer.Option(0.03, help="Learning rate of RMSprop."),
    lr_adam: float = typer.Option(0.3, help="Learning rate of Adam."),
    seed: int = SEED,
    resolution: int = RESOLUTION,
    out: Path = OUT,
    dpi: int = DPI,
    use_exercises: bool = USE_EXERCISES,
) -> None:
    """GD, Momentum, RMSprop and Adam on the same ill-conditioned regression problem."""
    from autograder.plots import draw, landscapes

    outpath.usable(out)

    lrs = {"GD": lr_gd, "Momentum": lr_momentum, "RMSprop": lr_rmsprop, "Adam": lr_adam}
    with running_student_code(use_exercises):
        model, optimizers_module = _modules(use_exercises)
        problem = landscapes.ill_conditioned_problem(seed=seed)
        data = landscapes.optimizer_race(
            model, optimizers_module, problem, start, steps, lrs, resolution
        )
    with outpath.writing(out):
        _written(draw.save(draw.race_figure(data), out, "optimizers", dpi))
    for path in data.paths:
        gap = path.losses[-1] - data.loss_star
        typer.echo(f"{path.name:8s} lr {path.lr:g}: L - L_min = {gap:.3g} after {steps} steps")


@plot_app.command()
def training(
    model: str = typer.Argument(..., help=f"One of: {', '.join(paths.MODEL_MODULES)}."),
    optimizer: list[str] = typer.Option(
        ["GD", "Momentum", "RMSprop", "Adam"],
        "--optimizer",
        help="Optimizer class to train with; repeat the option for several curves.",
    ),
    lr: float | None = typer.Option(None, help="One learning rate for all (default per class)."),
    epochs: int = typer.Option(200, min=1, help="Passes over the data."),
    batch_size: int | None = typer.Option(None, min=1, help="Minibatch size (default: full)."),
    m: int = typer.Option(200, min=1, help="Examples in the generated data set."),
    seed: int = SEED,
    out: Path = OUT,
    dpi: int = DPI,
    use_exercises: bool = USE_EXERCISES,
) -> None:
    """The loss curve of optimizers.train() for any model, on data generated for it (seeded)."""
    if model not in paths.MODEL_MODULES:
        typer.secho(
            f"unknown model {model!r}: expected one of {', '.join(paths.MODEL_MODULES)}",
            fg="red",
            err=True,
        )
        raise typer.Exit(code=2)
    from autograder.plots import draw, landscapes

    unknown = [name for name in optimizer if name not in landscapes.OPTIMIZERS]
    if unknown:
        typer.secho(
            f"unknown optimizer {unknown[0]!r}: expected one of {', '.join(landscapes.OPTIMIZERS)}",
            fg="red",
            err=True,
        )
        raise typer.Exit(code=2)
    outpath.usable(out)
    with running_student_code(use_exercises):
        module, optimizers_module = _modules(use_exercises, model)
        run = landscapes.training_curves(
            model, module, optimizers_module, optimizer, epochs, batch_size, lr, seed, m
        )
    with outpath.writing(out):
        _written(draw.save(draw.training_figure(run), out, f"training_{model}", dpi))
    for name, losses in run.losses.items():
        typer.echo(f"{name:8s} lr {run.lrs[name]:g}: loss {losses[0]:.4g} -> {losses[-1]:.4g}")


def notebooks(
    out: Path = typer.Option(paths.ROOT / "notebooks", help="Where the notebooks are written."),
) -> None:
    """Regenerate the notebooks (notebooks/exercises for students, notebooks/solutions)."""
    from autograder.notebooks import write_notebooks

    outpath.usable(out)
    with outpath.writing(out):
        written = write_notebooks(out)
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(f"{len(written)} notebook(s) changed." if written else "Notebooks up to date.")


def register(app: typer.Typer) -> None:
    app.add_typer(plot_app, name="plot")
    app.command("notebooks")(notebooks)
