"""The data behind the figures, and every `backprop plot` command run headless."""

import types

import numpy as np
import pytest
from typer.testing import CliRunner

from autograder.cli import app
from autograder.paths import MODEL_MODULES
from autograder.plots import commands, landscapes
from autograder.plots.landscapes import load

MODEL, OPT = load("univariate_regression"), load("optimizers")
PROBLEM = landscapes.regression_problem()
START = (-2.0, 3.0)


def _distance(points, problem):
    return np.hypot(points[:, 0] - problem.w_star, points[:, 1] - problem.b_star)


def test_gd_path_starts_at_the_start_and_its_loss_falls_for_a_small_lr():
    path = landscapes.gradient_descent(MODEL, OPT, PROBLEM, START, lr=0.1, steps=40)
    assert np.array_equal(path.points[0], START)
    assert path.points.shape == (41, 2) and path.losses.shape == (41,)
    assert path.evaluations == 41 and not path.diverged
    assert np.all(np.diff(path.losses) < 0), "the loss must fall at every step for lr = 0.1"
    assert path.losses[0] == pytest.approx(landscapes.evaluate(MODEL, PROBLEM.X, PROBLEM.y, *START))
    assert _distance(path.points, PROBLEM)[-1] < 0.5 * _distance(path.points, PROBLEM)[0]


def test_too_large_lr_diverges_and_the_distance_to_the_minimum_grows():
    path = landscapes.gradient_descent(MODEL, OPT, PROBLEM, START, lr=0.5, steps=200)
    assert path.diverged and len(path.points) < 201
    distance = _distance(path.points, PROBLEM)
    assert distance[-1] > 100 * distance[0]
    assert path.losses[-1] > 1e5 * path.losses[0]


def test_the_minimum_is_the_least_squares_solution():
    grad = MODEL.backward(
        {"w": PROBLEM.w_star, "b": PROBLEM.b_star},
        MODEL.forward({"w": PROBLEM.w_star, "b": PROBLEM.b_star}, PROBLEM.X)[1],
        PROBLEM.X,
        PROBLEM.y,
    )
    assert abs(grad["w"]) < 1e-9 and abs(grad["b"]) < 1e-9


def test_random_search_and_gd_spend_exactly_the_stated_budget():
    data = landscapes.search_vs_descent(MODEL, OPT, PROBLEM, START, lr=0.3, budget=25, seed=1)
    assert data.search.evaluations == 25 and len(data.search.losses) == 25
    assert data.descent.evaluations == 25 and len(data.descent.points) == 25
    assert np.all(np.diff(data.search.best_so_far) <= 0)
    assert data.search.best_so_far[-1] == data.search.losses.min()
    # Samples lie in the box they were drawn from, around the minimum.
    assert np.all(np.abs(data.search.points[:, 0] - PROBLEM.w_star) <= 4.0)
    assert data.descent.losses.min() < data.search.losses.min()


def test_counting_model_counts_loss_calls_only():
    counted = landscapes.CountingModel(MODEL)
    landscapes.evaluate(counted, PROBLEM.X, PROBLEM.y, 1.0, 0.0)
    landscapes.evaluate(counted, PROBLEM.X, PROBLEM.y, 2.0, 0.0)
    assert counted.evaluations == 2


def test_loss_grid_is_indexed_b_then_w():
    grid = landscapes.loss_grid(MODEL, PROBLEM.X, PROBLEM.y, (0.0, 4.0), (-3.0, 1.0), 5)
    assert grid.loss.shape == (5, 5)
    expected = landscapes.evaluate(MODEL, PROBLEM.X, PROBLEM.y, grid.w[3], grid.b[1])
    assert grid.loss[1, 3] == pytest.approx(expected)


def test_optimizer_race_uses_every_optimizer_from_one_start():
    problem = landscapes.ill_conditioned_problem()
    data = landscapes.optimizer_race(MODEL, OPT, problem, (-0.4, 2.8), steps=150, resolution=10)
    assert [p.name for p in data.paths] == list(landscapes.OPTIMIZERS)
    gaps = {}
    for path in data.paths:
        assert np.array_equal(path.points[0], (-0.4, 2.8)) and not path.diverged
        gaps[path.name] = path.losses[-1] - data.loss_star
    # The point of the figure: momentum and Adam get down the long valley, plain GD crawls.
    assert gaps["Momentum"] < 0.1 * gaps["GD"] and gaps["Adam"] < 0.1 * gaps["GD"]


@pytest.mark.parametrize("name", MODEL_MODULES)
def test_training_curves_fall_for_every_model(name):
    run = landscapes.training_curves(name, load(name), OPT, ["GD", "Adam"], 40, None)
    for opt, losses in run.losses.items():
        assert losses.shape == (40,), opt
        assert losses[-1] < losses[0], (name, opt)
    minibatch = landscapes.training_curves(name, load(name), OPT, ["Adam"], 2, 64, m=200)
    assert minibatch.losses["Adam"].shape == (2 * 4,)  # ceil(200 / 64) = 4 steps per epoch


def test_describe_error_names_the_stub_and_the_file():
    try:
        load("optimizers", use_exercises=True).Momentum(lr=0.1).step({"w": 1.0}, {"w": 1.0})
    except NotImplementedError as exc:
        message = commands.describe_error(exc, use_exercises=True)
    assert message.startswith(
        "optimizers.Momentum.step is not implemented yet: fill it in exercises/optimizers.py"
    )
    assert "\n" not in message


runner = CliRunner()


def _png_and_svg(out, stem):
    png, svg = out / f"{stem}.png", out / f"{stem}.svg"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    assert "<svg" in svg.read_text()[:2000] and svg.stat().st_size > 20_000


COMMANDS = {
    "landscape": (["landscape", "--steps", "20", "--resolution", "25"], "landscape"),
    "random-search": (["random-search", "--budget", "15", "--resolution", "25"], "random_search"),
    "optimizers": (["optimizers", "--steps", "40", "--resolution", "25"], "optimizers"),
    "training": (["training", "two_layer_sigmoid", "--epochs", "20"], "training_two_layer_sigmoid"),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_plot_command_writes_png_and_svg(command, tmp_path):
    args, stem = COMMANDS[command]
    result = runner.invoke(app, ["plot", *args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    _png_and_svg(tmp_path, stem)
    assert f"wrote {tmp_path / stem}.png" in result.output


def test_landscape_start_option_reaches_the_data(tmp_path, monkeypatch):
    seen = {}
    real = landscapes.landscape

    def spy(model, optimizers, problem, start, lrs, steps, resolution):
        seen.update(start=start, lrs=lrs, steps=steps)
        return real(model, optimizers, problem, start, lrs, steps, resolution)

    monkeypatch.setattr(landscapes, "landscape", spy)
    args = ["plot", "landscape", "--start", "1", "-2", "--lr", "0.2", "--steps", "5"]
    result = runner.invoke(app, [*args, "--resolution", "10", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert seen == {"start": (1.0, -2.0), "lrs": [0.2, 0.5], "steps": 5}


@pytest.mark.parametrize("command", COMMANDS)
def test_use_exercises_on_stubs_says_what_to_implement(command, tmp_path):
    args, _ = COMMANDS[command]
    result = runner.invoke(app, ["plot", *args, "--out", str(tmp_path), "--use-exercises"])
    assert result.exit_code == 1
    assert "is not implemented yet: fill it in exercises/" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


def _half_done(monkeypatch, **overrides):
    """The student finished the model and GD but not Momentum (or whatever `overrides` say)."""
    student = types.SimpleNamespace(**{name: getattr(OPT, name) for name in dir(OPT)})
    for name, value in overrides.items():
        setattr(student, name, value)

    def fake_load(name, use_exercises=False):
        return student if name == "optimizers" else load(name)

    monkeypatch.setattr(landscapes, "load", fake_load)


def test_a_missing_optimizer_is_named(monkeypatch, tmp_path):
    _half_done(monkeypatch, Momentum=load("optimizers", use_exercises=True).Momentum)
    args = ["plot", "optimizers", "--steps", "5", "--resolution", "10", "--use-exercises"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "optimizers.Momentum.step is not implemented yet: fill it in exercises/optimizers.py "
        "(or run without --use-exercises to see the reference solutions)"
    )


def test_other_errors_in_student_code_get_one_line(monkeypatch, tmp_path):
    class Broken:
        def __init__(self, lr):
            self.lr = lr

        def step(self, params, grads):
            return 1 / 0

    _half_done(monkeypatch, GD=Broken)
    args = ["plot", "landscape", "--steps", "5", "--resolution", "10", "--use-exercises"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith("your code raised ZeroDivisionError")
    assert "division by zero" in result.output and "Traceback" not in result.output


def test_unknown_model_is_refused(tmp_path):
    result = runner.invoke(app, ["plot", "training", "resnet", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "expected one of univariate_regression" in result.output


def test_readme_figures_are_committed_and_small():
    from autograder.paths import ROOT

    for stem in ("landscape", "random_search", "optimizers"):
        png = ROOT / "docs" / "img" / f"{stem}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", stem
        assert 10_000 < png.stat().st_size < 200_000, (stem, png.stat().st_size)
