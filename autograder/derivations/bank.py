"""The question bank: every backward equation of the notes, logistic regression and the two-layer
perceptron step by step, and scalar derivatives.

Matrix questions give a reference formula (checked against finite differences in the tests).
Scalar questions give the *function*; their reference derivative is computed by SymPy
(sympy.diff), never typed. Each question lists known misconceptions: a wrong formula, the
feedback it earns and its partial credit (tests check that each one differs from the answer and
from the others on every instance).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autograder.derivations.models import MODELS, Model
from autograder.derivations.shapes import fmt


@dataclass(frozen=True)
class Misconception:
    formula: str
    feedback: str
    credit: float = 0.5


@dataclass(frozen=True, eq=False)
class Question:
    id: str
    prompt: str
    points: float
    kind: str  # "matrix" or "scalar"
    target: str  # the variable differentiated against
    misconceptions: tuple = ()
    # matrix questions
    model: Model | None = None
    reference: str = ""
    allowed: tuple = ()  # upstream gradients (dZ...) this question lets students use
    # scalar questions
    function: str = ""  # f, differentiated by sympy with respect to target
    variables: dict = field(default_factory=dict)  # name -> (low, high) sampling interval
    definitions: dict = field(default_factory=dict)  # e.g. {"yhat": "sigmoid(z)"}

    @property
    def names(self) -> frozenset:
        if self.kind == "scalar":
            return frozenset(self.variables) | frozenset(self.definitions)
        grads = {name for name, _ in self.model.backward}
        return (self.model.names - grads) | frozenset(self.allowed)

    @property
    def shapes(self) -> dict:
        if self.kind == "scalar":
            return {name: () for name in self.names}
        return {
            **{n: self.model.shapes[n] for n in self.names if n in self.model.shapes},
            "m": (),
            "ones": ("m", 1),
        }

    @property
    def target_shape(self) -> tuple:
        return () if self.kind == "scalar" else self.model.shapes[self.target]

    @property
    def symbols(self) -> dict:
        """name -> shape description, for prompts and stubs."""
        described = {}
        for name in sorted(self.names, key=_symbol_order):
            shape = self.shapes[name]
            if name == "m":
                described[name] = "scalar: the number of examples"
            elif name == "ones":
                described[name] = "(m, 1): a column of ones, the notes' 1-vector"
            elif name in self.definitions:
                described[name] = f"scalar: {name} = {self.definitions[name]}"
            else:
                described[name] = "scalar" if shape == () else fmt(shape)
        return described


_ORDER = ["X", "x", "y", "W1", "b1", "w2", "b2", "w", "b", "Z", "Z1", "A", "A1", "Z2", "yhat"]


def _symbol_order(name: str):
    return (_ORDER.index(name) if name in _ORDER else len(_ORDER), name)


def _matrix(qid, model, target, reference, prompt, misconceptions=(), allowed=(), points=1.0):
    model = MODELS[model]
    text = f"{model.description}.  {prompt}"
    wrongs = tuple(Misconception(*m) for m in misconceptions)
    return Question(qid, text, points, "matrix", target, wrongs, model, reference, allowed)


def _scalar(qid, function, target, variables, prompt, misconceptions=(), definitions=None):
    wrongs = tuple(Misconception(*m) for m in misconceptions)
    return Question(
        qid,
        prompt,
        1.0,
        "scalar",
        target,
        wrongs,
        function=function,
        variables=variables,
        definitions=definitions or {},
    )


DYHAT = "2/m * (yhat - y)"
SIG_DZ = f"(w2.T @ ({DYHAT})) * A * (1 - A)"
Z_FOR_A = "Z was used where A = sigmoid(Z) belongs"
NO_SIGMOID = "the sigmoid's derivative A * (1 - A) is missing (the chain rule through A = σ(Z))"
SIGMA_OF_A = "σ'(Z) = σ(Z)(1 − σ(Z)) = A * (1 - A): apply it to Z (giving A), not σ to A again"
DB_NOT_DW = "that is dL/db (a sum over examples); dL/dw multiplies by the input's transpose"
DW_NOT_DB = "that is dL/dw; dL/db multiplies by the ones vector (a sum over examples)"
NO_Y = "the residual is yhat - y: the y term is missing"
SIG_CANCELS = (
    "with the cross-entropy, σ'(Z) = yhat (1 - yhat) cancels the loss's denominators: "
    "dL/dZ = (1/m)(yhat - y), with no extra yhat * (1 - yhat)"
)

MATRIX_QUESTIONS = [
    _matrix(
        "univariate_dw",
        "univariate_regression",
        "w",
        f"{DYHAT} @ x.T",
        "Derive dL/dw.",
        [(f"{DYHAT} @ ones", DB_NOT_DW), ("2/m * yhat @ x.T", NO_Y)],
    ),
    _matrix(
        "univariate_db",
        "univariate_regression",
        "b",
        f"{DYHAT} @ ones",
        "Derive dL/db.",
        [(f"{DYHAT} @ x.T", DW_NOT_DB), ("2/m * yhat @ ones", NO_Y)],
    ),
    _matrix(
        "multivariate_dw",
        "multivariate_regression",
        "w",
        f"{DYHAT} @ X.T",
        "Derive dL/dw.",
        [("2/m * yhat @ X.T", NO_Y), (f"{DYHAT} @ (w @ X + b).T @ w", "dyhat/dw is X, not yhat")],
    ),
    _matrix(
        "multivariate_db",
        "multivariate_regression",
        "b",
        f"{DYHAT} @ ones",
        "Derive dL/db.",
        [("2/m * yhat @ ones", NO_Y), (f"{DYHAT} @ X.T @ w.T", DW_NOT_DB)],
    ),
    _matrix(
        "two_layer_linear_dW1",
        "two_layer_linear",
        "W1",
        f"w2.T @ ({DYHAT}) @ X.T",
        "Derive dL/dW1.",
        [
            ("w2.T @ (2/m * yhat) @ X.T", NO_Y),
            ("(w2.T * 2/m) @ y @ X.T", "the residual is yhat - y: the yhat term is missing"),
        ],
    ),
    _matrix(
        "two_layer_linear_db1",
        "two_layer_linear",
        "b1",
        f"w2.T @ ({DYHAT}) @ ones",
        "Derive dL/db1.",
        [("w2.T @ (2/m * yhat) @ ones", NO_Y)],
    ),
    _matrix(
        "two_layer_linear_dw2",
        "two_layer_linear",
        "w2",
        f"{DYHAT} @ Z.T",
        "Derive dL/dw2.",
        [
            (f"{DYHAT} @ (W1 @ X).T", "Z = W1 X + b1: the bias b1 is missing from Z"),
            ("2/m * yhat @ Z.T", NO_Y),
        ],
    ),
    _matrix(
        "two_layer_linear_db2",
        "two_layer_linear",
        "b2",
        f"{DYHAT} @ ones",
        "Derive dL/db2.",
        [("2/m * yhat @ ones", NO_Y)],
    ),
    _matrix(
        "two_layer_sigmoid_dW1",
        "two_layer_sigmoid",
        "W1",
        f"({SIG_DZ}) @ X.T",
        "Derive dL/dW1.",
        [
            (f"((w2.T @ ({DYHAT})) * Z * (1 - Z)) @ X.T", Z_FOR_A),
            (f"(w2.T @ ({DYHAT})) @ X.T", NO_SIGMOID),
            (f"((w2.T @ ({DYHAT})) * sigmoid(A) * (1 - sigmoid(A))) @ X.T", SIGMA_OF_A),
            (f"((w2.T @ ({DYHAT})) * A) @ X.T", NO_SIGMOID),
        ],
        points=2.0,
    ),
    _matrix(
        "two_layer_sigmoid_db1",
        "two_layer_sigmoid",
        "b1",
        f"({SIG_DZ}) @ ones",
        "Derive dL/db1.",
        [
            (f"((w2.T @ ({DYHAT})) * Z * (1 - Z)) @ ones", Z_FOR_A),
            (f"(w2.T @ ({DYHAT})) @ ones", NO_SIGMOID),
            (f"((w2.T @ ({DYHAT})) * sigmoid(A) * (1 - sigmoid(A))) @ ones", SIGMA_OF_A),
        ],
    ),
    _matrix(
        "two_layer_sigmoid_dw2",
        "two_layer_sigmoid",
        "w2",
        f"{DYHAT} @ A.T",
        "Derive dL/dw2.",
        [
            (f"{DYHAT} @ Z.T", "the second layer's input is A = σ(Z), not Z"),
            ("2/m * yhat @ A.T", NO_Y),
        ],
    ),
    _matrix(
        "two_layer_sigmoid_db2",
        "two_layer_sigmoid",
        "b2",
        f"{DYHAT} @ ones",
        "Derive dL/db2.",
        [("2/m * yhat @ ones", NO_Y)],
    ),
    _matrix(
        "logistic_dZ",
        "logistic_regression",
        "Z",
        "1/m * (yhat - y)",
        "Derive dL/dZ.",
        [
            ("1/m * (yhat - y) * yhat * (1 - yhat)", SIG_CANCELS),
            ("1/m * (-y / yhat + (1 - y) / (1 - yhat))", "that is dL/dyhat; dL/dZ needs σ'(Z)"),
        ],
    ),
    _matrix(
        "logistic_dw",
        "logistic_regression",
        "w",
        "1/m * (yhat - y) @ X.T",
        "Derive dL/dw (you may use dZ = dL/dZ).",
        [("1/m * ((yhat - y) * yhat * (1 - yhat)) @ X.T", SIG_CANCELS)],
        allowed=("dZ",),
    ),
    _matrix(
        "logistic_db",
        "logistic_regression",
        "b",
        "1/m * (yhat - y) @ ones",
        "Derive dL/db (you may use dZ = dL/dZ).",
        [("1/m * ((yhat - y) * yhat * (1 - yhat)) @ ones", SIG_CANCELS)],
        allowed=("dZ",),
    ),
    _matrix(
        "perceptron_dZ2",
        "two_layer_perceptron",
        "Z2",
        "1/m * (yhat - y)",
        "Derive dL/dZ2.",
        [
            ("1/m * (yhat - y) * yhat * (1 - yhat)", SIG_CANCELS),
            ("1/m * (-y / yhat + (1 - y) / (1 - yhat))", "that is dL/dyhat; dL/dZ2 needs σ'(Z2)"),
        ],
    ),
    _matrix(
        "perceptron_dw2",
        "two_layer_perceptron",
        "w2",
        "dZ2 @ A1.T",
        "Derive dL/dw2 (you may use dZ2).",
        [("dZ2 @ Z1.T", "the second layer's input is A1 = relu(Z1), not Z1")],
        allowed=("dZ2",),
    ),
    _matrix(
        "perceptron_db2",
        "two_layer_perceptron",
        "b2",
        "dZ2 @ ones",
        "Derive dL/db2 (you may use dZ2).",
        [("1/m * yhat @ ones", NO_Y)],
        allowed=("dZ2",),
    ),
    _matrix(
        "perceptron_dA1",
        "two_layer_perceptron",
        "A1",
        "w2.T @ dZ2",
        "Derive dL/dA1 (you may use dZ2).",
        [("(w2.T @ dZ2) * step(Z1)", "that is dL/dZ1: dL/dA1 stops before the ReLU")],
        allowed=("dZ2",),
    ),
    _matrix(
        "perceptron_dZ1",
        "two_layer_perceptron",
        "Z1",
        "dA1 * step(Z1)",
        "Derive dL/dZ1 (you may use dZ2, dA1).",
        [
            ("dA1 * relu(Z1)", "relu'(Z1) is the step (Z1 > 0), not relu(Z1)"),
            ("dA1", "relu's derivative step(Z1) is missing"),
            ("dA1 * A1 * (1 - A1)", "that is the sigmoid's derivative; the hidden layer is ReLU"),
        ],
        allowed=("dZ2", "dA1"),
    ),
    _matrix(
        "perceptron_dW1",
        "two_layer_perceptron",
        "W1",
        "dZ1 @ X.T",
        "Derive dL/dW1 (you may use dZ2, dA1, dZ1).",
        [("dA1 @ X.T", "relu's derivative step(Z1) is missing (dL/dZ1 = dA1 * step(Z1))")],
        allowed=("dZ2", "dA1", "dZ1"),
    ),
    _matrix(
        "perceptron_db1",
        "two_layer_perceptron",
        "b1",
        "dZ1 @ ones",
        "Derive dL/db1 (you may use dZ2, dA1, dZ1).",
        [("dA1 @ ones", "relu's derivative step(Z1) is missing (dL/dZ1 = dA1 * step(Z1))")],
        allowed=("dZ2", "dA1", "dZ1"),
    ),
]

CE = "-(y * log(yhat) + (1 - y) * log(1 - yhat))"
SCALAR_QUESTIONS = [
    _scalar(
        "scalar_power",
        "x**5",
        "x",
        {"x": (0.3, 2.0)},
        "f(x) = x**5. Derive df/dx.",
        [("x**4", "bring the exponent down: d/dx x^5 = 5 x^4"), ("5 * x**5", "lower the power")],
    ),
    _scalar(
        "scalar_exp",
        "exp(3 * x)",
        "x",
        {"x": (-1.0, 1.0)},
        "f(x) = exp(3x). Derive df/dx.",
        [("exp(3 * x)", "chain rule: times the derivative of 3x, which is 3")],
    ),
    _scalar(
        "scalar_log",
        "log(x**2 + 1)",
        "x",
        {"x": (0.2, 2.0)},
        "f(x) = log(x^2 + 1). Derive df/dx.",
        [("1 / (x**2 + 1)", "chain rule: times the derivative of x^2 + 1, which is 2x")],
    ),
    _scalar(
        "scalar_sigmoid",
        "sigmoid(x)",
        "x",
        {"x": (-3.0, 3.0)},
        "f(x) = sigmoid(x) = 1 / (1 + exp(-x)). Derive df/dx.",
        [
            ("sigmoid(x)", "σ'(x) = σ(x)(1 − σ(x)), not σ(x)"),
            ("1 - sigmoid(x)", "σ'(x) = σ(x)(1 − σ(x)): the factor σ(x) is missing"),
        ],
    ),
    _scalar(
        "scalar_tanh",
        "tanh(x)",
        "x",
        {"x": (-2.0, 2.0)},
        "f(x) = tanh(x). Derive df/dx.",
        [
            ("1 - tanh(x)", "tanh'(x) = 1 − tanh²(x): the tanh is squared"),
            ("1 + tanh(x)**2", "tanh'(x) = 1 − tanh²(x): minus, not plus"),
        ],
    ),
    _scalar(
        "scalar_relu",
        "relu(x)",
        "x",
        {"x": (-2.0, 2.0)},
        "f(x) = relu(x) = max(0, x). Derive df/dx for x != 0 (step(u) is 1 where u > 0, else 0).",
        [("relu(x)", "relu'(x) is the step: 1 where x > 0, else 0"), ("1", "only where x > 0")],
    ),
    _scalar(
        "scalar_product",
        "x**3 * log(x)",
        "x",
        {"x": (0.3, 2.0)},
        "f(x) = x^3 log(x). Derive df/dx.",
        [("3 * x**2 * (1 / x)", "product rule: (uv)' = u'v + uv', not u'v'")],
    ),
    _scalar(
        "scalar_quotient",
        "exp(x) / (1 + x**2)",
        "x",
        {"x": (-1.5, 1.5)},
        "f(x) = exp(x) / (1 + x^2). Derive df/dx.",
        [
            ("exp(x) / (2 * x)", "quotient rule: (u/v)' = (u'v − uv') / v², not u'/v'"),
            (
                "(exp(x) * (1 + x**2) - 2 * x * exp(x)) / (1 + x**2)",
                "quotient rule: the denominator is squared, (u/v)' = (u'v − uv') / v²",
            ),
        ],
    ),
    _scalar(
        "scalar_chain",
        "sigmoid(w * x + b)",
        "w",
        {"w": (-1.5, 1.5), "x": (0.5, 2.0), "b": (-1.0, 1.0)},
        "f(w) = sigmoid(w x + b) (x, b constants). Derive df/dw.",
        [
            (
                "sigmoid(w * x + b) * (1 - sigmoid(w * x + b))",
                "chain rule: times the inner derivative d(wx + b)/dw = x",
            ),
            (
                "sigmoid(w * x + b) * (1 - sigmoid(w * x + b)) * w",
                "that is the derivative with respect to x; differentiate with respect to w",
            ),
        ],
    ),
    _scalar(
        "mse_dyhat",
        "(yhat - y)**2",
        "yhat",
        {"yhat": (0.05, 0.95), "y": (0.05, 0.95)},
        "L = (yhat - y)^2 for one example. Derive dL/dyhat.",
        [("2 * yhat", "the y term of the residual is missing")],
    ),
    _scalar(
        "mse_dz",
        "(sigmoid(z) - y)**2",
        "z",
        {"z": (-2.0, 2.0), "y": (0.05, 0.95)},
        "L = (yhat - y)^2 with yhat = sigmoid(z). Derive dL/dz.",
        [
            ("2 * (yhat - y)", "that is dL/dyhat; times σ'(z) = yhat (1 - yhat)"),
            (
                "2 * (yhat - y) * z * (1 - z)",
                "σ'(z) = σ(z)(1 − σ(z)) = yhat (1 - yhat), not z(1-z)",
            ),
        ],
        definitions={"yhat": "sigmoid(z)"},
    ),
    _scalar(
        "cross_entropy_dyhat",
        CE,
        "yhat",
        {"yhat": (0.05, 0.95), "y": (0.05, 0.95)},
        "L = -(y log(yhat) + (1 - y) log(1 - yhat)). Derive dL/dyhat.",
        [
            ("-y / yhat - (1 - y) / (1 - yhat)", "d/dyhat log(1 - yhat) = -1 / (1 - yhat)"),
            ("-y / yhat", "the term (1 - y) log(1 - yhat) has a derivative too"),
        ],
    ),
    _scalar(
        "cross_entropy_dz",
        CE.replace("yhat", "sigmoid(z)"),
        "z",
        {"z": (-2.0, 2.0), "y": (0.05, 0.95)},
        "L = -(y log(yhat) + (1 - y) log(1 - yhat)) with yhat = sigmoid(z). Derive dL/dz.",
        [
            (
                "(yhat - y) * yhat * (1 - yhat)",
                SIG_CANCELS.replace("dZ", "dz").replace("(1/m)", ""),
            ),
            ("-y / yhat + (1 - y) / (1 - yhat)", "that is dL/dyhat; dL/dz needs σ'(z)"),
        ],
        definitions={"yhat": "sigmoid(z)"},
    ),
]

QUESTIONS = {question.id: question for question in (*MATRIX_QUESTIONS, *SCALAR_QUESTIONS)}
