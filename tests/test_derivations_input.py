"""What students can type: hostile input is refused with a message, LaTeX is translated or
refused where ambiguous, every failure is a verdict (never an exception), verdicts never change."""

import importlib
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from autograder.derivations import QUESTIONS, Verdict, check_answer
from autograder.derivations.check import check_with
from autograder.derivations.parse import ParseError, latex_to_text, parse, to_latex
from tests.conftest import cache_env

HOSTILE = [
    ("__import__('os').system('ls')", "only calls of the listed functions"),
    ("().__class__.__base__.__subclasses__()", "only calls of the listed functions"),
    ("x.__class__", "the only attribute is .T"),
    ("sigmoid.__globals__", "the only attribute is .T"),
    ("10**10**10", "powers inside an exponent"),
    ("x**100000", "exponents above"),
    ("x**(2**30)", "powers inside an exponent"),
    ("9" * 400, "numbers above"),
    ("x" * 100_000, "limit is 2,000"),
    ("(" * 10_000 + "x" + ")" * 10_000, "limit is 2,000"),
    ("-" * 1500 + "x", "nested"),
    ("(" * 300 + "x" + ")" * 300, "syntax error"),
    ("lambda: 1", "Lambda is not allowed"),
    ("[x for x in ()]", "not allowed"),
    ("'x'", "not a number"),
    ("x if x else x", "not allowed"),
    ("open('/etc/passwd')", "unknown function"),
    ("np.linalg.norm(x)", "only calls of the listed functions"),
    ("os.system(x)", "only np.<function>"),
    ("exec('1')", "unknown function"),
    ("x; import os", "syntax error"),
    ("x\x00", "NUL"),
    ("x[0]", "not allowed"),
    ("x % 2", "not allowed"),
    ("True", "not a number"),
    ("1j", "not a number"),
    # numpy's spellings and the missing-operator hint let nothing else through
    ("x.dot", "a method"),
    ("x.dot(x, x)", "exactly one argument"),
    ("x.transpose(1, 0)", "no arguments"),
    ("np.dot(x)", "exactly two arguments"),
    ("np.transpose(x, (1, 0))", "one argument"),
    ("np.dot(__import__('os'), x)", "unknown function"),
    ("x.dot(__import__('os').system('ls'))", "only calls of the listed functions"),
    ("__import__('os')(x)", "unknown function"),
    ("2(__import__('os'))", "unknown function"),
    ("np.linalg.dot(x)", "`.linalg` is not allowed"),
    ("x\x1b[2J", "control character U+001B"),
    ("x\udcff", "not valid UTF-8"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE)
def test_hostile_input_is_rejected_with_a_message(text, message):
    verdict = check_answer("scalar_sigmoid", text)
    assert verdict.credit == 0 and not verdict.correct
    assert message in verdict.feedback, verdict.feedback
    assert "took longer" not in verdict.feedback  # refused by the parser, not by the clock


@pytest.mark.parametrize("value", [None, 3, 2.5, b"x", ["x"], {"a": 1}, object()])
def test_non_strings_get_a_verdict(value):
    verdict = check_answer("multivariate_dw", value)
    assert verdict.credit == 0 and "string" in verdict.feedback


def test_unanswered_and_unknown_questions():
    assert check_answer("multivariate_dw", ...).feedback.startswith("not answered yet")
    assert "unknown question" in check_answer("nope", "x").feedback
    assert "unknown question" in check_answer(None, "x").feedback
    assert "empty" in check_answer("multivariate_dw", "   ").feedback


def test_verdict_has_exactly_the_documented_keys():
    verdict = check_answer("multivariate_dw", "2/m * (yhat - y) @ X.T")
    assert isinstance(verdict, Verdict)
    data = verdict.to_dict()
    assert list(data) == ["question", "read_as", "correct", "credit", "feedback"]
    assert json.loads(json.dumps(data)) == data


def test_syntax_errors_point_at_the_position():
    feedback = check_answer("multivariate_dw", "2/m * (yhat - y)) @ X.T").feedback
    assert feedback.startswith("Syntax:") and "character" in feedback and "^" in feedback
    assert "write * between 3 and exp(3x)" in check_answer("scalar_exp", "3exp(3x)").feedback
    assert "for a transpose write X.T" in check_answer("multivariate_dw", "(yhat-y) @ X^T").feedback
    assert "case-sensitive" in check_answer("multivariate_dw", "(yhat-y) @ x.T").feedback


def test_caret_is_a_power_and_unicode_is_read():
    assert check_answer("scalar_tanh", "1 - tanh(x)^2").correct
    assert check_answer("two_layer_sigmoid_dw2", "2/m * (ŷ − y) @ Aᵀ").correct
    assert check_answer("scalar_sigmoid", "σ(x) * (1 - σ(x))").correct


def test_read_as_keeps_the_students_order():
    verdict = check_answer("mse_dyhat", "2*(yhat - y)")
    assert verdict.read_as == "2*(yhat - y)"
    verdict = check_answer("scalar_log", "2 * x / (x**2 + 1)")
    assert verdict.read_as.index("x**2") < verdict.read_as.index("+ 1")
    verdict = check_answer("two_layer_linear_dw2", "2/m * (yhat - y) @ Z.T")
    assert verdict.read_as == "(2 / m * (yhat - y)) @ Z.T"


# ------------------------------------------------------------------------------- LaTeX

NAMES = {"X", "y", "yhat", "m", "w2", "A", "Z", "x", "ones", "W1"}


def test_latex_translations():
    assert latex_to_text(r"\frac{2}{m}(\hat{y}-y)X^\top", NAMES) == "((2) / (m)) % (yhat - y) % X.T"
    assert "w2.T" in latex_to_text(r"w_2^\intercal", NAMES)
    assert "w2.T" in latex_to_text(r"w_{2}^{T}", NAMES)
    assert latex_to_text(r"A \odot (1 - A)", NAMES) == "A * (1 - A)"
    assert latex_to_text(r"e^{-x}", NAMES) == "exp(- x)"
    assert latex_to_text(r"\sigma\left(Z\right)", NAMES) == "sigmoid(Z)"
    assert "ones" in latex_to_text(r"(\hat{y} - y)\vec{1}", NAMES)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (r"e \cdot x", "a bare e is ambiguous"),
        (r"{1/2x}", "ambiguous"),
        (r"\sigma x", "parentheses"),
        (r"\sigma'(x)", "primes"),
        (r"\sum_i x_i", "not supported"),
        (r"\frac{d}{dx} x", "unknown name 'd'"),
        (r"\alpha x", "not understood"),
        (r"\hat{x}", "only \\hat{y}"),
        (r"\frac{1}{2", "unbalanced"),
    ],
)
def test_ambiguous_or_unknown_latex_is_rejected(text, message):
    verdict = check_answer("scalar_sigmoid", text)
    assert verdict.credit == 0 and message in verdict.feedback, verdict.feedback


def test_transpose_in_a_scalar_question_is_ambiguous():
    assert "ambiguous" in check_answer("scalar_power", r"5x^{T}").feedback
    assert check_answer("scalar_power", r"5x^{4}").correct


def test_latex_in_a_plain_python_string_still_reads():
    # "\frac" in a non-raw string is a form feed then "rac"; "\top" a tab then "op".
    assert check_answer("multivariate_dw", "\frac{2}{m}(\\hat{y} - y)X^\top").correct


# (questions allowing upstream names like dZ are left out: LaTeX writes those as partials)
@pytest.mark.parametrize(
    "question",
    [q for q in QUESTIONS.values() if q.kind == "matrix" and not q.allowed],
    ids=lambda q: q.id,
)
def test_solutions_printed_as_latex_read_back_as_correct(question):
    solved = importlib.import_module("solutions.derivations")  # instructor-side answers
    answer = getattr(solved, question.id)
    if "sum(" in answer:  # to_latex prints \sum, which answers cannot use: write @ ones instead
        answer = re.sub(r"sum\((.*?)(, axis=1)?\)$", r"(\1) @ ones", answer)
    tree = parse(answer, question.names)
    scalars = {n for n, s in question.shapes.items() if s == ()}
    latex = to_latex(tree, scalars)
    verdict = check_answer(question.id, latex)
    assert verdict.correct, (latex, verdict)


# --------------------------------------------------------------------- shapes and broadcasting


def test_no_silent_broadcasting_but_bias_columns_broadcast():
    outer = check_answer("two_layer_linear_dW1", "(w2.T * (2/m * (yhat - y))) @ X.T").feedback
    assert "use @" in outer
    assert check_answer("two_layer_sigmoid_dw2", "2/m * (w2 @ sigmoid(W1 @ X + b1) + b2 - y) @ A.T")
    bad = check_answer("two_layer_sigmoid_dw2", "2/m * (yhat - y) @ (W1 @ X + b1.T).T").feedback
    assert "cannot add" in bad
    assert (
        "@ is the matrix product of two matrices"
        in check_answer("multivariate_dw", "2 @ X").feedback
    )


def test_parse_errors_are_parse_errors():
    with pytest.raises(ParseError):
        parse("import os", {"x"})


# ------------------------------------------------------------------------- limits, determinism


def test_time_limit_gives_a_verdict():
    question = QUESTIONS["two_layer_sigmoid_dW1"]
    check_with(question, "X")  # prepare the question first
    verdict = check_with(question, "((w2.T @ (2/m * (yhat - y))) * A * (1 - A)) @ X.T", 0.0)
    assert verdict.credit == 0 and "took longer" in verdict.feedback


def test_check_answer_works_from_worker_threads():
    texts = ["2/m * (yhat - y) @ X.T", "(yhat - y) @ X", "10**10**10", ...] * 5
    with ThreadPoolExecutor(4) as pool:
        verdicts = list(pool.map(lambda t: check_answer("multivariate_dw", t), texts))
    assert [v.credit for v in verdicts] == [1.0, 0.0, 0.0, 0.0] * 5


SAMPLES = [
    ("two_layer_sigmoid_dW1", "((w2.T @ (2/m*(yhat-y))) * Z * (1 - Z)) @ X.T"),
    ("two_layer_sigmoid_dW1", "((w2.T @ (2/m*(yhat-y))) * A * (1 - A)) @ X.T"),
    ("logistic_dZ", "2/m * (yhat - y)"),
    ("scalar_sigmoid", "(1 - tanh(x/2)**2) / 4"),
    ("cross_entropy_dz", "y - yhat"),
    ("scalar_quotient", "exp(x) / (2 * x)"),
    ("perceptron_dW1", "dA1 @ X.T"),
]


def test_the_same_answer_gets_the_same_verdict_every_run():
    here = [check_answer(q, t).to_dict() for q, t in SAMPLES]
    assert here == [check_answer(q, t).to_dict() for q, t in SAMPLES]
    # and in a fresh process, with another hash seed: nothing depends on hash() or on order
    code = (
        "import json, sys; from autograder.derivations import check_answer; "
        "print(json.dumps([check_answer(q, t).to_dict() for q, t in json.loads(sys.argv[1])]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, json.dumps(SAMPLES)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", "PATH": "", **cache_env()},
    )
    assert json.loads(result.stdout) == here


def test_importing_the_package_does_not_import_sympy():
    code = (
        "import sys, autograder.derivations, autograder.derivations.commands, autograder.cli; "
        "print('sympy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# ------------------------------------------------------------- answers as students type them

# (question, canonical spelling, the same answer as students also type it): each pair is tried
# as a correct answer and, with a wrong factor or a wrong shape, as a wrong one.
SPELLINGS = [
    ("univariate_dw", "2/m * (yhat - y) @ x.T", "2/m * (yhat - y) @ X.T"),
    ("scalar_sigmoid", "sigmoid(x) * (1 - sigmoid(x))", "sigmoid(X) * (1 - sigmoid(X))"),
    ("scalar_sigmoid", r"\sigma(x)(1 - \sigma(x))", r"\sigma(X)(1 - \sigma(X))"),
    ("multivariate_dw", "2/m * (yhat - y) @ X.T", "2/m * (yhat - y).dot(X.T)"),
    ("multivariate_dw", "2/m * (yhat - y) @ X.T", "2/m * np.dot(yhat - y, X.T)"),
    ("multivariate_dw", "2/m * (yhat - y) @ X.T", "np.dot(2/m, np.dot(yhat - y, X.T))"),
    ("multivariate_dw", "2/m * (yhat - y) @ X.T", "2/m * numpy.dot(yhat - y, X.T)"),
    ("multivariate_dw", "2/m * (yhat - y) @ X.T", "2/m * np.matmul(yhat - y, X.T)"),
    ("multivariate_dw", "2/m * (yhat - y) @ X.T", "2/m * (yhat - y) @ X.transpose()"),
    ("multivariate_dw", "2/m * (yhat - y) @ X.T", "2/m * (yhat - y) @ np.transpose(X)"),
    ("multivariate_dw", "2/m * (yhat - y) @ X.T", "np.multiply(2/m, (yhat - y) @ X.T)"),
    ("multivariate_dw", "2/m * (yhat - y) @ X.T", "2/m * (X.dot((yhat - y).T)).T"),
    (
        "two_layer_sigmoid_dW1",
        "((w2.T @ (2/m * (yhat - y))) * A * (1 - A)) @ X.T",
        "np.multiply(np.multiply(w2.T.dot(2/m * (yhat - y)), A), 1 - A).dot(np.transpose(X))",
    ),
]


def _wrong(text: str, kind: int) -> str:
    """A wrong answer made from a right one: twice it (a factor off), or plus one (no
    recognised mistake)."""
    return f"2 * ({text})" if kind == 0 else f"({text}) + 1"


def _same(a, b) -> bool:
    return (a.correct, a.credit, a.feedback) == (b.correct, b.credit, b.feedback)


@pytest.mark.parametrize(("question", "canonical", "spelling"), SPELLINGS)
def test_every_spelling_gets_the_verdict_of_its_canonical_form(question, canonical, spelling):
    right = check_answer(question, spelling)
    assert right.correct, right
    assert _same(right, check_answer(question, canonical))
    for kind in (0, 1):
        wrong = check_answer(question, _wrong(spelling, kind))
        assert not wrong.correct and wrong.read_as, wrong
        assert _same(wrong, check_answer(question, _wrong(canonical, kind)))


def test_numpy_products_read_as_the_products_they_are():
    assert check_answer("multivariate_dw", "np.dot(2/m, (yhat - y) @ X.T)").read_as == (
        "2 / m * ((yhat - y) @ X.T)"
    )
    assert check_answer("multivariate_dw", "2/m * (yhat - y).dot(X.T)").read_as == (
        "2 / m * ((yhat - y) @ X.T)"
    )
    # np.matmul is @ (a scalar is refused, as numpy does); np.multiply is elementwise
    assert (
        "@ is the matrix product"
        in check_answer("multivariate_dw", "np.matmul(2/m, (yhat - y) @ X.T)").feedback
    )
    assert (
        "cannot multiply elementwise"
        in check_answer("multivariate_dw", "2/m * np.multiply(yhat - y, X.T)").feedback
    )
    assert "it needs X.T" in check_answer("multivariate_dw", "(yhat - y).dot(X)").feedback


def test_x_is_only_an_alias_where_the_question_has_no_X():
    assert check_answer("univariate_dw", "2/m * (yhat - y) @ X.T").read_as.endswith("x.T")
    assert "case-sensitive" in check_answer("multivariate_dw", "2/m * (yhat - y) @ x.T").feedback


@pytest.mark.parametrize(
    ("question", "text", "left", "right", "fixed"),
    [
        ("logistic_dZ", "1/m (yhat - y)", "1/m", "(yhat - y)", "1/m * (yhat - y)"),
        ("multivariate_dw", "2/m (yhat - y) @ X.T", "2/m", "(yhat - y)", "2/m * (yhat - y) @ X.T"),
        ("logistic_dZ", "2(yhat - y) / m", "2", "(yhat - y)", "2*(yhat - y) / m"),
        ("logistic_dZ", "(1/m)(yhat - y)", "(1/m)", "(yhat - y)", "(1/m)*(yhat - y)"),
        ("logistic_dZ", "(yhat - y) / m (1)", "(yhat - y) / m", "(1)", "(yhat - y) / m * (1)"),
        (
            "multivariate_dw",
            "2/m * (yhat - y) @ X.T (1)",
            "X.T",
            "(1)",
            "2/m * (yhat - y) @ X.T*(1)",
        ),
        ("scalar_sigmoid", "sigmoid(x)(1 - sigmoid(x))", "sigmoid(x)", "(1 - sigmoid(x))", None),
        ("scalar_sigmoid", "x (1 - x)", "x", "(1 - x)", "x * (1 - x)"),
        # side by side without a parenthesis after them: Python cannot parse these at all
        ("scalar_sigmoid", "2x", "2", "x", "2*x"),
        ("scalar_sigmoid", "x sigmoid(x)", "x", "sigmoid(x)", "x * sigmoid(x)"),
        ("multivariate_dw", "2/m * (yhat - y) X.T", "(yhat - y)", "X.T", None),
        ("multivariate_dw", "2/m (yhat - y) X.T", "2/m", "(yhat - y)", None),
        ("multivariate_dw", "2/m * (yhat - y) @ X.T X", "X.T", "X", None),
    ],
)
def test_a_missing_operator_gets_a_hint(question, text, left, right, fixed):
    verdict = check_answer(question, text)
    operators = "*" if QUESTIONS[question].kind == "scalar" else "* or @"
    assert f"write {operators} between {left} and {right} (at character" in verdict.feedback
    assert "unknown function" not in verdict.feedback and verdict.credit == 0
    if fixed:  # doing what the hint says makes the answer readable
        assert check_answer(question, fixed).read_as


def test_a_hint_never_hides_an_error_inside_a_factor():
    feedback = check_answer("logistic_dZ", "2/m (yhat - q)").feedback
    assert "unknown name 'q'" in feedback and "missing" not in feedback
