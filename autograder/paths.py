"""Where things are. Paths are resolved from this file, so commands work from any directory
of a checkout (or an editable install)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"

# The graded exercise modules, in the order of the notes.
MODEL_MODULES = (
    "univariate_regression",
    "multivariate_regression",
    "two_layer_linear",
    "two_layer_sigmoid",
    "logistic_regression",
    "two_layer_perceptron",
)
