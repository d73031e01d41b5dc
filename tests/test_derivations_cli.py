"""`backprop questions / answer / practice / sheet`, and the practice variants behind them."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from autograder.cli import app
from autograder.derivations import QUESTIONS
from autograder.derivations.check import check_with
from autograder.derivations.models import SIZES, finite_difference, instance, instances
from autograder.derivations.practice import (
    ACTIVATIONS,
    LOSSES,
    build,
    graded_signatures,
    random_variant,
    session,
    signature,
    targets,
    variants,
    verify,
)

runner = CliRunner()


def test_questions_lists_ids_prompts_and_shapes():
    result = runner.invoke(app, ["questions", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [row["id"] for row in rows] == list(QUESTIONS)
    dw1 = next(row for row in rows if row["id"] == "two_layer_sigmoid_dW1")
    assert dw1["symbols"]["W1"] == "(k, n)" and dw1["answer_shape"] == "(k, n)"
    text = runner.invoke(app, ["questions"]).output
    assert "two_layer_sigmoid_dW1" in text and "symbols:" in text


def test_answer_prints_how_it_was_read_and_the_verdict():
    result = runner.invoke(app, ["answer", "multivariate_dw", "(yhat - y) @ X"])
    assert result.exit_code == 0
    assert "read as:  (yhat - y) @ X" in result.output and "it needs X.T" in result.output
    result = runner.invoke(
        app, ["answer", "multivariate_dw", r"\frac{2}{m}(\hat{y}-y)X^\top", "--json"]
    )
    data = json.loads(result.output)
    assert list(data) == ["question", "read_as", "correct", "credit", "feedback"]
    assert data["correct"] is True and data["credit"] == 1.0
    assert runner.invoke(app, ["answer", "nope", "x"]).exit_code == 2


def test_practice_reads_piped_input_and_the_seed_reproduces_it():
    variant = variants(11, 1)[0]
    lines = "\n".join(["(yhat - y) @ X", "hint", variant.reference, "skip", "quit"]) + "\n"
    first = runner.invoke(app, ["practice", "--seed", "11", "--rounds", "3"], input=lines)
    assert first.exit_code == 0, first.output
    assert "Question 1 of 3" in first.output and "step 1:" in first.output
    assert "Correct." in first.output and "Question 2 of 3" in first.output
    assert "Solved 1 of" in first.output
    again = runner.invoke(app, ["practice", "--seed", "11", "--rounds", "3"], input=lines)
    assert again.output == first.output


def test_practice_ends_cleanly_when_input_runs_out():
    result = runner.invoke(app, ["practice", "--seed", "2", "--rounds", "2"], input="reveal\n")
    assert result.exit_code == 0, result.output
    assert "answer: " in result.output and "End of input" in result.output


def test_session_with_plain_callables():
    said = []
    answers = iter(["reveal"] * 2)

    def ask(_label):
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    assert session(5, 2, ask, said.append) == (0, 2)
    assert any(line.startswith("  answer:") for line in said)


@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_practice_variant_is_verified_and_its_misconceptions_are_distinct(
    layers, loss, activation
):
    for target in targets(layers):
        variant = build(3, activation, loss, layers, target)
        assert verify(variant) < 1e-9
        # and, independently of the package's derivation, against central differences
        env = instance(variant.model, 5, SIZES[1])
        numerical = finite_difference(variant.model, 5, SIZES[1], target)
        solved = check_values(variant.question, variant.reference, env)
        error = np.linalg.norm(np.ravel(solved) - np.ravel(numerical))
        assert error <= 1e-6 * (np.linalg.norm(numerical) + 1e-3), (variant.id, error)
        question = variant.question
        assert check_with(question, variant.reference).correct
        envs = instances(question.model, "distinct-test")
        values = [
            np.concatenate([np.ravel(check_values(question, f, env)) for env in envs])
            for f in [variant.reference, *(w.formula for w in question.misconceptions)]
        ]
        for i in range(len(values)):
            for j in range(i):
                assert np.linalg.norm(values[i] - values[j]) > 1e-6 * np.linalg.norm(values[j])
        for wrong in question.misconceptions:
            verdict = check_with(question, wrong.formula)
            assert verdict.credit == wrong.credit and wrong.feedback in verdict.feedback


def check_values(question, formula, env):
    from autograder.derivations.evaluate import numeric
    from autograder.derivations.models import compiled
    from autograder.derivations.shapes import infer

    _, tree = infer(compiled(formula, question.names), question.shapes)
    return numeric(tree, env)


def test_practice_variants_cover_the_choices():
    seen = {(v.layers, v.activation, v.loss) for v in (random_variant(1, i) for i in range(60))}
    assert {layers for layers, _, _ in seen} == {1, 2}
    assert {act for _, act, _ in seen} == set(ACTIVATIONS)
    assert {loss for _, _, loss in seen} == set(LOSSES)


def test_practice_never_poses_a_graded_question():
    graded = graded_signatures()
    coinciding = [
        v
        for v in (random_variant(1, i) for i in range(60))
        if signature(v.model, v.target) in graded
    ]
    assert coinciding  # the built-in file grades the notes' models, which practice also draws
    assert all(signature(v.model, v.target) not in graded for v in variants(1, 40))
    perceptron = build(1, "relu", "cross_entropy", 2, "W1")
    assert signature(perceptron.model, "W1") in graded  # the same as perceptron_dW1


def test_sheet_writes_a_practice_sheet_and_separate_solutions(tmp_path):
    result = runner.invoke(app, ["sheet", "--seed", "4", "--out", str(tmp_path), "--count", "3"])
    assert result.exit_code == 0, result.output
    sheet = (tmp_path / "practice-4.md").read_text()
    solutions = (tmp_path / "solutions-4.md").read_text()
    assert sheet.count("## Question") == 3 and solutions.count("## Question") == 3
    for variant in variants(4, 3):
        reference = variant.reference
        assert reference in solutions and reference not in sheet
    assert "\\odot" in solutions or "\\top" in solutions
    assert "**Answer**" not in sheet
    again = tmp_path / "again"
    runner.invoke(app, ["sheet", "--seed", "4", "--out", str(again), "--count", "3"])
    assert (again / "solutions-4.md").read_text() == solutions


# ------------------------------------------------------------- answers as students type them


def _verdict(*args, stdin=None) -> dict:
    args = args if "--json" in args else (*args, "--json")
    result = runner.invoke(app, ["answer", *args], input=stdin)
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return json.loads(result.output)


@pytest.mark.parametrize(
    ("question", "canonical", "leading_minus"),
    [
        ("logistic_dZ", "(yhat - y) / m", "-(y - yhat) / m"),  # right
        ("logistic_dZ", "(y - yhat) / m", "-(yhat - y) / m"),  # the sign flipped
        ("logistic_dZ", "(y + yhat) / m", "-y / m + -yhat / m - 2 * (-y - yhat) / m"),  # wrong
    ],
)
def test_a_formula_may_start_with_a_minus(question, canonical, leading_minus):
    want = _verdict(question, canonical)
    for args in (
        [question, leading_minus],
        [question, "--json", "--", leading_minus],
        ["--json", question, leading_minus],
    ):
        got = _verdict(*args)
        assert (got["correct"], got["credit"], got["feedback"]) == (
            want["correct"],
            want["credit"],
            want["feedback"],
        )
    assert _verdict(question, "-x")["feedback"].startswith("Syntax: unknown name 'x'")


@pytest.mark.parametrize(
    ("piped", "text"),
    [
        (b"-(y - yhat)/m\n", "-(y - yhat)/m"),
        (b"\xef\xbb\xbf(y - yhat) / m\r\n", "(y - yhat) / m"),  # a BOM, CRLF
        (b"1/m *\n(yhat - y)\n\n", "1/m * (yhat - y)"),  # wrapped over lines
        (b"\\frac{1}{m}(\\hat{y} - y)", r"\frac{1}{m}(\hat{y} - y)"),
    ],
)
def test_a_dash_reads_the_formula_from_standard_input(piped, text):
    got = _verdict("logistic_dZ", "-", stdin=piped)
    assert got == _verdict("logistic_dZ", text)


@pytest.mark.parametrize(
    ("piped", "message"),
    [
        (b"", "the answer is empty"),
        (b"\x00", "NUL"),
        (b"yhat\x00 - y", "NUL"),
        (b"\xff\xfe(\x00y\x00)\x00", "not UTF-8 text (byte 0xff at byte 1)"),
        (b"yhat - \xc3\x28", "not UTF-8 text (byte 0xc3 at byte 8)"),
        (b"\xed\xa0\x80", "not UTF-8"),  # an encoded surrogate
        (b"yhat\x1b[2J", "control character U+001B"),
        (b"y" * 5000, "limit is 2,000"),
        (b"(" * 9000, "limit is 2,000"),
        (b"(" * 10_000, "longer than 9,024 bytes"),
        (b"\x00" * 10**7, "longer than"),
        (bytes(range(256)) * 100, "longer than"),
        (bytes(range(128)), "NUL"),
        (bytes(range(1, 256)), "not UTF-8 text (byte 0x80 at byte 128)"),
    ],
)
def test_hostile_standard_input_gets_a_one_line_verdict(piped, message):
    result = runner.invoke(app, ["answer", "logistic_dZ", "-"], input=piped)
    assert result.exit_code == 0 and result.exception is None, result.output
    feedback = result.output.split("feedback: ", 1)[1]
    assert message in feedback and feedback.count("\n") == 1, feedback
    assert "credit:   0\n" in result.output and "Traceback" not in result.output


def test_standard_input_through_a_real_pipe(tmp_path):
    # the installed command, with a pipe larger than its buffer and a closed stdin
    import os
    import subprocess
    import sys

    command = [sys.executable, "-m", "autograder.cli", "answer", "logistic_dZ", "-"]
    done = subprocess.run(command, input=b"1" * 10**6, capture_output=True, timeout=60)
    assert done.returncode == 0 and b"longer than" in done.stdout and not done.stderr
    closed = subprocess.run(
        command, stdin=None, capture_output=True, timeout=60, preexec_fn=lambda: os.close(0)
    )
    assert closed.returncode == 2 and closed.stderr.count(b"\n") == 1
    assert b"standard input" in closed.stderr and b"Traceback" not in closed.stderr


def test_an_unknown_question_does_not_wait_for_standard_input():
    result = runner.invoke(app, ["answer", "nope", "-"], input=b"x")
    assert result.exit_code == 2 and "unknown question" in result.output
