"""The built-in derivation questions: the derived truth is right (finite differences, SymPy), the
solved file scores full credit, alternative forms pass, misconceptions are distinct and earn
their feedback."""

import ast
import importlib

import mpmath
import numpy as np
import pytest

from autograder.derivations import QUESTIONS, check_answer
from autograder.derivations.check import _prepare
from autograder.derivations.evaluate import numeric, precise
from autograder.derivations.models import (
    SIZES,
    compiled,
    finite_difference,
    instance,
    seed_of,
    truth,
)
from autograder.derivations.parse import parse
from autograder.derivations.shapes import infer, same
from autograder.derivations.symbolic import reference_text
from autograder.paths import EXERCISES, SOLUTIONS

MATRIX = [q.id for q in QUESTIONS.values() if q.kind == "matrix"]
SCALAR = [q.id for q in QUESTIONS.values() if q.kind == "scalar"]
SEEDS = range(4)  # extra seeds beyond the ones the checker uses


def rel_error(a, b) -> float:
    a, b = np.ravel(np.asarray(a, float)), np.ravel(np.asarray(b, float))
    return float(np.linalg.norm(a - b) / max(1e-12, np.linalg.norm(a) + np.linalg.norm(b)))


def matrix_values(question, formula, env):
    _, tree = infer(compiled(formula, question.names), question.shapes)
    return numeric(tree, env)


@pytest.mark.parametrize("qid", MATRIX)
def test_derived_truth_matches_finite_differences_and_the_solution(qid):
    question = QUESTIONS[qid]
    solved = getattr(importlib.import_module("solutions.derivations"), qid)
    for seed in SEEDS:
        for sizes in SIZES:
            env = instance(question.model, seed, sizes)
            derived = truth(question.model, question.target, env)
            numerical = finite_difference(question.model, seed, sizes, question.target)
            assert rel_error(derived, numerical) < 1e-6, (qid, seed, sizes)
            assert rel_error(derived, matrix_values(question, solved, env)) < 1e-12


@pytest.mark.parametrize("qid", [q for q in MATRIX if QUESTIONS[q].allowed])
def test_upstream_gradients_given_to_students_match_finite_differences(qid):
    model = QUESTIONS[qid].model
    for name in QUESTIONS[qid].allowed:
        env = instance(model, 1, SIZES[1])
        numerical = finite_difference(model, 1, SIZES[1], name[1:])
        assert rel_error(env[name], numerical) < 1e-6, name


@pytest.mark.parametrize("qid", SCALAR)
def test_scalar_reference_is_sympys_derivative_and_matches_finite_differences(qid):
    question = QUESTIONS[qid]
    prepared = _prepare(question)
    function = parse(question.function, frozenset(question.variables))
    h = mpmath.mpf(10) ** -20
    with mpmath.workdps(60):
        for env, value in zip(prepared.envs, prepared.reference, strict=True):
            point = {name: env[name] for name in question.variables}
            up = precise(function, {**point, question.target: point[question.target] + h})
            down = precise(function, {**point, question.target: point[question.target] - h})
            assert abs((up - down) / (2 * h) - value) < mpmath.mpf(10) ** -15, (qid, point)
    # the reference is derived, not typed: it is SymPy's diff of the function
    names = frozenset(question.variables)
    assert "diff" not in question.function
    assert reference_text(question.function, question.target, names)


def test_every_question_has_valid_metadata():
    assert len(QUESTIONS) >= 30
    for qid, question in QUESTIONS.items():
        assert qid.isidentifier() and question.id == qid
        assert question.prompt and question.points > 0
        assert question.symbols and all(isinstance(v, str) for v in question.symbols.values())


def test_the_bank_covers_the_notes():
    wanted = {
        "univariate_dw",
        "univariate_db",
        "multivariate_dw",
        "multivariate_db",
        *(
            f"two_layer_{kind}_{p}"
            for kind in ("linear", "sigmoid")
            for p in ("dW1", "db1", "dw2", "db2")
        ),
        "logistic_dZ",
        "logistic_dw",
        "logistic_db",
        *(f"perceptron_{g}" for g in ("dZ2", "dw2", "db2", "dA1", "dZ1", "dW1", "db1")),
        "mse_dyhat",
        "mse_dz",
        "cross_entropy_dyhat",
        "cross_entropy_dz",
        "scalar_sigmoid",
        "scalar_tanh",
        "scalar_relu",
        "scalar_product",
        "scalar_quotient",
        "scalar_chain",
    }
    assert wanted <= set(QUESTIONS)


# ------------------------------------------------------------------------- the answers file


def _answers(path):
    tree = ast.parse(path.read_text())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            out[node.targets[0].id] = node.value
    return out


def test_solutions_file_scores_full_credit_on_every_question():
    solved = importlib.import_module("solutions.derivations")
    for qid in QUESTIONS:
        verdict = check_answer(qid, getattr(solved, qid))
        assert verdict.correct and verdict.credit == 1.0, verdict


def test_solutions_file_imports_nothing_and_holds_exactly_the_questions():
    source = (SOLUTIONS / "derivations.py").read_text()
    tree = ast.parse(source)
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert set(_answers(SOLUTIONS / "derivations.py")) == set(QUESTIONS)
    for line in source.splitlines():
        if " = " in line and not line.startswith((" ", "#")):
            assert line.endswith("# SOLUTION"), line


def test_exercise_stub_has_ellipsis_for_every_answer_and_no_answer_text():
    stub = (EXERCISES / "derivations.py").read_text()
    values = _answers(EXERCISES / "derivations.py")
    assert set(values) == set(QUESTIONS)
    assert all(isinstance(v, ast.Constant) and v.value is ... for v in values.values())
    tree = ast.parse(stub)
    strings = [
        n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    assert len(strings) == 1 and strings[0] is tree.body[0].value  # the docstring, no answers
    solved = importlib.import_module("solutions.derivations")
    for qid in QUESTIONS:
        answer = getattr(solved, qid)
        assert len(answer) < 12 or answer not in stub, qid  # short ones ("yhat - y") are common
        assert f"# {qid} (" in stub  # the prompt and symbols are beside it
    exercises = importlib.import_module("exercises.derivations")
    assert check_answer("scalar_tanh", exercises.scalar_tanh).feedback.startswith("not answered")


# ------------------------------------------------------------------------- alternative forms

ALTERNATIVES = [
    ("multivariate_dw", "2 * (yhat - y) @ X.T / m"),
    ("multivariate_dw", "(2/m) * (yhat @ X.T - y @ X.T)"),
    ("multivariate_dw", "2/m * (w @ X + b - y) @ X.T"),
    ("multivariate_db", "2/m * sum(yhat - y, axis=1)"),
    ("multivariate_db", r"\frac{2}{m}(\hat{y} - y)\vec{1}"),
    ("univariate_dw", "2/m * sum((yhat - y) * x)"),
    ("two_layer_linear_dW1", r"w_2^\intercal\frac{2}{m}(\hat{y} - y)X^\intercal"),
    ("two_layer_linear_dw2", "2/m * (yhat - y) @ (W1 @ X + b1).T"),
    ("two_layer_sigmoid_dW1", "((w2.T @ (2/m*(yhat - y))) * sigmoid(Z) * (1 - sigmoid(Z))) @ X.T"),
    ("two_layer_sigmoid_dW1", "2/m * ((w2.T @ (yhat - y)) * (A - A**2)) @ X.T"),
    (
        "two_layer_sigmoid_dW1",
        "((w2.T @ (2/m*(yhat - y))) * (1 - tanh(Z/2)**2) / 4) @ X.T",
    ),
    (
        "two_layer_sigmoid_dW1",
        r"\left(\left(w_2^\intercal\frac{2}{m}(\hat{y} - y)\right)\odot A \odot (1 - A)\right)"
        r"X^\intercal",
    ),
    (
        "two_layer_sigmoid_db1",
        r"\left(\left(w_2^\top \frac{2}{m}(\hat{y} - y)\right)\odot A \odot (1 - A)\right)\vec{1}",
    ),
    ("two_layer_sigmoid_dw2", "2/m * (w2 @ A + b2 - y) @ sigmoid(W1 @ X + b1).T"),
    ("logistic_dZ", "(sigmoid(w @ X + b) - y) / m"),
    ("logistic_dZ", "1/m * (-y / yhat + (1 - y) / (1 - yhat)) * yhat * (1 - yhat)"),
    ("logistic_dw", "1/m * (sigmoid(w @ X + b) - y) @ X.T"),
    ("perceptron_dZ1", r"dA1 \odot \mathbb{1}[Z_1 > 0]"),
    ("perceptron_dW1", "((w2.T @ dZ2) * (Z1 > 0)) @ X.T"),
    ("perceptron_dW1", "((w2.T @ (1/m * (yhat - y))) * step(Z1)) @ X.T"),
    ("scalar_sigmoid", "exp(-x) / (1 + exp(-x))**2"),
    ("scalar_sigmoid", "(1 - tanh(x/2)**2) / 4"),
    ("scalar_sigmoid", r"\sigma(x)(1 - \sigma(x))"),
    ("scalar_sigmoid", r"\frac{e^{-x}}{(1 + e^{-x})^2}"),
    ("scalar_tanh", "4 * exp(2*x) / (exp(2*x) + 1)**2"),
    ("scalar_tanh", "(1 - tanh(x)) * (1 + tanh(x))"),
    ("scalar_power", "5x^4".replace("5x", "5*x")),
    ("scalar_quotient", "(exp(x) * (1 + x**2) - exp(x) * 2 * x) / (1 + x**2)**2"),
    ("scalar_product", "x**2 * (3 * log(x) + 1)"),
    ("scalar_relu", "(x > 0)"),
    ("mse_dz", "2 * (sigmoid(z) - y) * sigmoid(z) * (1 - sigmoid(z))"),
    ("cross_entropy_dz", "sigmoid(z) - y"),
    ("cross_entropy_dz", "(-y / yhat + (1 - y) / (1 - yhat)) * yhat * (1 - yhat)"),
    ("cross_entropy_dyhat", "(yhat - y) / (yhat * (1 - yhat))"),
    ("scalar_chain", r"x\sigma(wx + b)(1 - \sigma(wx + b))"),
    ("scalar_exp", "3 e^{3x}".replace("3 e^{3x}", r"3e^{3x}")),
]


@pytest.mark.parametrize(("qid", "text"), ALTERNATIVES)
def test_alternative_correct_forms_are_accepted(qid, text):
    verdict = check_answer(qid, text)
    assert verdict.correct and verdict.credit == 1.0, verdict
    assert verdict.read_as


# ------------------------------------------------------------------------- misconceptions


def _all_values(question, formula, seed):
    if question.kind == "matrix":
        return np.concatenate(
            [
                np.ravel(matrix_values(question, formula, instance(question.model, seed, s)))
                for s in SIZES
            ]
        )
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(6):
        point = {
            n: mpmath.mpf(float(rng.uniform(lo, hi))) for n, (lo, hi) in question.variables.items()
        }
        for name, definition in question.definitions.items():
            point[name] = precise(parse(definition, frozenset(question.variables)), point)
        out.append(float(precise(parse(formula, question.names), point)))
    return np.array(out)


@pytest.mark.parametrize("qid", list(QUESTIONS))
def test_misconceptions_differ_from_the_answer_and_each_other_on_every_seed(qid):
    question = QUESTIONS[qid]
    reference = getattr(importlib.import_module("solutions.derivations"), qid)
    formulas = [reference, *(w.formula for w in question.misconceptions)]
    for wrong in question.misconceptions:  # each one is well-formed with the right shape
        shape, _ = infer(parse(wrong.formula, question.names), question.shapes)
        assert same(shape, question.target_shape), wrong.formula
    for seed in [*SEEDS, seed_of(question.model.name + "/" + qid, 0) if question.model else 7]:
        values = [_all_values(question, formula, seed) for formula in formulas]
        for i in range(len(values)):
            for j in range(i):
                assert rel_error(values[i], values[j]) > 1e-6, (formulas[i], formulas[j], seed)
    prepared = _prepare(question)  # and on the checker's own instances
    for values in prepared.wrongs:
        assert any(
            rel_error(np.asarray(v, float), np.asarray(r, float)) > 1e-9
            for v, r in zip(values, prepared.reference, strict=True)
        )


@pytest.mark.parametrize("qid", [q for q in QUESTIONS if QUESTIONS[q].misconceptions])
def test_each_misconception_gets_its_feedback_and_partial_credit(qid):
    for wrong in QUESTIONS[qid].misconceptions:
        verdict = check_answer(qid, wrong.formula)
        assert not verdict.correct
        assert verdict.credit == wrong.credit
        assert wrong.feedback in verdict.feedback


WRONG = [
    ("multivariate_dw", "2/m * (yhat - y) @ X", "it needs X.T", 0.0),
    ("multivariate_dw", "2/m * (y - yhat) @ X.T", "sign is flipped", 0.5),
    ("multivariate_dw", "(yhat - y) @ X.T", "factor 2/m is missing", 0.5),
    ("multivariate_dw", "1/m * (yhat - y) @ X.T", "half the answer", 0.5),
    ("multivariate_dw", "2 * (yhat - y) @ X.T", "1/m of the mean is missing", 0.5),
    ("multivariate_dw", "X @ (2/m * (yhat - y)).T", "Transposed", 0.5),
    ("multivariate_dw", "2/m * (yhat - y) * X", "cannot multiply elementwise", 0.0),
    ("multivariate_dw", "X @ (yhat - y).T", "its values differ from the answer too", 0.0),
    ("two_layer_sigmoid_dW1", "(w2.T * (2/m * (yhat - y)) * A * (1 - A)) @ X.T", "use @", 0.0),
    ("two_layer_sigmoid_dW1", "(w2.T @ (2/m*(yhat - y)) @ A * (1 - A)) @ X.T", "use *", 0.0),
    ("two_layer_sigmoid_dW1", "(w2.T @ (2/m*(yhat - y))) * A * (1 - A)", "(m, n) is missing", 0.0),
    ("two_layer_sigmoid_dW1", "((w2.T @ (2/m*(yhat-y))) * Z * (1 - Z)) @ X.T", "Z was used", 0.5),
    ("two_layer_sigmoid_dW1", "((w2.T @ (2/m*(yhat-y)))) @ X.T", "derivative A * (1 - A)", 0.5),
    ("two_layer_sigmoid_db1", "(w2.T @ (2/m*(yhat-y))) * A * (1 - A)", "sum over the m", 0.0),
    ("two_layer_sigmoid_dw2", "2/m * (yhat - y) @ X.T", "the shape of w2, (1, k)", 0.0),
    ("two_layer_sigmoid_dW1", "W1 * 0", "Not equivalent", 0.0),
    ("two_layer_linear_db1", "b1 + 1", "Not equivalent", 0.0),
    ("logistic_dZ", "1/m * (yhat - y) * yhat * (1 - yhat)", "cancels", 0.5),
    ("perceptron_dZ1", "dA1 * relu(Z1)", "not relu(Z1)", 0.5),
    ("scalar_sigmoid", "sigmoid(x)", "σ(x)(1 − σ(x))", 0.5),
    ("scalar_sigmoid", "-sigmoid(x) * (1 - sigmoid(x))", "sign is flipped", 0.5),
    ("scalar_chain", "sigmoid(w*x+b) * (1 - sigmoid(w*x+b)) * w", "with respect to x", 0.5),
    ("mse_dyhat", "yhat - y", "half the answer", 0.5),
    ("scalar_tanh", "1 - tanh(x)**3", "Not equivalent", 0.0),
]


@pytest.mark.parametrize(("qid", "text", "message", "credit"), WRONG)
def test_known_wrong_forms_get_their_feedback(qid, text, message, credit):
    verdict = check_answer(qid, text)
    assert not verdict.correct
    assert message in verdict.feedback, verdict.feedback
    assert verdict.credit == credit


def test_mpmath_precision_is_held_by_one_check_at_a_time():
    """mpmath's precision is global to the process: while one check computes at its precision,
    another thread's precision context waits (without the lock, two checks whose contexts
    cross leave one computing at the other's, or the default's, precision)."""
    import threading

    import mpmath

    from autograder.derivations import evaluate

    inside, seen = threading.Event(), []

    def other():
        inside.wait()
        with evaluate.workdps(5):
            seen.append("other")

    thread = threading.Thread(target=other)
    thread.start()
    with evaluate.workdps(50):
        inside.set()
        thread.join(0.3)  # the other thread would have changed the precision by now
        seen.append(mpmath.mp.dps)
    thread.join()
    assert seen == [50, "other"]
