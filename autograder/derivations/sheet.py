"""A printable practice sheet and its worked solutions, from a seed.

Both are Markdown with LaTeX math ($...$), readable as is and renderable by any Markdown viewer
with math; a PDF is made too when pandoc and a TeX engine are on the PATH.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from autograder.derivations.models import compiled
from autograder.derivations.parse import latex_name, to_latex
from autograder.derivations.practice import random_variant, scalars, step_text, verify
from autograder.derivations.shapes import fmt

TEX_ENGINES = ("tectonic", "xelatex", "lualatex", "pdflatex")


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


def render(seed: int, count: int = 6) -> tuple[str, str]:
    """(practice sheet, worked solutions) as Markdown."""
    sheet = [f"# Backpropagation practice sheet (seed {seed})\n"]
    sheet.append(
        "Derive each gradient in the notes' notation: $\\odot$ elementwise, $X^\\top$ "
        "transpose, $\\vec{1}$ the ones vector. Give the shape of your answer.\n"
    )
    solutions = [f"# Worked solutions (seed {seed})\n"]
    for index in range(count):
        variant = random_variant(seed, index)
        verify(variant)  # never print a solution that fails the numerical check
        shapes = ", ".join(f"${latex_name(n)}$ {fmt(s)}" for n, s in variant.model.shapes.items())
        title = (
            f"## Question {index + 1}: {variant.layers} layer{'s' * (variant.layers > 1)}, "
            f"{variant.activation}, {variant.loss.replace('_', '-')}\n"
        )
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


def write(seed: int, out: Path, count: int = 6) -> tuple[list[Path], str]:
    """Write practice-<seed>.md and solutions-<seed>.md (and PDFs when possible) into out;
    returns the files written and a note about the PDF."""
    out.mkdir(parents=True, exist_ok=True)
    sheet, solutions = render(seed, count)
    written = []
    for name, text in ((f"practice-{seed}.md", sheet), (f"solutions-{seed}.md", solutions)):
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    pandoc = shutil.which("pandoc")
    engine = next((e for e in TEX_ENGINES if shutil.which(e)), None)
    if not (pandoc and engine):
        return written, "no PDF: pandoc and a TeX engine (e.g. xelatex) are not both installed"
    for path in list(written):
        pdf = path.with_suffix(".pdf")
        result = subprocess.run(
            [pandoc, str(path), "-o", str(pdf), f"--pdf-engine={engine}"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            return written, f"no PDF: pandoc failed: {result.stderr.strip()[:300]}"
        written.append(pdf)
    return written, f"PDFs made with pandoc and {engine}"
