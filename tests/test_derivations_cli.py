"""`backprop questions / answer / practice / sheet`, and the practice variants behind them."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from autograder.cli import app
from autograder.derivations import QUESTIONS
from autograder.derivations.check import check_with
from autograder.derivations.models import instances
from autograder.derivations.practice import (
    ACTIVATIONS,
    LOSSES,
    build,
    random_variant,
    session,
    targets,
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
    variant = random_variant(11, 0)
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
        assert verify(variant) < 1e-6
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


def test_sheet_writes_a_practice_sheet_and_separate_solutions(tmp_path):
    result = runner.invoke(app, ["sheet", "--seed", "4", "--out", str(tmp_path), "--count", "3"])
    assert result.exit_code == 0, result.output
    sheet = (tmp_path / "practice-4.md").read_text()
    solutions = (tmp_path / "solutions-4.md").read_text()
    assert sheet.count("## Question") == 3 and solutions.count("## Question") == 3
    for index in range(3):
        reference = random_variant(4, index).reference
        assert reference in solutions and reference not in sheet
    assert "\\odot" in solutions or "\\top" in solutions
    assert "**Answer**" not in sheet
    again = tmp_path / "again"
    runner.invoke(app, ["sheet", "--seed", "4", "--out", str(again), "--count", "3"])
    assert (again / "solutions-4.md").read_text() == solutions
