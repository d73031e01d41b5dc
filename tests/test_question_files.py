"""Question files: a course's own questions, checked against a truth the package derives.

The right and wrong answers below are verified here independently of the package (numpy forward
passes written in this file, central differences), then the package must agree with them.
"""

from pathlib import Path

import numpy as np
import pytest

from autograder.derivations import check_answer
from autograder.derivations.questionfile import QuestionFileError, load, parse_data
from tests.conftest import cache_env

FILE = Path(__file__).parent / "data" / "course_questions.toml"
QUESTIONS = load(FILE, deep=True)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


NUMPY = {
    "exp": np.exp,
    "log": np.log,
    "tanh": np.tanh,
    "sigmoid": sigmoid,
    "relu": lambda z: np.maximum(z, 0),
    "step": lambda z: (z > 0) * 1.0,
    "sum": lambda a, axis=None: np.sum(a, axis=axis, keepdims=axis is not None),
}

# ------------------------------------------------------------------ the test's own forward passes


def tanh_net(v):
    v["Z"] = v["Z"] if "Z" in v else v["W1"] @ v["X"] + v["b1"]
    v["A"] = v["A"] if "A" in v else np.tanh(v["Z"])
    v["yhat"] = v["w2"] @ v["A"] + v["b2"]
    v["L"] = np.mean((v["yhat"] - v["y"]) ** 2)
    return v


def ridge(v):
    v["yhat"] = v["w"] @ v["X"] + v["b"]
    v["L"] = np.mean((v["yhat"] - v["y"]) ** 2) + v["lam"] * np.sum(v["w"] ** 2)
    return v


def softplus(v):
    v["Z"] = v["Z"] if "Z" in v else v["w"] @ v["X"] + v["b"]
    v["yhat"] = np.log(1 + np.exp(v["Z"]))
    v["L"] = np.mean((v["yhat"] - v["y"]) ** 2)
    return v


def tanh_inputs(rng, n=3, m=5, k=4):
    return {
        "X": rng.uniform(-2, 2, (n, m)),
        "y": rng.uniform(-2, 2, (1, m)),
        "W1": rng.uniform(-2, 2, (k, n)),
        "b1": rng.uniform(-2, 2, (k, 1)),
        "w2": rng.uniform(-2, 2, (1, k)),
        "b2": float(rng.uniform(-2, 2)),
    }


def linear_inputs(rng, n=4, m=6):
    return {
        "X": rng.uniform(-2, 2, (n, m)),
        "y": rng.uniform(0, 3, (1, m)),
        "w": rng.uniform(-2, 2, (1, n)),
        "b": float(rng.uniform(-2, 2)),
        "lam": float(rng.uniform(0.1, 1)),
    }


MATRIX = {  # question id -> (forward, inputs, variable)
    "tanh_net_dW1": (tanh_net, tanh_inputs, "W1"),
    "tanh_net_dZ": (tanh_net, tanh_inputs, "Z"),
    "tanh_net_db1": (tanh_net, tanh_inputs, "b1"),
    "ridge_dw": (ridge, linear_inputs, "w"),
    "softplus_dZ": (softplus, linear_inputs, "Z"),
}
SCALAR = {  # question id -> (f, interval)
    "cube": (lambda x: x**3, (-2, 2)),
    "exp_2x": (lambda x: np.exp(2 * x), (-2, 2)),
    "x_exp_x": (lambda x: x * np.exp(x), (-2, 2)),
    "inverse_square": (lambda x: 1 / (1 + x**2), (-3, 3)),
    "relu_positive": (lambda x: np.maximum(x, 0), (0.1, 2)),
}
DZ_TANH = "(w2.T @ (2/m * (yhat - y))) * (1 - A**2)"
RIGHT = {
    "tanh_net_dW1": [
        f"({DZ_TANH}) @ X.T",
        "2/m * ((w2.T @ (yhat - y)) * (1 - tanh(Z)**2)) @ X.T",
        "((w2.T @ (2/m*(yhat - y))) * (1 - A) * (1 + A)) @ X.T",
        r"\left(\left(w_2^\top \frac{2}{m}(\hat{y} - y)\right) \odot (1 - A^2)\right) X^\top",
    ],
    "tanh_net_dZ": [DZ_TANH, "2 * (w2.T @ (yhat - y)) * (1 - A**2) / m"],
    "tanh_net_db1": [
        "(dA * (1 - A**2)) @ ones",
        "sum(dA - dA * A**2, axis=1)",
        f"({DZ_TANH}) @ ones",
    ],
    "ridge_dw": [
        "2/m * (yhat - y) @ X.T + 2 * lam * w",
        "2 * ((w @ X + b - y) @ X.T / m + lam * w)",
    ],
    "softplus_dZ": [
        "2/m * (yhat - y) * sigmoid(Z)",
        "2/m * (yhat - y) * exp(Z) / (1 + exp(Z))",
        "2 * (log(1 + exp(Z)) - y) / (1 + exp(-Z)) / m",
    ],
    "cube": ["3*x**2", "3 * x * x", r"3 x^{2}"],
    "exp_2x": ["2*exp(2*x)", "2 * exp(x)**2", r"2e^{2x}"],
    "x_exp_x": ["(1 + x) * exp(x)", "exp(x) + x*exp(x)"],
    "inverse_square": ["-2*x / (1 + x**2)**2", "-2 * x * (1 + x**2)**-2"],
    "relu_positive": ["1", "step(x)", "(x > 0)"],
}
WRONG = {
    "tanh_net_dW1": [
        "((w2.T @ (2/m*(yhat - y))) * A * (1 - A)) @ X.T",
        "(w2.T @ (2/m*(yhat - y))) @ X.T",
        "((w2.T @ (2/m*(yhat - y))) * (1 - Z**2)) @ X.T",
    ],
    "tanh_net_dZ": ["w2.T @ (2/m * (yhat - y))", "(w2.T @ (2/m * (yhat - y))) * (1 + A**2)"],
    "tanh_net_db1": ["dA @ ones", "(dA * A * (1 - A)) @ ones", "(dA * (1 - A**2)) @ ones / m"],
    "ridge_dw": ["2/m * (yhat - y) @ X.T", "2/m * (yhat - y) @ X.T + lam * w"],
    "softplus_dZ": ["2/m * (yhat - y)", "2/m * (yhat - y) / (1 + exp(Z))"],
    "cube": ["x**2", "3*x**3"],
    "exp_2x": ["exp(2*x)", "2*x*exp(2*x)"],
    "x_exp_x": ["exp(x)", "x*exp(x)"],
    "inverse_square": ["-1/(1 + x**2)**2", "2*x/(1 + x**2)**2"],
    "relu_positive": ["x", "relu(x)"],
}


def is_latex(text: str) -> bool:
    return "\\" in text or "{" in text


def rel_error(a, b) -> float:
    a, b = np.ravel(np.asarray(a, float)), np.ravel(np.asarray(b, float))
    return float(np.linalg.norm(a - b) / max(1e-12, np.linalg.norm(a) + np.linalg.norm(b)))


def numerical_gradient(forward, values, name, h=1e-6):
    """dL/d(name) by central differences; an intermediate is overridden and propagated."""
    base = np.array(forward(dict(values))[name], dtype=float)
    grad = np.zeros_like(base)
    for index in np.ndindex(base.shape):
        out = []
        for sign in (1, -1):
            moved = base.copy()
            moved[index] += sign * h
            changed = {**values, name: moved if moved.shape else float(moved)}
            out.append(forward(changed)["L"])
        grad[index] = (out[0] - out[1]) / (2 * h)
    return grad


def evaluate_text(text, env):
    """The test's own reading of a numpy-like answer (trusted test text, never student text)."""
    text = text.replace("(x > 0)", "step(x)")
    return eval(text, {"__builtins__": {}}, {**NUMPY, **env})  # noqa: S307


@pytest.mark.parametrize("qid", list(MATRIX))
def test_matrix_answers_are_verified_independently_and_the_package_agrees(qid):
    forward, inputs, name = MATRIX[qid]
    rng = np.random.default_rng(7)
    values = inputs(rng)
    env = forward(dict(values))
    env = {**env, "m": float(env["X"].shape[1]), "ones": np.ones((env["X"].shape[1], 1))}
    truth = numerical_gradient(forward, values, name)
    if qid == "tanh_net_db1":
        env["dA"] = numerical_gradient(forward, values, "A")
    for text in RIGHT[qid]:
        if not is_latex(text):
            assert rel_error(evaluate_text(text, env), truth) < 1e-6, text
        verdict = check_answer(qid, text, QUESTIONS)
        assert verdict.correct and verdict.credit == 1.0, (text, verdict)
    for text in WRONG[qid]:
        assert rel_error(evaluate_text(text, env), truth) > 1e-3, text
        verdict = check_answer(qid, text, QUESTIONS)
        assert not verdict.correct and verdict.credit < 1.0, (text, verdict)


@pytest.mark.parametrize("qid", list(SCALAR))
def test_scalar_answers_are_verified_independently_and_the_package_agrees(qid):
    f, (low, high) = SCALAR[qid]
    points = np.random.default_rng(3).uniform(low, high, 5)
    h = 1e-6
    truth = (f(points + h) - f(points - h)) / (2 * h)
    for text in RIGHT[qid]:
        if not is_latex(text):
            value = evaluate_text(text, {"x": points}) * np.ones_like(points)
            assert rel_error(value, truth) < 1e-6, text
        verdict = check_answer(qid, text, QUESTIONS)
        assert verdict.correct and verdict.credit == 1.0, (text, verdict)
    for text in WRONG[qid]:
        value = evaluate_text(text, {"x": points}) * np.ones_like(points)
        assert rel_error(value, truth) > 1e-3, text
        assert not check_answer(qid, text, QUESTIONS).correct, text


def test_misconceptions_get_their_credit_and_feedback_without_an_answer_key():
    verdict = check_answer("ridge_dw", "2/m * (yhat - y) @ X.T", QUESTIONS)
    assert verdict.credit == 0.25 and "2 lam w" in verdict.feedback
    verdict = check_answer("tanh_net_dW1", f"-({DZ_TANH}) @ X.T", QUESTIONS)
    assert verdict.credit == 0.5 and "sign" in verdict.feedback
    verdict = check_answer("tanh_net_dW1", f"X @ ({DZ_TANH}).T", QUESTIONS)
    assert verdict.credit == 0.5 and verdict.feedback.startswith("Transposed")
    verdict = check_answer("tanh_net_dW1", f"({DZ_TANH}) @ X", QUESTIONS)
    assert verdict.credit == 0 and "X.T" in verdict.feedback
    assert check_answer("tanh_net_dW1", "W1", QUESTIONS).feedback.startswith("Not equivalent")
    close = check_answer("ridge_dw", "2/m * (yhat - y) @ X.T + 2 * lam * w + w / 100", QUESTIONS)
    assert close.credit == 0 and "a term missing or extra?" in close.feedback
    far = check_answer("cube", "x", QUESTIONS)
    assert "× the answer's" in far.feedback and "term missing" not in far.feedback


def test_questions_have_their_points_prompts_and_shapes():
    assert QUESTIONS["tanh_net_dW1"].points == 2 and QUESTIONS["cube"].points == 1
    assert "tanh" in QUESTIONS["tanh_net_dZ"].prompt and "dL/dZ" in QUESTIONS["tanh_net_dZ"].prompt
    assert QUESTIONS["tanh_net_db1"].symbols["dA"] == "(k, m): dL/dA"
    assert QUESTIONS["ridge_dw"].symbols["lam"] == "scalar"
    assert QUESTIONS["softplus_dZ"].target_shape == (1, "m")


# ------------------------------------------------------------------------------ bad files

GOOD = """
[[question]]
id = "q1"
forward = ["Z = W1 @ X + b1", "L = 1/m * sum(Z**2)"]
shapes = { X = "(n, m)", W1 = "(k, n)", b1 = "(k, 1)" }
wrt = "W1"
"""

BAD = [
    (GOOD.replace("W1 @ X", "W1 @ Y"), "question q1: forward line 1", "unknown name 'Y'"),
    (
        GOOD.replace('X = "(n, m)"', 'X = "(m, n)"'),
        "question q1: forward line 1",
        "inconsistent shapes",
    ),
    (GOOD.replace("sum(Z**2)", "Z**2"), "question q1: forward line 2", "L must be a scalar"),
    (GOOD.replace('wrt = "W1"', 'wrt = "V"'), "question q1: wrt", "not an input or an inter"),
    (GOOD.replace('wrt = "W1"', 'wrt = "L"'), "question q1: wrt", "not an input or an inter"),
    (GOOD + GOOD, "question q1: id", "duplicate id"),
    (GOOD.replace('id = "q1"', 'id = "1q"'), "id", "letters, digits"),
    (GOOD.replace("wrt =", "wrto ="), "question q1: wrto", "unknown field"),
    (GOOD.replace('"L = 1/m * sum(Z**2)"', '"K = 1/m * sum(Z**2)"'), "forward line 2", "L = ..."),
    (GOOD.replace("(k, 1)", "(k, 1, 1)"), "shapes.b1", "not a shape"),
    (GOOD + "domain = { Z = [0, 1] }\n", "question q1: domain.Z", "not an input"),
    (GOOD + "domain = { X = [1, 0] }\n", "question q1: domain.X", "low < high"),
    (GOOD + 'given = ["dQ"]\n', "question q1: given", "not d<name>"),
    (GOOD + "points = -1\n", "question q1: points", "positive"),
    (
        GOOD + 'misconceptions = [{ formula = "Z @ ones", feedback = "f" }]\n',
        "question q1: misconceptions[1].formula",
        "(k, 1) is not the answer's (k, n)",
    ),
    (
        GOOD + 'misconceptions = [{ formula = "Q", feedback = "f" }]\n',
        "question q1: misconceptions[1].formula",
        "unknown name 'Q'",
    ),
    ('[[question]]\nid = "s"\nfunction = "x**3"\nwrt = "y"\n', "question s: wrt", "not appear"),
    ('[[question]]\nid = "s"\nfunction = "x**"\nwrt = "x"\n', "question s: function", "syntax"),
    ("[[question]\n", "not valid TOML", ""),
    ("", "no [[question]]", ""),
]


@pytest.mark.parametrize(("text", "where", "message"), BAD)
def test_bad_files_get_an_error_with_the_question_and_the_field(tmp_path, text, where, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(QuestionFileError) as error:
        load(path)
    assert where in str(error.value) and message in str(error.value), str(error.value)
    assert str(path) in str(error.value)


def test_a_misconception_equal_to_the_truth_is_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD + 'misconceptions = [{ formula = "2/m * Z @ X.T", feedback = "f" }]\n')
    load(path)  # a shallow load does not derive anything
    with pytest.raises(QuestionFileError, match=r"q1: misconceptions\[1\].formula: equals"):
        load(path, deep=True)


def test_the_good_file_of_the_bad_ones_loads_and_is_derived():
    import tomllib

    questions = parse_data(tomllib.loads(GOOD))
    assert check_answer("q1", "2/m * Z @ X.T", questions).correct
    assert check_answer("q1", "2/m * (W1 @ X + b1) @ X.T", questions).correct
    assert not check_answer("q1", "1/m * Z @ X.T", questions).correct


# ------------------------------------------------------------------------------ the release


def secrets_of_the_course() -> list[str]:
    """Every right answer above and every misconception of the file: none may ship. (Answers
    shorter than 8 characters, such as "1", occur in any text and prove nothing.)"""
    answers = [text for texts in RIGHT.values() for text in texts]
    answers += [w.formula for q in QUESTIONS.values() for w in q.misconceptions]
    answers += [w.feedback for q in QUESTIONS.values() for w in q.misconceptions]
    # a misconception may repeat the question itself (d/dx exp(2x) = "exp(2*x)"): that ships
    asked = [q.function for q in QUESTIONS.values()]
    asked += [f for q in QUESTIONS.values() if q.model for _, f in q.model.forward]
    return sorted({t for t in answers if len(t) >= 8 and not any(t in a for a in asked)})


def leaks(folder: Path, secrets: list[str]) -> list[tuple[str, str]]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", errors="ignore")
        squeezed = text.replace(" ", "")
        for secret in secrets:
            if secret in text or secret.replace(" ", "") in squeezed:
                found.append((str(path.relative_to(folder)), secret))
    return found


def test_a_release_with_the_file_holds_none_of_its_answers(tmp_path):
    from typer.testing import CliRunner

    from autograder.cli import app
    from autograder.derivations import using

    out = tmp_path / "release"
    with using(FILE):  # the command makes the file active; the other tests keep the built-in
        done = CliRunner().invoke(app, ["release", "--questions", str(FILE), "--out", str(out)])
    assert done.exit_code == 0, done.output
    secrets = secrets_of_the_course()
    assert len(secrets) > 20
    assert leaks(out, secrets) == []
    # the questions ship (stripped), the package's other question files and the bank do not
    installed = out / "autograder" / "derivations" / "questions" / "course.toml"
    assert sorted(p.name for p in installed.parent.iterdir()) == ["course.toml"]
    assert not (out / "autograder" / "derivations" / "bank.py").exists()
    shipped = load(installed, deep=True)
    assert list(shipped) == list(QUESTIONS)
    assert all(not q.misconceptions for q in shipped.values())
    stub = (out / "exercises" / "derivations.py").read_text()
    for qid in QUESTIONS:
        assert f"\n{qid} = ...  # TODO: your answer" in stub
        assert f"# {qid} (" in stub
    assert "# Answer shape: (k, n)" in stub and "lam scalar" in stub
    # the release's package checks against the same derived truth (without misconceptions)
    code = (
        "import json, sys; from autograder.derivations import check_answer; "
        "print(json.dumps([check_answer(q, t).credit for q, t in json.loads(sys.argv[1])]))"
    )
    import json
    import subprocess
    import sys

    tries = [("tanh_net_dW1", RIGHT["tanh_net_dW1"][0]), ("ridge_dw", WRONG["ridge_dw"][0])]
    run = subprocess.run(
        [sys.executable, "-c", code, json.dumps(tries)],
        cwd=out,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(out), **cache_env()},
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [1.0, 0.0]  # no misconception credit on the student side
    # put one answer back by hand: the scan finds it
    with installed.open("a") as file:
        file.write(f"# {RIGHT['ridge_dw'][0]}\n")
    assert (str(installed.relative_to(out)), RIGHT["ridge_dw"][0]) in leaks(out, secrets)


def test_a_default_release_ships_the_builtin_questions_without_misconceptions(tmp_path):
    from autograder.derivations import QUESTIONS as BUILTIN
    from autograder.grading.release import build_release

    out = build_release(tmp_path / "release")
    installed = out / "autograder" / "derivations" / "questions" / "course.toml"
    shipped = load(installed)
    assert list(shipped) == list(BUILTIN)
    assert [q.points for q in shipped.values()] == [q.points for q in BUILTIN.values()]
    # the instructor's misconceptions of the built-in questions reach no file of the package,
    # except the cross-entropy slip that practice.py generates for its own variants too
    practice = (out / "autograder" / "derivations" / "practice.py").read_text()
    formulas = {w.formula for q in BUILTIN.values() for w in q.misconceptions}
    formulas = sorted(f for f in formulas if len(f) > 12 and f not in practice)
    assert len(formulas) > 20
    assert formulas and not leaks(out / "autograder", formulas)


def test_the_toml_writer_round_trips_question_files():
    import tomllib

    from autograder.derivations.questionfile import BUILTIN
    from autograder.derivations.tomlwrite import dumps, stripped

    for path in (FILE, BUILTIN):
        data = tomllib.loads(path.read_text())
        assert tomllib.loads(dumps(data)) == data
        assert "misconceptions" not in dumps(stripped(data))
    odd = {"question": [{"id": "q", "prompt": 'quote " back\\slash\nnew ∂ line', "x": [1.5, True]}]}
    assert tomllib.loads(dumps(odd)) == odd


# ------------------------------------------------------------------------------ the commands


@pytest.fixture
def cli():
    """A CLI runner; the questions active before are restored afterwards (--questions makes a
    file active for the rest of the process, as a command should)."""
    from typer.testing import CliRunner

    from autograder.derivations import using
    from autograder.derivations.questionfile import BUILTIN

    with using(BUILTIN):
        yield CliRunner()


def test_answer_and_questions_take_a_question_file(cli):
    from autograder.cli import app

    text = RIGHT["tanh_net_dW1"][1]
    done = cli.invoke(app, ["answer", "--questions", str(FILE), "--json", "tanh_net_dW1", text])
    assert done.exit_code == 0, done.output
    import json

    assert json.loads(done.output) == check_answer("tanh_net_dW1", text, QUESTIONS).to_dict()
    done = cli.invoke(app, ["questions", "--questions", str(FILE), "--json"])
    rows = json.loads(done.output)
    assert [row["id"] for row in rows] == list(QUESTIONS)
    assert rows[0]["answer_shape"] == "(k, n)" and rows[0]["points"] == 2


BAD_FILE = '[[question]]\nid = "a"\nfunction = "x**2"\nwrt = "y"\n'


@pytest.mark.parametrize(
    "verb",
    [
        ["questions"],
        ["answer", "a", "x"],
        ["practice", "--seed", "1"],
        ["sheet", "--seed", "1", "--out", "{tmp}/sheet"],
        ["check", "{tmp}"],
        ["grade", "{tmp}", "--out", "{tmp}/grades"],
        ["gradescope", "--out", "{tmp}/autograder.zip"],
        ["release", "--out", "{tmp}/release"],
    ],
    ids=lambda verb: verb[0],
)
def test_every_verb_refuses_a_bad_question_file_with_one_line(cli, tmp_path, verb):
    from autograder.cli import app

    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_FILE)
    args = [a.replace("{tmp}", str(tmp_path)) for a in verb] + ["--questions", str(bad)]
    done = cli.invoke(app, args, input="")
    assert done.exit_code == 2, done.output
    assert done.output.strip().splitlines() == [
        f"error: {bad}: question a: wrt: 'y' does not appear in the function"
    ]
    assert not (tmp_path / "release").exists() and not (tmp_path / "sheet").exists()


def test_practice_skips_variants_that_coincide_with_the_files_questions():
    from autograder.derivations.practice import build, graded_signatures, signature, variants

    graded = graded_signatures(QUESTIONS)
    same = build(1, "tanh", "mse", 2, "W1")  # Z1/A1/Z2 names, the same network as tanh_net
    assert signature(same.model, "W1") in graded
    assert signature(build(1, "tanh", "mse", 2, "w2").model, "w2") not in graded
    assert all(signature(v.model, v.target) not in graded for v in variants(5, 30, QUESTIONS))


def test_gradescope_copies_take_the_whole_active_file(tmp_path):
    from autograder.derivations import using
    from autograder.derivations.questionfile import install_active

    with using(FILE):
        install_active(tmp_path / "autograder")
    copied = tmp_path / "autograder" / "derivations" / "questions" / "course.toml"
    assert copied.read_text() == FILE.read_text()  # misconceptions included: instructor side


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("sum(Z**2)", "sum(log(Z))"), "q1: domain: L or its derivative is not finite"),
        (GOOD.replace("sum(Z**2)", "sum(X**2)"), "q1: wrt: L does not depend on W1"),
        ('[[question]]\nid = "s"\nfunction = "log(x)"\nwrt = "x"\n', "s: domain: L or its deriv"),
    ],
)
def test_what_only_the_derivation_shows_is_refused_too(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(QuestionFileError, match=message):
        load(path, deep=True)


def test_the_builtin_file_passes_the_deep_checks_too():
    from autograder.derivations import QUESTIONS as ACTIVE
    from autograder.derivations.questionfile import BUILTIN

    builtin = load(BUILTIN, deep=True)
    assert len(builtin) == 35 and list(builtin) == list(ACTIVE)


EVERY_OPERATION = """
[[question]]
id = "ops"
forward = [
    "Z = W1 @ X + b1",
    "A = exp(-Z**2 / 2) / (1 + relu(Z)) - tanh(Z) * sigmoid(c * Z)",
    "S = sum(A, axis=0) * c + sum(A.T, axis=1).T - (u @ ones) * (c + 1)",
    "L = sum(log(1 + S**2)) / m + c**2",
]
shapes = { X = "(n, m)", W1 = "(k, n)", b1 = "(k, 1)", c = "scalar", u = "(1, m)" }
domain = { c = [0.5, 1.5] }
wrt = "W1"
"""


@pytest.mark.parametrize("name", ["W1", "b1", "c", "u", "Z", "A", "S"])
def test_the_derivation_handles_every_operation(name):
    import tomllib

    from autograder.derivations.models import SIZES, finite_difference, instance, truth

    question = parse_data(tomllib.loads(EVERY_OPERATION))["ops"]
    for seed, sizes in enumerate(SIZES):
        env = instance(question.model, seed, sizes)
        derived = truth(question.model, name, env)
        numerical = finite_difference(question.model, seed, sizes, name)
        assert np.shape(derived) == np.shape(numerical)
        assert rel_error(derived, numerical) < 1e-6, (name, seed)


M = '[[question]]\nid = "q"\nwrt = "x"\nforward = ["L = sum(x)"]\n'
X = 'shapes = { x = "(1, m)" }\n'

ODD = [
    '[[question]]\nid = "q"\nmodel = ["a"]\nwrt = "x"\n',
    'model = 3\n[[question]]\nid = "q"\nmodel = "a"\nwrt = "x"\n',
    '[model]\na = 3\n[[question]]\nid = "q"\nmodel = "a"\nwrt = "x"\n',
    "question = 3\n",
    "question = [3]\n",
    "[[question]]\nid = 3\n",
    '[[question]]\nid = "q"\nwrt = 3\nfunction = "x"\n',
    '[[question]]\nid = "q"\nwrt = "x"\nfunction = 3\n',
    '[[question]]\nid = "q"\nwrt = "x"\nfunction = "x"\ndomain = 3\n',
    '[[question]]\nid = "q"\nwrt = "x"\nfunction = "x"\ndomain = { x = ["a", 1] }\n',
    '[[question]]\nid = "q"\nwrt = "x"\nfunction = "x"\ndefinitions = { m = "x" }\n',
    '[[question]]\nid = "q"\nwrt = "x"\nfunction = "x"\nmisconceptions = [3]\n',
    '[[question]]\nid = "q"\nwrt = "x"\nfunction = "x"\nmisconceptions = [{ formula = 1 }]\n',
    '[[question]]\nid = "q"\nwrt = "x"\nfunction = "x"\nprompt = 3\n',
    '[[question]]\nid = "q"\nwrt = "x"\nforward = "L = x"\n',
    '[[question]]\nid = "q"\nwrt = "x"\nforward = ["L = sum(x)"]\nshapes = 3\n',
    '[[question]]\nid = "q"\nwrt = "x"\nforward = ["L = sum(x)"]\nshapes = { x = 3 }\n',
    '[[question]]\nid = "q"\nwrt = "x"\nforward = ["L = sum(x)"]\nshapes = { x = "(1, n)" }\n',
    '[[question]]\nid = "q"\nwrt = "x"\nforward = ["L == sum(x)"]\nshapes = { x = "(1, m)" }\n',
    '[[question]]\nid = "q"\nwrt = "x"\n'
    'forward = ["x = x", "L = sum(x)"]\nshapes = { x = "(1, m)" }\n',
    '[[question]]\nid = "q"\nwrt = "x"\n'
    'forward = ["m = 2", "L = sum(x)"]\nshapes = { x = "(1, m)" }\n',
    M + X + 'given = "dx"\n',
    M + X + 'given = ["dx"]\n',
    M + X + "points = true\n",
    M + X + "description = 1\n",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_files_get_an_error_never_a_traceback(tmp_path, text):
    path = tmp_path / "odd.toml"
    path.write_text(text)
    with pytest.raises(QuestionFileError):
        load(path, deep=True)


def test_grading_gives_each_misconception_its_credit(cli, tmp_path):
    """A misconception of credit 0.25 earns a quarter of the points at grading (one case per
    credit a verdict can earn), a factor off half, a right answer all."""
    import csv

    from autograder.cli import app
    from autograder.derivations.stub import render
    from autograder.paths import EXERCISES

    student = tmp_path / "submissions" / "ann"
    student.mkdir(parents=True)
    for path in EXERCISES.glob("*.py"):
        (student / path.name).write_text(path.read_text())
    answers = {
        "ridge_dw": WRONG["ridge_dw"][0],  # the misconception of credit 0.25
        "tanh_net_dW1": f"2 * ({DZ_TANH}) @ X.T",  # a factor 2: half
        "cube": RIGHT["cube"][0],
    }
    stub = render(QUESTIONS)
    for qid, text in answers.items():
        stub = stub.replace(f"\n{qid} = ...", f"\n{qid} = {text!r}")
    (student / "derivations.py").write_text(stub)
    out = tmp_path / "grades"
    done = cli.invoke(
        app, ["grade", str(tmp_path / "submissions"), "--out", str(out), "--questions", str(FILE)]
    )
    assert done.exit_code == 0, done.output
    row = next(csv.DictReader((out / "grades.csv").open()))
    assert float(row["derivations.ridge_dw"]) == 0.25
    assert float(row["derivations.tanh_net_dW1"]) == 1.0  # of 2 points
    assert float(row["derivations.cube"]) == 1.0
    assert float(row["derivations.exp_2x"]) == 0.0  # not answered


def test_a_bad_file_in_the_environment_is_one_line_for_every_command(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_FILE)
    code = "import sys; sys.argv = ['backprop', 'questions']; from autograder.cli import app; app()"
    env = {"PATH": "/usr/bin:/bin", "BACKPROP_QUESTIONS": str(bad), **cache_env()}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert (
        done.stdout.strip() == f"error: {bad}: question a: wrt: 'y' does not appear in the function"
    )
