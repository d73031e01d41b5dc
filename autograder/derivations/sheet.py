"""A printable practice sheet and its worked solutions, from a seed; versioned exams.

Each sheet is written twice: Markdown with LaTeX math ($...$, readable as is) and a PDF set with
Typst (typst_sheet.py: no TeX, no pandoc, no network). The PDFs carry the seed on every page, so
any sheet can be made again.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from autograder.derivations import typst_sheet as ts
from autograder.derivations.models import compiled, seed_of
from autograder.derivations.parse import latex_name, to_latex
from autograder.derivations.practice import (
    ACTIVATIONS,
    LOSSES,
    build,
    graded_signatures,
    scalars,
    signature,
    step_text,
    targets,
    variants,
    verify,
)
from autograder.derivations.shapes import fmt
from autograder.outpath import OutError
from autograder.outpath import prepare as _prepare_out

INTRO = "Derive each gradient in the notes' notation, showing your steps."


def _forward_latex(variant) -> list[str]:
    model = variant.model
    lines = []
    for name, formula in model.forward:
        if name == "L":
            loss = (
                r"-\frac{1}{m}\sum\left(y \odot \log \hat{y} "
                r"+ (1 - y) \odot \log(1 - \hat{y})\right)"
                if variant.loss == "cross_entropy"
                else r"\frac{1}{m}\|\hat{y} - y\|^2"
            )
            lines.append(rf"\mathcal{{L}} &= {loss}")
        else:
            tree = compiled(formula, model.names)
            lines.append(f"{latex_name(name)} &= {to_latex(tree, scalars(model))}")
    return lines


def _title(variant) -> str:
    layers = f"{variant.layers} layer{'s' * (variant.layers > 1)}"
    return f"{layers}, {variant.activation}, {variant.loss.replace('_', '-')}"


def render(seed: int, count: int = 6) -> tuple[str, str]:
    """(practice sheet, worked solutions) as Markdown."""
    sheet = [f"# Backpropagation practice sheet (seed {seed})\n"]
    sheet.append(
        "Derive each gradient in the notes' notation: $\\odot$ elementwise, $X^\\top$ "
        "transpose, $\\vec{1}$ the ones vector. Give the shape of your answer.\n"
    )
    solutions = [f"# Worked solutions (seed {seed})\n"]
    # variants that coincide with a graded question are skipped: no graded answer is printed
    for index, variant in enumerate(variants(seed, count)):
        verify(variant)  # never print a solution that fails the numerical check
        shapes = ", ".join(f"${latex_name(n)}$ {fmt(s)}" for n, s in variant.model.shapes.items())
        title = f"## Question {index + 1}: {_title(variant)}\n"
        forward = "$$\n\\begin{aligned}\n" + " \\\\\n".join(_forward_latex(variant))
        forward += "\n\\end{aligned}\n$$\n"
        target = latex_name(variant.target)
        ask = f"Derive $\\dfrac{{\\partial \\mathcal{{L}}}}{{\\partial {target}}}$."
        sheet += [title, forward, f"Shapes: {shapes}.\n", ask + "\n", "\n" * 6]
        solutions += [title, forward]
        for number, step in enumerate(variant.steps, 1):
            solutions.append(
                f"{number}. ${step_text(step, latex=True, model=variant.model)}$  \n   {step.why}\n"
            )
        final = to_latex(compiled(variant.reference, variant.model.names), scalars(variant.model))
        solutions.append(
            f"\n**Answer** ({fmt(variant.question.target_shape)}): "
            f"$$\\frac{{\\partial \\mathcal{{L}}}}{{\\partial {latex_name(variant.target)}}} = "
            f"{final}$$\n\nAs text: `{variant.reference}`\n"
        )
    return "\n".join(sheet), "\n".join(solutions)


# ----------------------------------------------------------------------------------------- PDF


def item(variant) -> ts.Item:
    """A practice variant as the PDF writer's Item (forward pass, shapes, steps, answer)."""
    model = variant.model
    names = model.names | {step.name for step in variant.steps}
    forward = []
    for name, formula in model.forward:
        left = "cal(L)" if name == "L" else ts.typst_name(name)
        forward.append(f"{left} &= {ts.to_typst(compiled(formula, model.names), scalars(model))}")
    steps = [
        ts.Step(
            f"{ts.typst_name(step.name)} = "
            f"{ts.to_typst(compiled(step.formula, frozenset(names)), scalars(model))}",
            step.why,
        )
        for step in variant.steps
    ]
    return ts.Item(
        title=_title(variant),
        forward=forward,
        shapes=[f"{ts.typst_name(n)} {ts.quoted(fmt(s))}" for n, s in model.shapes.items()],
        ask=ts.typst_name("d" + variant.target),
        answer_shape=fmt(variant.question.target_shape),
        steps=steps,
        answer=ts.to_typst(compiled(variant.reference, model.names), scalars(model)),
        answer_text=variant.reference,
    )


def documents(seed: int, count: int = 6) -> tuple[ts.Document, ts.Document]:
    """(practice sheet, worked solutions) for the PDF writer."""
    items = []
    for variant in variants(seed, count):  # none that coincides with a graded question
        verify(variant)
        items.append(item(variant))
    label = f"seed {seed}"
    practice = ts.Document("Backpropagation practice sheet", label, INTRO, [ts.Section("", items)])
    solutions = ts.Document(
        "Backpropagation practice: worked solutions",
        label,
        "Each step in the notes' notation, then the answer (also in the answer syntax of "
        "backprop answer).",
        [ts.Section("", items)],
        solutions=True,
    )
    return practice, solutions


# -------------------------------------------------------------------------------------- output


def prepare(out: Path) -> None:
    """Make `out` if missing (its parent must exist) and check it can be written, or say in
    one line why not (the rule of every command that writes: autograder/outpath.py)."""
    _prepare_out(out)


def _save(path: Path, data: bytes | str) -> Path:
    try:
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    except OSError as error:
        raise OutError(f"cannot write {path} ({error.strerror})") from None
    return path


def write(seed: int, out: Path, count: int = 6) -> list[Path]:
    """Write practice-<seed>.md/.pdf and solutions-<seed>.md/.pdf into out; returns the
    files written. Raises OutError when out cannot be written."""
    prepare(out)
    sheet, solutions = render(seed, count)
    practice_doc, solutions_doc = documents(seed, count)
    return [
        _save(out / f"practice-{seed}.md", sheet),
        _save(out / f"solutions-{seed}.md", solutions),
        _save(out / f"practice-{seed}.pdf", ts.pdf(practice_doc)),
        _save(out / f"solutions-{seed}.pdf", ts.pdf(solutions_doc)),
    ]


# --------------------------------------------------------------------------------------- exams


def _pool() -> dict[tuple[int, int], list]:
    """Every distinct practice variant, by difficulty: (layers, number of backward steps),
    less those that coincide with a graded question: `sheet` ships to students, so an exam's
    answer key must not be a way to the solution of a graded question either."""
    pool: dict[tuple[int, int], list] = {}
    seen = set()
    graded = graded_signatures()
    for layers in (1, 2):
        for loss in LOSSES:
            for activation in ACTIVATIONS:
                for target in targets(layers):
                    variant = build(0, activation, loss, layers, target)
                    key = (variant.model.name, target)  # one layer + cross-entropy: always σ
                    if signature(variant.model, target) in graded:
                        continue
                    if key not in seen:
                        seen.add(key)
                        pool.setdefault((layers, len(variant.steps)), []).append(variant)
    return pool


def exam(seed: int, versions: int, count: int) -> list[list]:
    """versions lists of count variants. Question j has the same difficulty in every version
    (as many layers, as many backward steps); the versions differ in model, activation, loss or
    target. The kinds of question cycle through the difficulties in an order the seed draws."""
    rng = np.random.default_rng(seed_of("exam", seed))
    pool = _pool()
    # Kinds with an answer for each version; if too few (many versions), kinds with at least
    # two answers: a kind whose variants all have the same answer cannot tell versions apart.
    kinds = sorted(k for k, members in pool.items() if _answers(members) >= versions)
    if len(kinds) < min(count, 4):
        kinds = sorted(k for k, members in pool.items() if versions == 1 or _answers(members) > 1)
    kinds = [kinds[i] for i in rng.permutation(len(kinds))]
    # each kind's variants one answer after another: a run of consecutive ones differs in answer
    queues = {kind: _round_robin(_by_answer(pool[kind], rng)) for kind in kinds}
    out: list[list] = [[] for _ in range(versions)]
    asked = dict.fromkeys(kinds, 0)
    for slot in range(count):
        # a kind asked again needs variants left for every version, or a version repeats one
        order = kinds[slot % len(kinds) :] + kinds[: slot % len(kinds)]
        roomy = [k for k in order if len(pool[k]) >= (asked[k] + 1) * versions]
        kind = roomy[0] if roomy else order[0]
        rounds = asked[kind]  # the same kind again: move on to other answers
        asked[kind] += 1
        answers: set[str] = set()
        for version in range(versions):
            # versions take different answers (while there are enough), rounds the next ones,
            # and no version gets a question twice (while the kind has enough)
            queue = queues[kind]
            start = version + rounds * versions
            ahead = [queue[(start + j) % len(queue)] for j in range(len(queue))]
            fresh = [v for v in ahead if all(v.id != u.id for u in out[version])]
            new = [v for v in fresh if v.reference not in answers]
            variant = (new or fresh or ahead)[0]
            answers.add(variant.reference)
            verify(variant)
            out[version].append(variant)
    return out


def _answers(variants) -> int:
    return len({variant.reference for variant in variants})


def _by_answer(variants, rng) -> list[list]:
    """The variants grouped by answer (models that differ only where the gradient does not
    look have the same one), groups and members in a random order."""
    groups: dict[str, list] = {}
    for index in rng.permutation(len(variants)):
        groups.setdefault(variants[index].reference, []).append(variants[index])
    return list(groups.values())


def _round_robin(groups: list[list]) -> list:
    """The first member of every group, then the second of those that have one, and so on."""
    return [group[j] for j in range(max(map(len, groups))) for group in groups if j < len(group)]


def version_name(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else f"V{index + 1}"


def write_exam(seed: int, out: Path, versions: int, count: int) -> list[Path]:
    """exam-<seed>-<A, B...>.pdf, one per version, and answer-key-<seed>.pdf covering all of
    them (every worked step and answer, version by version)."""
    prepare(out)
    chosen = exam(seed, versions, count)
    written = []
    sections = []
    for index, picked in enumerate(chosen):
        name = version_name(index)
        items = [item(variant) for variant in picked]
        sections.append(ts.Section(f"Version {name}", items))
        document = ts.Document(
            "Backpropagation exam",
            f"exam seed {seed} · version {name}",
            INTRO,
            [ts.Section("", items)],
        )
        written.append(_save(out / f"exam-{seed}-{name}.pdf", ts.pdf(document)))
    key = ts.Document(
        "Backpropagation exam: answer key",
        f"exam seed {seed} · {versions} version{'s' * (versions > 1)}",
        "Every version's questions with the worked steps and the answer. Question j has the "
        "same difficulty in every version.",
        sections,
        solutions=True,
        summary=True,
    )
    written.append(_save(out / f"answer-key-{seed}.pdf", ts.pdf(key)))
    return written
