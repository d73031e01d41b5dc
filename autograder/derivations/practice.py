"""Exam practice: randomized network variants whose gradients the package derives itself.

A variant picks a hidden activation (sigmoid, tanh or relu), a loss (MSE or cross-entropy), one
or two layers and the gradient to derive. The backward pass is built step by step, the notes'
way (dZ2 = ..., dw2 = dZ2 A1^T, ...); the reference answer is that chain with every step
substituted in (the worked solution), verified against a finite-difference gradient of the loss
before it is shown. Answers are checked like every question: against the gradient derived from
the forward pass. A variant that coincides with a question the course grades (the same loss as
a function of the same inputs, the same variable) is skipped: practice never shows the worked
solution of a graded question.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from autograder.derivations.models import (
    CROSS_ENTROPY,
    MSE,
    SIZES,
    Model,
    compiled,
    instance,
    seed_of,
    truth,
)
from autograder.derivations.parse import Node, to_latex, to_text
from autograder.derivations.question import Misconception, Question
from autograder.derivations.shapes import fmt, infer

ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = ("mse", "cross_entropy")
COMMANDS = "hint (next step), reveal (worked solution), skip, quit"


@dataclass(frozen=True)
class Step:
    name: str  # dZ1, dW1, ...
    formula: str  # in terms of the forward values and earlier steps
    why: str


@dataclass(frozen=True, eq=False)
class Variant:
    id: str
    activation: str
    loss: str
    layers: int
    target: str
    model: Model
    steps: tuple  # the steps needed for the target, in order
    question: Question
    reference: str  # the worked solution's final formula (shown on reveal, never graded by)


def _derivative(activation: str, pre: str, post: str) -> tuple[str, str]:
    """activation'(pre) written with the cached values, and why."""
    if activation == "sigmoid":
        return f"{post} * (1 - {post})", f"σ'({pre}) = σ({pre})(1 − σ({pre})) = {post} (1 − {post})"
    if activation == "tanh":
        return f"(1 - {post}**2)", f"tanh'({pre}) = 1 − tanh²({pre}) = 1 − {post}²"
    return f"step({pre})", f"relu'({pre}) = 1 where {pre} > 0, else 0: step({pre})"


def _wrong_derivative(activation: str, pre: str, post: str) -> tuple[str, str]:
    """The classic slip for each activation: the derivative applied to the wrong value."""
    if activation == "sigmoid":
        return f"{pre} * (1 - {pre})", f"σ'({pre}) = {post} (1 − {post}): use {post}, not {pre}"
    if activation == "tanh":
        return f"(1 - {pre}**2)", f"tanh'({pre}) = 1 − {post}²: use {post} = tanh({pre})"
    return f"relu({pre})", f"relu'({pre}) is step({pre}), not relu({pre})"


def build(seed: int, activation: str, loss: str, layers: int, target: str) -> Variant:
    """One variant; target is the variable to differentiate against (e.g. "W1", "Z2")."""
    ce = loss == "cross_entropy"
    loss_text = CROSS_ENTROPY if ce else MSE
    dyhat_ce = Step("dZ", "1/m * (yhat - y)", "")
    if layers == 1:
        out = "sigmoid" if ce else activation
        shapes = {"X": ("n", "m"), "y": (1, "m"), "w": (1, "n"), "b": (), "Z": (1, "m")}
        shapes["yhat"] = (1, "m")
        forward = (("Z", "w @ X + b"), ("yhat", f"{out}(Z)"), ("L", loss_text))
        if ce:
            first = [
                Step(
                    "dZ",
                    dyhat_ce.formula,
                    "cross-entropy through the sigmoid: σ'(Z) = yhat (1 − yhat) cancels the "
                    "denominators of dL/dyhat = (1/m)(−y/yhat + (1 − y)/(1 − yhat))",
                )
            ]
        else:
            slope, why = _derivative(out, "Z", "yhat")
            first = [
                Step("dyhat", "2/m * (yhat - y)", "the derivative of (1/m)||yhat − y||²"),
                Step("dZ", f"dyhat * {slope}", f"chain rule, elementwise: {why}"),
            ]
        steps = [
            *first,
            Step("dw", "dZ @ X.T", "Z = w X + b: multiply by X^T (sums over the examples)"),
            Step("db", "dZ @ ones", "b is added to every example: sum dZ over the examples"),
        ]
        activation = out
    else:
        shapes = {
            "X": ("n", "m"),
            "y": (1, "m"),
            "W1": ("k", "n"),
            "b1": ("k", 1),
            "w2": (1, "k"),
            "b2": (),
            "Z1": ("k", "m"),
            "A1": ("k", "m"),
            "Z2": (1, "m"),
            "yhat": (1, "m"),
        }
        forward = (
            ("Z1", "W1 @ X + b1"),
            ("A1", f"{activation}(Z1)"),
            ("Z2", "w2 @ A1 + b2"),
            ("yhat", "sigmoid(Z2)" if ce else "Z2"),
            ("L", loss_text),
        )
        slope, why = _derivative(activation, "Z1", "A1")
        first = (
            Step(
                "dZ2",
                "1/m * (yhat - y)",
                "cross-entropy through the sigmoid: σ'(Z2) cancels the loss's denominators",
            )
            if ce
            else Step("dZ2", "2/m * (yhat - y)", "yhat = Z2: the derivative of (1/m)||yhat − y||²")
        )
        steps = [
            first,
            Step("dw2", "dZ2 @ A1.T", "Z2 = w2 A1 + b2: multiply by A1^T"),
            Step("db2", "dZ2 @ ones", "sum dZ2 over the examples"),
            Step("dA1", "w2.T @ dZ2", "Z2 = w2 A1 + b2: back through w2, w2^T dZ2"),
            Step("dZ1", f"dA1 * {slope}", f"chain rule through the activation: {why}"),
            Step("dW1", "dZ1 @ X.T", "Z1 = W1 X + b1: multiply by X^T"),
            Step("db1", "dZ1 @ ones", "sum dZ1 over the examples"),
        ]
    model = Model(
        f"practice_{layers}_{activation}_{loss}",
        shapes,
        forward,
        description=",  ".join(f"{name} = {formula}" for name, formula in forward),
        domain={"y": (0.05, 0.95)},  # labels strictly inside (0, 1) for the cross-entropy
    )
    needed = _needed(steps, "d" + target)
    reference = _substitute(needed, model)
    vid = f"practice_{seed}_{layers}_{activation}_{loss}_{target}"
    question = Question(
        vid,
        f"{model.description}.  Derive dL/d{target}.",
        1.0,
        "matrix",
        target,
        _misconceptions(needed, model, activation, ce, layers),
        model,
    )
    return Variant(vid, activation, loss, layers, target, model, tuple(needed), question, reference)


def _needed(steps: list[Step], name: str) -> list[Step]:
    by_name = {step.name: step for step in steps}
    keep: set[str] = set()

    def visit(step_name: str) -> None:
        if step_name in keep:
            return
        keep.add(step_name)
        for other in by_name:
            if other != step_name and _mentions(by_name[step_name].formula, other):
                visit(other)

    visit(name)
    return [step for step in steps if step.name in keep]


def _mentions(formula: str, name: str) -> bool:
    import re

    return re.search(rf"\b{name}\b", formula) is not None


def _substitute(steps: list[Step], model: Model) -> str:
    """The last step with every earlier step substituted in: one formula in the forward
    values only."""
    names = model.names | {step.name for step in steps}
    trees: dict[str, Node] = {}

    def replace(node: Node) -> Node:
        if node.op == "name" and node.value in trees:
            return trees[node.value]
        return Node(node.op, tuple(replace(arg) for arg in node.args), node.value, node.pos)

    for step in steps:
        trees[step.name] = replace(compiled(step.formula, frozenset(names)))
    return to_text(trees[steps[-1].name])


def _misconceptions(steps, model, activation, ce, layers) -> tuple:
    out = []
    for index, step in enumerate(steps):
        if step.name in ("dZ", "dZ1") and "*" in step.formula and not (ce and layers == 1):
            pre, post = ("Z", "yhat") if layers == 1 else ("Z1", "A1")
            upstream = step.formula.split(" * ", 1)[0]
            wrong, why = _wrong_derivative(activation, pre, post)
            for formula, feedback in (
                (
                    upstream,
                    "the activation's derivative is missing: "
                    + _derivative(activation, pre, post)[1],
                ),
                (f"{upstream} * {wrong}", why),
            ):
                changed = [*steps[:index], Step(step.name, formula, ""), *steps[index + 1 :]]
                out.append(Misconception(_substitute(changed, model), feedback))
        if step.name in ("dZ", "dZ2") and ce:
            formula = "1/m * (yhat - y) * yhat * (1 - yhat)"
            changed = [*steps[:index], Step(step.name, formula, ""), *steps[index + 1 :]]
            feedback = (
                "with the cross-entropy, σ' cancels: dL/dZ = (1/m)(yhat − y), "
                "no extra yhat (1 − yhat)"
            )
            out.append(Misconception(_substitute(changed, model), feedback))
    return _distinct(model, steps, out)


def _distinct(model: Model, steps, wrongs: list) -> tuple:
    """Drop misconceptions equal (on the check instances) to the answer or to an earlier one."""
    from autograder.derivations.evaluate import numeric
    from autograder.derivations.models import instances

    envs = instances(model, "distinct")
    shapes = {**model.shapes, "m": (), "ones": ("m", 1)}

    def values(formula):
        _, tree = infer(compiled(formula, model.names), shapes)
        with np.errstate(all="ignore"):
            return np.concatenate([np.ravel(numeric(tree, env)) for env in envs])

    seen = [values(_substitute(steps, model))]
    kept = []
    for wrong in wrongs:
        value = values(wrong.formula)
        if all(np.linalg.norm(value - other) > 1e-6 * np.linalg.norm(other) for other in seen):
            kept.append(wrong)
            seen.append(value)
    return tuple(kept)


def targets(layers: int) -> tuple:
    return ("Z", "w", "b") if layers == 1 else ("Z2", "w2", "b2", "A1", "Z1", "W1", "b1")


def random_variant(seed: int, index: int) -> Variant:
    """The index-th variant of a session; the same (seed, index) gives the same variant."""
    return _variant(seed, index)


def signature(model: Model, target: str) -> tuple[str, str]:
    """What a question asks, independent of how its intermediates are named: the loss as a
    formula of the inputs, and the variable (an intermediate as its formula of the inputs)."""
    trees: dict[str, Node] = {}

    def replace(node: Node) -> Node:
        if node.op == "name" and node.value in trees:
            return trees[node.value]
        return Node(node.op, tuple(replace(arg) for arg in node.args), node.value)

    for name, formula in model.forward:
        trees[name] = replace(compiled(formula, model.names))
    return to_text(trees["L"]), to_text(trees[target]) if target in trees else target


def graded_signatures(questions: dict | None = None) -> set:
    """The signatures of the matrix questions the course grades (the active question file)."""
    if questions is None:
        from autograder.derivations.active import QUESTIONS as questions
    return {
        signature(q.model, q.target) for q in questions.values() if q.kind == "matrix" and q.model
    }


def variants(seed: int, count: int, questions: dict | None = None) -> list[Variant]:
    """The first `count` variants of a seed that do not coincide with a graded question."""
    graded = graded_signatures(questions)
    out = []
    for index in range(count * 50):
        variant = random_variant(seed, index)
        if signature(variant.model, variant.target) not in graded:
            out.append(variant)
            if len(out) == count:
                break
    return out


def _variant(seed: int, index: int) -> Variant:
    rng = np.random.default_rng(seed_of("practice", seed, index))
    layers = int(rng.choice([1, 2]))
    activation = str(rng.choice(ACTIVATIONS))
    loss = str(rng.choice(LOSSES))
    target = str(rng.choice(targets(layers)))
    return build(seed * 1000 + index, activation, loss, layers, target)


def verify(variant: Variant) -> float:
    """Norm-relative error of the worked solution (the chain of steps, substituted) against the
    gradient derived from the forward pass by reverse-mode differentiation (autodiff.py, itself
    tested against finite differences), on one instance; raises if the steps are wrong."""
    model, sizes = variant.model, SIZES[0]
    seed = seed_of("verify", variant.id)
    env = instance(model, seed, sizes)
    tree = compiled(variant.reference, model.names)
    _, tree = infer(tree, {**model.shapes, "m": (), "ones": ("m", 1)})
    from autograder.derivations.evaluate import numeric

    with np.errstate(all="ignore"):
        solved = np.asarray(numeric(tree, env), dtype=float).reshape(-1)
    derived = np.asarray(truth(model, variant.target, env), dtype=float).reshape(-1)
    difference = np.linalg.norm(solved - derived)
    error = difference / max(1e-300, np.linalg.norm(solved) + np.linalg.norm(derived))
    if not (error < 1e-9 or difference < 1e-12):
        raise RuntimeError(f"{variant.id}: the worked solution fails the check ({error:.1e})")
    return float(error)


def describe(variant: Variant) -> str:
    """The question as shown in the terminal."""
    lines = ["Forward pass:"]
    lines += [f"    {name} = {formula}" for name, formula in variant.model.forward]
    shapes = ", ".join(f"{n} {fmt(s)}" for n, s in variant.model.shapes.items())
    lines.append(f"Shapes: {shapes}; m the number of examples; ones (m, 1).")
    lines.append(
        f"Derive dL/d{variant.target} in terms of these "
        f"(shape {fmt(variant.question.target_shape)})."
    )
    return "\n".join(lines)


def scalars(model: Model) -> set:
    return {name for name, shape in model.shapes.items() if shape == ()} | {"m"}


def step_text(step: Step, latex: bool = False, model: Model | None = None) -> str:
    if not latex:
        return f"{step.name} = {step.formula}    ({step.why})"
    from autograder.derivations.parse import latex_name

    names = (model.names if model else frozenset()) | {n for n in _names_in(step.formula)}
    tree = compiled(step.formula, frozenset(names))
    return f"{latex_name(step.name)} = {to_latex(tree, scalars(model))}"


def _names_in(formula: str) -> set:
    import re

    return set(re.findall(r"\b[A-Za-z_][A-Za-z_0-9]*\b", formula)) - {
        "sigmoid",
        "relu",
        "tanh",
        "exp",
        "log",
        "step",
        "sum",
        "T",
    }


def session(
    seed: int, rounds: int, ask: Callable[[str], str], say: Callable[[str], None]
) -> tuple[int, int]:
    """Run a practice session; returns (solved, asked). `ask` returns the student's line (it
    raises EOFError when input runs out), `say` prints."""
    from autograder.derivations.check import check_with

    solved = asked = 0
    say(f"Exam practice, seed {seed} (run again with --seed {seed} for the same questions).")
    say(f"Answer in numpy-like text or LaTeX; commands: {COMMANDS}.")
    for index, variant in enumerate(variants(seed, rounds)):
        verify(variant)
        asked += 1
        say(f"\nQuestion {index + 1} of {rounds}")
        say(describe(variant))
        shown = 0
        while True:
            try:
                line = ask("answer").strip()
            except EOFError:
                say(f"\nEnd of input. Solved {solved} of {asked}.")
                return solved, asked
            command = line.lower()
            if command == "quit":
                say(f"Solved {solved} of {asked}.")
                return solved, asked
            if command == "skip":
                break
            if command in ("hint", "reveal"):
                count = 1 if command == "hint" else len(variant.steps)
                for step in variant.steps[shown : shown + count]:
                    say(f"  step {shown + 1}: {step_text(step)}")
                    shown += 1
                if shown >= len(variant.steps):
                    say(f"  answer: {variant.reference}")
                    if command == "reveal":
                        break
                continue
            verdict = check_with(variant.question, line)
            if verdict.read_as:
                say(f"  read as: {verdict.read_as}")
            say(f"  {verdict.feedback}")
            if verdict.correct:
                solved += 1
                break
            say(f"  Try again, or type {COMMANDS}.")
    say(f"\nSolved {solved} of {asked}.")
    return solved, asked
