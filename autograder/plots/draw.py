"""Draw the figures from the data of landscapes.py (matplotlib, Agg backend: no display needed).

Each function takes the dataclass landscapes.py computed and returns a Figure; `save` writes it
as PNG and SVG. Import this module only inside a command: matplotlib is slow to import.
"""

from __future__ import annotations

from pathlib import Path as FilePath

import matplotlib

matplotlib.use("Agg")  # headless: no display, no GUI toolkit; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator  # noqa: E402

from autograder.plots.landscapes import (  # noqa: E402
    Grid,
    Landscape,
    OptimizerRace,
    Path,
    Problem,
    SearchVsDescent,
    TrainingRun,
)

COLORS = {"GD": "#1f77b4", "Momentum": "#ff7f0e", "RMSprop": "#2ca02c", "Adam": "#9467bd"}
START = dict(color="red", s=90, zorder=6, edgecolor="white", linewidth=1.2)
PLAIN = FuncFormatter(lambda value, _: f"{value:g}")  # 0.5, not 5 x 10^-1, on log axes
# Minor ticks of a log axis: label only 2x and 5x each decade, or the labels run together.
SPARSE = FuncFormatter(
    lambda value, _: f"{value:g}" if f"{value:.0e}"[0] in "25" and value > 0 else ""
)
MINIMUM = dict(marker="*", color="gold", s=320, zorder=6, edgecolor="black", linewidth=0.8)


def save(fig, out: FilePath, stem: str, dpi: int = 110) -> list[FilePath]:
    """Write <out>/<stem>.png (at `dpi`) and .svg; return the two paths."""
    out.mkdir(exist_ok=True)  # its parent must exist (autograder/outpath.py)
    written = []
    for suffix in ("png", "svg"):
        path = out / f"{stem}.{suffix}"
        fig.savefig(path, dpi=dpi, bbox_inches="tight")
        written.append(path)
    plt.close(fig)
    return written


def _contours(ax, grid: Grid, problem: Problem, levels: int = 25):
    """Filled log-spaced contours of L(w, b): the MSE grows quadratically, so linear levels would
    put every line near the rim and leave the bottom of the bowl flat."""
    loss = np.clip(grid.loss, 1e-12, None)
    lo, hi = loss.min(), loss.max()
    ticks = np.geomspace(lo, hi, levels)
    filled = ax.contourf(grid.w, grid.b, loss, levels=ticks, norm=LogNorm(lo, hi), cmap="viridis")
    ax.contour(grid.w, grid.b, loss, levels=ticks[::2], colors="white", linewidths=0.4, alpha=0.5)
    ax.scatter([problem.w_star], [problem.b_star], label="minimum", **MINIMUM)
    ax.set_xlabel("w (slope)")
    ax.set_ylabel("b (intercept)")
    ax.set_xlim(grid.w[0], grid.w[-1])
    ax.set_ylim(grid.b[0], grid.b[-1])
    return filled


def _colorbar(fig, filled, ax):
    bar = fig.colorbar(filled, ax=ax, shrink=0.9)
    bar.set_label(r"loss $\mathcal{L}(w, b) = \frac{1}{m}\|\hat y - y\|^2$")
    bar.locator = LogLocator(subs=(1.0, 2.0, 5.0))
    bar.update_ticks()
    return bar


def _visible(path: Path, grid: Grid) -> np.ndarray:
    """The path up to and including its first point outside the window: a diverging path's
    later points are so far away that their segments would cross the whole figure."""
    if not path.diverged:
        return path.points  # the axes clip the odd far step of a path that converges
    w, b = path.points[:, 0], path.points[:, 1]
    inside = (grid.w[0] <= w) & (w <= grid.w[-1]) & (grid.b[0] <= b) & (b <= grid.b[-1])
    outside = np.flatnonzero(~inside)
    return path.points if outside.size == 0 else path.points[: outside[0] + 1]


def _path(ax, path: Path, grid: Grid, color: str, label: str, markersize: float = 3.5):
    points = _visible(path, grid)
    ax.plot(
        points[:, 0],
        points[:, 1],
        "-o",
        color=color,
        markersize=markersize,
        linewidth=1.4,
        label=label,
        zorder=4,
    )
    ax.scatter(*path.points[0], **START)
    if len(points) < len(path.points):
        ax.text(
            0.5,
            0.95,
            f"off the window after {len(points) - 1} steps; "
            f"loss {path.losses[-1]:.2g} by step {len(path.points) - 1}",
            transform=ax.transAxes,
            ha="center",
            va="top",
            fontsize=9,
            bbox=dict(boxstyle="round", facecolor="white", alpha=0.9),
        )


def landscape_figure(data: Landscape):
    """One panel per learning rate: the GD path on the MSE landscape of univariate regression."""
    count = len(data.paths)
    fig, axes = plt.subplots(1, count, figsize=(6.2 * count, 5.2), squeeze=False)
    for ax, path in zip(axes[0], data.paths, strict=True):
        filled = _contours(ax, data.grid, data.problem)
        steps = len(path.points) - 1
        if path.diverged:
            label = f"GD, lr = {path.lr:g}: diverges"
            title = f"lr = {path.lr:g} is too large: each step overshoots further"
            color = "#d62728"
        else:
            label = f"GD, lr = {path.lr:g}, {steps} steps"
            title = f"Gradient descent, lr = {path.lr:g}: loss {path.losses[0]:.3g} → "
            title += f"{path.losses[-1]:.3g}"
            color = "white"
        _path(ax, path, data.grid, color, label)
        ax.scatter([], [], label="start", **{**START, "s": 60})
        ax.set_title(title, fontsize=11)
        ax.legend(loc="lower left", fontsize=9, framealpha=0.9, facecolor="0.8")
        _colorbar(fig, filled, ax)
    fig.suptitle("The trajectory of gradient descent through the loss landscape", fontsize=13)
    fig.tight_layout()
    return fig


def search_figure(data: SearchVsDescent):
    """Left: random samples vs the GD path on the landscape. Right: best loss vs evaluations."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12.5, 5.2))
    filled = _contours(left, data.grid, data.problem)
    left.scatter(
        data.search.points[:, 0],
        data.search.points[:, 1],
        marker="x",
        color="#ff7f0e",
        s=28,
        linewidths=1.3,
        label=f"random search: {data.search.evaluations} samples",
        zorder=3,
    )
    best = data.search.best
    left.scatter(
        *best,
        marker="X",
        color="#ff7f0e",
        edgecolor="black",
        s=140,
        zorder=5,
        label="best random sample",
    )
    _path(
        left,
        data.descent,
        data.grid,
        "white",
        f"gradient descent: {data.descent.evaluations} points",
    )
    left.scatter([], [], label="start (GD)", **{**START, "s": 60})
    left.set_title(f"The same budget: {data.budget} loss evaluations each", fontsize=11)
    left.legend(loc="lower left", fontsize=9, framealpha=0.9, facecolor="0.8")
    _colorbar(fig, filled, left)

    evals = np.arange(1, data.budget + 1)
    right.plot(
        evals,
        data.search.best_so_far,
        color="#ff7f0e",
        linewidth=2,
        label="random search (best so far)",
    )
    right.plot(
        evals[: len(data.descent.losses)],
        np.minimum.accumulate(data.descent.losses),
        color="#1f77b4",
        linewidth=2,
        label=f"gradient descent, lr = {data.descent.lr:g}",
    )
    right.axhline(
        data.loss_star, color="gray", linestyle=":", linewidth=1.2, label="loss at the minimum"
    )
    right.set_yscale("log")
    right.yaxis.set_major_formatter(PLAIN)
    right.yaxis.set_minor_formatter(SPARSE)
    right.set_xlabel("loss evaluations")
    right.set_ylabel("lowest loss found so far")
    right.set_title("The gradient says where to look next", fontsize=11)
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=9)
    fig.suptitle("Why not sample random parameters and keep the best?", fontsize=13)
    fig.tight_layout()
    return fig


def race_figure(data: OptimizerRace):
    """Left: each optimizer's path in the long valley, one small panel each (overlaid they hide
    each other). Right: all four loss curves, as the distance to the minimum loss."""
    fig = plt.figure(figsize=(13, 6.4))
    grid = fig.add_gridspec(2, 3, width_ratios=(1, 1, 1.35))
    for i, path in enumerate(data.paths):
        ax = fig.add_subplot(grid[i // 2, i % 2])
        _contours(ax, data.grid, data.problem)
        color = COLORS.get(path.name, "black")
        _path(ax, path, data.grid, color, path.name, markersize=1.5)
        state = (
            f"diverged after {len(path.points) - 1} steps"
            if path.diverged
            else (f"L - L_min = {path.losses[-1] - data.loss_star:.1e}")
        )
        ax.set_title(f"{path.name}, lr = {path.lr:g}: {state}", fontsize=10, color=color)
        if i // 2 == 0:
            ax.set_xlabel("")
        if i % 2 == 1:
            ax.set_ylabel("")
    right = fig.add_subplot(grid[:, 2])
    for path in data.paths:
        right.plot(
            np.clip(path.losses - data.loss_star, 1e-12, None),
            linewidth=2,
            color=COLORS.get(path.name, "black"),
            label=f"{path.name} (lr = {path.lr:g})",
        )
    right.set_yscale("log")
    right.set_xlabel("step")
    right.set_ylabel(r"$\mathcal{L} - \mathcal{L}_{min}$  (distance to the lowest loss)")
    right.set_title("Loss curves", fontsize=11)
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=9)
    fig.suptitle(
        "GD, Momentum, RMSprop and Adam in the same long, thin valley (x in [2, 4]); "
        "red: start, star: minimum",
        fontsize=12,
    )
    fig.tight_layout()
    return fig


def training_figure(run: TrainingRun):
    """The loss of every step of train(), one curve per optimizer (log scale)."""
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    for name, losses in run.losses.items():
        ax.plot(
            np.arange(len(losses)),
            losses,
            color=COLORS.get(name, "black"),
            linewidth=1.6,
            label=f"{name} (lr = {run.lrs[name]:g})",
        )
    ax.set_yscale("log")
    ax.set_xlabel("step (one optimizer update)")
    ax.set_ylabel("training loss")
    batches = "full batch" if run.batch_size is None else f"batches of {run.batch_size}"
    ax.set_title(f"train({run.model}): {run.epochs} epochs, {batches}, m = {run.m}", fontsize=11)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig
