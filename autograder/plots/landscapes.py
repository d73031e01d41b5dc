"""The data behind the figures, in plain numpy: loss landscapes, descent paths, random search.

Nothing here re-implements the exercises. Every loss comes from model.forward + model.loss,
every gradient from model.backward and every update from an optimizer's step (or from train),
where `model` and `optimizers` are modules loaded by name from solutions/ or exercises/
(see `load`). The functions return arrays and small dataclasses, so tests check the numbers
behind a figure and draw.py only draws them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from autograder.paths import MODEL_MODULES

OPTIMIZERS = ("GD", "Momentum", "RMSprop", "Adam")


def load(name: str, use_exercises: bool = False) -> ModuleType:
    """Import an exercise module by name: solutions.<name>, or exercises.<name> (the student's)."""
    if name not in (*MODEL_MODULES, "optimizers"):
        raise ValueError(
            f"unknown module {name!r}: expected one of {', '.join((*MODEL_MODULES, 'optimizers'))}"
        )
    package = "exercises" if use_exercises else "solutions"
    return importlib.import_module(f"{package}.{name}")


# ---------------------------------------------------------------------------------------------
# Data


@dataclass
class Problem:
    """A univariate regression data set and its exact minimum (least squares, for reference)."""

    X: np.ndarray  # (1, m)
    y: np.ndarray  # (1, m)
    w_star: float
    b_star: float


def regression_problem(
    m: int = 40,
    seed: int = 0,
    w_true: float = 2.0,
    b_true: float = -1.0,
    x_low: float = 0.0,
    x_high: float = 2.0,
    noise: float = 0.4,
) -> Problem:
    """y = w_true x + b_true + noise, x uniform in [x_low, x_high].

    The mean of x sets the shape of the landscape: with x centred on 0 the contours of the MSE
    over (w, b) are circles; the further x sits from 0, the more w and b trade off against each
    other and the longer and thinner the valley (x in [2, 4] is an ill-conditioned problem).
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(x_low, x_high, size=(1, m))  # (1, m)
    y = w_true * X + b_true + noise * rng.standard_normal((1, m))  # (1, m)
    # The minimum is marked on the figures; least squares gives it independently of any
    # student code, so a wrong loss shows up as a landscape whose bottom is not at the star.
    A = np.vstack([X, np.ones_like(X)]).T  # (m, 2)
    (w_star, b_star), *_ = np.linalg.lstsq(A, y.ravel(), rcond=None)
    return Problem(X, y, float(w_star), float(b_star))


def ill_conditioned_problem(m: int = 40, seed: int = 0) -> Problem:
    """A long thin valley: x in [2, 4], so the Hessian's eigenvalues differ by ~300x."""
    return regression_problem(m=m, seed=seed, w_true=1.0, b_true=0.5, x_low=2.0, x_high=4.0)


# ---------------------------------------------------------------------------------------------
# Counting loss evaluations


class CountingModel:
    """Wraps a model module and counts its loss evaluations (calls of model.loss)."""

    def __init__(self, model: ModuleType):
        self.model = model
        self.evaluations = 0

    def forward(self, params, X):
        return self.model.forward(params, X)

    def loss(self, yhat, y):
        self.evaluations += 1
        return self.model.loss(yhat, y)

    def backward(self, params, cache, X, y):
        return self.model.backward(params, cache, X, y)


def evaluate(model, X: np.ndarray, y: np.ndarray, w: float, b: float) -> float:
    """L(w, b) on (X, y), through the model's own forward and loss."""
    yhat, _ = model.forward({"w": float(w), "b": float(b)}, X)
    return float(model.loss(yhat, y))


# ---------------------------------------------------------------------------------------------
# Landscape


@dataclass
class Grid:
    """L(w, b) on a regular grid: loss[i, j] = L(w[j], b[i]) (rows are b, as contourf wants)."""

    w: np.ndarray  # (nw,)
    b: np.ndarray  # (nb,)
    loss: np.ndarray  # (nb, nw)


def loss_grid(
    model,
    X: np.ndarray,
    y: np.ndarray,
    w_range: tuple[float, float],
    b_range: tuple[float, float],
    resolution: int = 80,
) -> Grid:
    """Evaluate the model's loss on a resolution x resolution grid over (w, b)."""
    w = np.linspace(*w_range, resolution)
    b = np.linspace(*b_range, resolution)
    loss = np.array([[evaluate(model, X, y, wj, bi) for wj in w] for bi in b])
    if not np.all(np.isfinite(loss)):
        raise ValueError(
            "loss returned nan or inf inside the plotted window; expected a finite mean "
            "squared error for every (w, b)"
        )
    return Grid(w, b, loss)


@dataclass
class Path:
    """The points an optimizer visits and the loss at each, from the start point on.

    points[0] is the start; points[i + 1] is the result of step i. losses[i] = L(points[i]).
    The descent stops early (diverged=True) once the loss is no longer finite or has grown
    beyond `blowup` times its starting value.
    """

    name: str
    points: np.ndarray  # (p, 2): columns w, b
    losses: np.ndarray  # (p,)
    evaluations: int  # loss evaluations spent (one per point)
    diverged: bool = False
    lr: float = float("nan")


def descend(
    model,
    X: np.ndarray,
    y: np.ndarray,
    start: tuple[float, float],
    optimizer,
    steps: int,
    name: str = "",
    blowup: float = 1e6,
) -> Path:
    """Run `steps` optimizer steps from `start` on L(w, b); record every point and its loss.

    One step is the loop body of train(): forward, loss, backward, optimizer.step. The loss of
    the final point is evaluated too, so a path of `steps` steps has steps + 1 points and spends
    steps + 1 loss evaluations.
    """
    counted = CountingModel(model)
    params = {"w": float(start[0]), "b": float(start[1])}
    points, losses, diverged = [], [], False
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps + 1):
            yhat, cache = counted.forward(params, X)
            L = float(counted.loss(yhat, y))
            points.append((float(params["w"]), float(params["b"])))
            losses.append(L)
            if not np.isfinite(L) or L > blowup * max(losses[0], 1e-12):
                diverged = True
                break
            if step == steps:
                break
            grads = counted.backward(params, cache, X, y)
            optimizer.step(params, grads)
    return Path(
        name=name or type(optimizer).__name__,
        points=np.array(points),
        losses=np.array(losses),
        evaluations=counted.evaluations,
        diverged=diverged,
        lr=float(getattr(optimizer, "lr", float("nan"))),
    )


def gradient_descent(
    model, optimizers: ModuleType, problem: Problem, start, lr: float, steps: int
) -> Path:
    """Plain gradient descent (optimizers.GD) on the problem's landscape."""
    return descend(model, problem.X, problem.y, start, optimizers.GD(lr=lr), steps, name="GD")


def landscape_box(
    problem: Problem, paths: list[Path], span: float = 4.0, limit: float = 4.0
) -> tuple[tuple[float, float], tuple[float, float]]:
    """A (w, b) window around the minimum that holds the paths' points.

    A diverging path runs off to infinity; the window grows to show it leaving, up to `limit`
    times the base span, and the rest of the path is cut off by the axes.
    """
    w_lo, w_hi = problem.w_star - span, problem.w_star + span
    b_lo, b_hi = problem.b_star - span, problem.b_star + span
    for path in paths:
        w, b = path.points[:, 0], path.points[:, 1]
        keep = (np.abs(w - problem.w_star) < limit * span) & (
            np.abs(b - problem.b_star) < limit * span
        )
        if keep.any():
            w_lo, w_hi = min(w_lo, w[keep].min()), max(w_hi, w[keep].max())
            b_lo, b_hi = min(b_lo, b[keep].min()), max(b_hi, b[keep].max())
    pad_w, pad_b = 0.05 * (w_hi - w_lo), 0.05 * (b_hi - b_lo)
    return (w_lo - pad_w, w_hi + pad_w), (b_lo - pad_b, b_hi + pad_b)


@dataclass
class Landscape:
    """Figure 1: the landscape with a gradient descent path (and a too-large-lr path)."""

    problem: Problem
    grid: Grid
    paths: list[Path] = field(default_factory=list)


def landscape(
    model,
    optimizers: ModuleType,
    problem: Problem,
    start: tuple[float, float],
    lrs: list[float],
    steps: int,
    resolution: int = 80,
) -> Landscape:
    """The MSE landscape of univariate regression and one gradient descent path per lr."""
    paths = [gradient_descent(model, optimizers, problem, start, lr, steps) for lr in lrs]
    w_range, b_range = landscape_box(problem, paths, limit=1.6)
    grid = loss_grid(model, problem.X, problem.y, w_range, b_range, resolution)
    return Landscape(problem, grid, paths)


# ---------------------------------------------------------------------------------------------
# Random search


@dataclass
class RandomSearch:
    """Uniform random samples of (w, b) in a box, with the best loss found so far."""

    points: np.ndarray  # (budget, 2)
    losses: np.ndarray  # (budget,)
    evaluations: int

    @property
    def best_so_far(self) -> np.ndarray:
        return np.minimum.accumulate(self.losses)

    @property
    def best(self) -> np.ndarray:
        return self.points[int(np.argmin(self.losses))]


def random_search(
    model,
    X: np.ndarray,
    y: np.ndarray,
    w_range: tuple[float, float],
    b_range: tuple[float, float],
    budget: int,
    rng: np.random.Generator,
) -> RandomSearch:
    """Evaluate the loss at `budget` uniform random points of the box; keep them all."""
    counted = CountingModel(model)
    points = np.column_stack(
        [rng.uniform(*w_range, size=budget), rng.uniform(*b_range, size=budget)]
    )
    losses = np.array([evaluate(counted, X, y, w, b) for w, b in points])
    return RandomSearch(points, losses, counted.evaluations)


@dataclass
class SearchVsDescent:
    """Figure 2: random search and gradient descent with the same budget of loss evaluations."""

    problem: Problem
    grid: Grid
    search: RandomSearch
    descent: Path
    budget: int
    loss_star: float


def search_vs_descent(
    model,
    optimizers: ModuleType,
    problem: Problem,
    start: tuple[float, float],
    lr: float,
    budget: int,
    seed: int = 0,
    span: float = 4.0,
    resolution: int = 80,
) -> SearchVsDescent:
    """Spend `budget` loss evaluations on each: budget random points, or budget - 1 GD steps.

    Gradient descent evaluates the loss once per point it visits, so budget - 1 steps from the
    start use exactly `budget` evaluations (it also computes a gradient at each but the last).
    Random search samples the same window the landscape shows.
    """
    if budget < 2:
        raise ValueError(f"budget must be at least 2 loss evaluations; got {budget}")
    descent = gradient_descent(model, optimizers, problem, start, lr, budget - 1)
    w_range = (problem.w_star - span, problem.w_star + span)
    b_range = (problem.b_star - span, problem.b_star + span)
    rng = np.random.default_rng(seed)
    search = random_search(model, problem.X, problem.y, w_range, b_range, budget, rng)
    w_box, b_box = landscape_box(problem, [descent], span=span)
    grid = loss_grid(model, problem.X, problem.y, w_box, b_box, resolution)
    loss_star = evaluate(model, problem.X, problem.y, problem.w_star, problem.b_star)
    return SearchVsDescent(problem, grid, search, descent, budget, loss_star)


# ---------------------------------------------------------------------------------------------
# Optimizers on an ill-conditioned problem

# Learning rates that show each method at its best on ill_conditioned_problem(): plain GD is
# limited by the steep direction (lr < 2 / lambda_max ~ 0.1) and crawls along the valley.
DEFAULT_LRS = {"GD": 0.09, "Momentum": 0.3, "RMSprop": 0.03, "Adam": 0.3}


@dataclass
class OptimizerRace:
    """Figure 3: GD, Momentum, RMSprop and Adam from one start on one landscape."""

    problem: Problem
    grid: Grid
    paths: list[Path]
    loss_star: float  # L at the exact minimum, so the loss curves can show L - L_min


def optimizer_race(
    model,
    optimizers: ModuleType,
    problem: Problem,
    start: tuple[float, float],
    steps: int,
    lrs: dict[str, float] | None = None,
    resolution: int = 80,
) -> OptimizerRace:
    """Run each optimizer class of the optimizers module for `steps` steps from `start`."""
    lrs = {**DEFAULT_LRS, **(lrs or {})}
    paths = [
        descend(model, problem.X, problem.y, start, getattr(optimizers, name)(lr=lrs[name]), steps)
        for name in OPTIMIZERS
    ]
    w_range, b_range = landscape_box(problem, paths, span=2.0, limit=1.5)
    grid = loss_grid(model, problem.X, problem.y, w_range, b_range, resolution)
    loss_star = evaluate(model, problem.X, problem.y, problem.w_star, problem.b_star)
    return OptimizerRace(problem, grid, paths, loss_star)


# ---------------------------------------------------------------------------------------------
# Training any model with train()

# Hidden units for the two-layer models (init_params(n, k)); the others ignore k.
HIDDEN = 8
TRAIN_LRS = {"GD": 0.1, "Momentum": 0.1, "RMSprop": 0.01, "Adam": 0.01}


def training_data(name: str, m: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A seeded data set that suits the model: X (n, m), y (1, m).

    Regression models fit a smooth function of 3 features (1 for univariate regression); the
    classifiers get labels in {0, 1}, linearly separable-ish for logistic regression and a
    ring (not linearly separable) for the perceptron.
    """
    rng = np.random.default_rng(seed)
    n = 1 if name == "univariate_regression" else 3
    X = rng.uniform(-2, 2, size=(n, m))  # (n, m)
    if name == "logistic_regression":
        y = (X[0] - 0.5 * X[1] + 0.3 * rng.standard_normal(m) > 0).astype(float)
    elif name == "two_layer_perceptron":
        y = (np.sum(X[:2] ** 2, axis=0) < 2.0).astype(float)
    elif name == "two_layer_sigmoid":
        y = np.tanh(X[0]) + 0.5 * X[-1] + 0.1 * rng.standard_normal(m)
    else:
        y = 1.5 * X[0] - 0.5 * X[-1] + 0.3 + 0.2 * rng.standard_normal(m)
    return X, y.reshape(1, m)


@dataclass
class TrainingRun:
    """Figure 4: the loss of every step of train(), one curve per optimizer."""

    model: str
    losses: dict[str, np.ndarray]
    lrs: dict[str, float]
    epochs: int
    batch_size: int | None
    m: int


def training_curves(
    name: str,
    model,
    optimizers: ModuleType,
    names: list[str],
    epochs: int,
    batch_size: int | None,
    lr: float | None = None,
    seed: int = 0,
    m: int = 200,
) -> TrainingRun:
    """train() the model from the same init_params for each optimizer; keep the losses."""
    X, y = training_data(name, m=m, seed=seed)
    lrs = {opt: (lr if lr is not None else TRAIN_LRS[opt]) for opt in names}
    losses = {}
    for opt in names:
        params = model.init_params(X.shape[0], HIDDEN, rng=np.random.default_rng(seed))
        optimizer = getattr(optimizers, opt)(lr=lrs[opt])
        rng = np.random.default_rng(seed + 1)
        losses[opt] = np.asarray(
            optimizers.train(model, params, X, y, optimizer, epochs, batch_size, rng), dtype=float
        )
    return TrainingRun(name, losses, lrs, epochs, batch_size, m)
