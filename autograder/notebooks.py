"""Generate one Jupyter notebook per exercise module, for students and for instructors.

    notebooks/exercises/<module>.ipynb   from make_stub(solutions/<module>.py): the stubs to fill in
    notebooks/solutions/<module>.ipynb   from solutions/<module>.py itself

Both are built from the same source the exercise files come from (no second copy kept by hand):
the module is split into its top-level statements with ast; imports and constants become a
setup cell, every function or class its own code cell, and each graded one (a BEGIN SOLUTION
block in the solution) is followed by a check cell that grades it where the student works:

    from autograder.grading.check import check_here
    check_here("two_layer_sigmoid.backward", globals())

The derivation questions get a notebook too (derivations.ipynb, from exercises/derivations.py
and solutions/derivations.py): the typing guide, then a code cell per model with its answers
to fill in, so that a student who works in Jupyter hands in every graded file from there.

A student notebook ends with a cell that hands the work in (grading/submit.py):

    from autograder.grading.submit import submit_here
    submit_here()

The Markdown cells hold the notes' equations (INTROS below) and each function's summary line.
`backprop notebooks` rewrites notebooks/; a test fails when the committed ones are stale.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

from autograder.paths import EXERCISES, MODEL_MODULES, ROOT, SOLUTIONS
from autograder.stubs import make_stub

MODULES = (*MODEL_MODULES, "optimizers")  # the code modules; derivations.ipynb is built apart
DERIVATIONS = "derivations"
NOTEBOOKS = ROOT / "notebooks"

# The notes' equations, in their notation (examples are columns).
INTROS = {
    "univariate_regression": r"""
# Univariate regression

A data set $(x, y)$ of $m$ examples: $x = (x_1, \dots, x_m)$ and $y = (y_1, \dots, y_m)$ are
row vectors. Find the scalars $w$ and $b$ such that the line $y = wx + b$ fits the data, by
gradient descent on the mean squared error.

**Forward propagation**
$$\hat{y} = wx + b \qquad \mathcal{L} = \frac{1}{m}\|\hat{y} - y\|^2$$

**Backward propagation** (the values stored by the forward pass are reused)
$$\frac{\partial\mathcal{L}}{\partial w} = \frac{2}{m}(\hat{y} - y)x^\intercal \qquad
\frac{\partial\mathcal{L}}{\partial b} = \frac{2}{m}(\hat{y} - y)\vec{1}$$
""",
    "multivariate_regression": r"""
# Multivariate regression

$X$ is a matrix of shape $(n, m)$ ($n$ features, one example per column) and $y$ a row vector
$(1, m)$. The weights are a row vector $w$ of shape $(1, n)$; the bias $b$ is still a scalar.

**Forward propagation**
$$\hat{y} = wX + b \qquad \mathcal{L} = \frac{1}{m}\|\hat{y} - y\|^2$$

**Backward propagation**
$$\frac{\partial\mathcal{L}}{\partial w} = \frac{2}{m}(\hat{y} - y)X^\intercal \qquad
\frac{\partial\mathcal{L}}{\partial b} = \frac{2}{m}(\hat{y} - y)\vec{1}$$
""",
    "two_layer_linear": r"""
# Two-layer linear network

A hidden variable $Z$ of shape $(k, m)$ is the output of a first linear layer with weights
$W_1$ $(k, n)$ and bias $b_1$ $(k, 1)$ broadcast to $(k, m)$. The second layer is the
multivariate regression, applied to $Z$ instead of $X$.

**Forward propagation**
$$Z = W_1 X + b_1 \qquad \hat{y} = w_2 Z + b_2 \qquad \mathcal{L} = \frac{1}{m}\|\hat{y} - y\|^2$$

**Backward propagation**
$$\frac{\partial\mathcal{L}}{\partial W_1} = w_2^\intercal\frac{2}{m}(\hat{y} - y)X^\intercal
\qquad \frac{\partial\mathcal{L}}{\partial b_1} = w_2^\intercal\frac{2}{m}(\hat{y} - y)\vec{1}$$
$$\frac{\partial\mathcal{L}}{\partial w_2} = \frac{2}{m}(\hat{y} - y)Z^\intercal \qquad
\frac{\partial\mathcal{L}}{\partial b_2} = \frac{2}{m}(\hat{y} - y)\vec{1}$$
""",
    "two_layer_sigmoid": r"""
# Two-layer nonlinear network

Before $Z$ goes into the second layer it passes through the sigmoid; the output $A$ is the
input of the second layer. $\odot$ is the elementwise product, and
$\sigma'(Z) = A \odot (1 - A)$.

**Forward propagation**
$$Z = W_1 X + b_1 \qquad A = \sigma(Z) \qquad \hat{y} = w_2 A + b_2 \qquad
\mathcal{L} = \frac{1}{m}\|\hat{y} - y\|^2$$

**Backward propagation**
$$\frac{\partial\mathcal{L}}{\partial W_1} =
\left(\left(w_2^\intercal\frac{2}{m}(\hat{y} - y)\right)\odot A \odot (1 - A)\right)X^\intercal
\qquad \frac{\partial\mathcal{L}}{\partial b_1} =
\left(\left(w_2^\intercal\frac{2}{m}(\hat{y} - y)\right)\odot A \odot (1 - A)\right)\vec{1}$$
$$\frac{\partial\mathcal{L}}{\partial w_2} = \frac{2}{m}(\hat{y} - y)A^\intercal \qquad
\frac{\partial\mathcal{L}}{\partial b_2} = \frac{2}{m}(\hat{y} - y)\vec{1}$$
""",
    "logistic_regression": r"""
# Logistic regression

Labels $y \in [0, 1]$; the model predicts the probability that $y = 1$ and is trained on the
binary cross-entropy.

**Forward propagation**
$$Z = wX + b \qquad \hat{y} = \sigma(Z) \qquad
\mathcal{L} = -\frac{1}{m}\sum_{i=1}^m
\left[y_i \log \hat{y}_i + (1 - y_i)\log(1 - \hat{y}_i)\right]$$

**Backward propagation**: $\sigma'(Z) = \hat{y} \odot (1 - \hat{y})$ cancels the denominators
of the cross-entropy's derivative, so
$$\frac{\partial\mathcal{L}}{\partial Z} = \frac{1}{m}(\hat{y} - y) \qquad
\frac{\partial\mathcal{L}}{\partial w} = \frac{\partial\mathcal{L}}{\partial Z}X^\intercal \qquad
\frac{\partial\mathcal{L}}{\partial b} = \frac{\partial\mathcal{L}}{\partial Z}\vec{1}$$
""",
    "two_layer_perceptron": r"""
# Two-layer perceptron

A ReLU hidden layer of $k$ units feeds a sigmoid output unit, trained on the cross-entropy.

**Forward propagation**
$$Z_1 = W_1 X + b_1 \qquad A_1 = \mathrm{relu}(Z_1) \qquad Z_2 = w_2 A_1 + b_2 \qquad
\hat{y} = \sigma(Z_2)$$
$$\mathcal{L} = -\frac{1}{m}\sum_{i=1}^m
\left[y_i \log \hat{y}_i + (1 - y_i)\log(1 - \hat{y}_i)\right]$$

**Backward propagation** ($\mathrm{relu}'(Z_1)$ is 1 where $Z_1 > 0$, else 0)
$$dZ_2 = \frac{1}{m}(\hat{y} - y) \qquad
\frac{\partial\mathcal{L}}{\partial w_2} = dZ_2 A_1^\intercal \qquad
\frac{\partial\mathcal{L}}{\partial b_2} = dZ_2\vec{1}$$
$$dZ_1 = (w_2^\intercal dZ_2) \odot \mathrm{relu}'(Z_1) \qquad
\frac{\partial\mathcal{L}}{\partial W_1} = dZ_1 X^\intercal \qquad
\frac{\partial\mathcal{L}}{\partial b_1} = dZ_1\vec{1}$$
""",
    "optimizers": r"""
# Optimizers and training loops

Each optimizer updates a parameter $p$ with its gradient $g = \partial\mathcal{L}/\partial p$,
elementwise; $v$ (velocity) and $s$ (average of $g^2$) start at zero.

| method | update |
|---|---|
| GD | $p \leftarrow p - \alpha g$ |
| Momentum | $v \leftarrow \beta v + (1 - \beta) g, \quad p \leftarrow p - \alpha v$ |
| RMSprop | $s \leftarrow \beta s + (1 - \beta) g^2, \quad p \leftarrow p - \alpha \dfrac{g}{\sqrt{s} + \epsilon}$ |
| Adam | $t \leftarrow t + 1;\ v \leftarrow \beta_1 v + (1 - \beta_1) g;\ s \leftarrow \beta_2 s + (1 - \beta_2) g^2$ |
| | $\hat{v} = \dfrac{v}{1 - \beta_1^t},\ \hat{s} = \dfrac{s}{1 - \beta_2^t}, \quad p \leftarrow p - \alpha \dfrac{\hat{v}}{\sqrt{\hat{s}} + \epsilon}$ |

Mini-batch gradient descent shuffles the $m$ examples once per epoch and takes one step per
batch; `train` runs forward, loss, backward and an optimizer step per batch.
""",  # noqa: E501  (a Markdown table row cannot be wrapped)
}

HOW_TO = {
    "exercises": (
        "**How to work.** Replace each `raise NotImplementedError` with your code, run the cell, "
        "then run the check cell below it: it runs the public tests of that question and shows "
        "what passed. `backprop check` in a terminal runs the same tests on `exercises/`."
    ),
    "solutions": "**Reference solutions** (instructors only: do not hand this notebook out).",
}

CHECK = 'from autograder.grading.check import check_here\ncheck_here("{question}", globals())'
SUBMIT = "from autograder.grading.submit import submit_here\nsubmit_here()"
HAND_IN = (
    "## Hand in\n\nSave this notebook (File > Save), then run the cell below. It runs the public "
    "tests on every notebook of this folder and writes `submission.zip` next to them: upload "
    "that zip to Gradescope (not the loose notebooks). In a terminal, `backprop submit FOLDER` "
    "does the same."
)


def _graded(solution_source: str) -> set[str]:
    """Names of the top-level functions and classes holding a BEGIN SOLUTION block."""
    lines = solution_source.splitlines()
    graded = set()
    for node in ast.parse(solution_source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            body = lines[node.lineno - 1 : node.end_lineno]
            if any("# BEGIN SOLUTION" in line for line in body):
                graded.add(node.name)
    return graded


def _chunks(source: str) -> list[tuple[str, str | None]]:
    """Split a module into (code, name) chunks: name is None for a run of imports/constants.

    Comments and blank lines above a statement belong to it; the module docstring is dropped
    (the Markdown intro and the code below say it again).
    """
    lines = source.splitlines()
    chunks: list[tuple[str, str | None]] = []
    previous_end = 0
    for index, node in enumerate(ast.parse(source).body):
        text = "\n".join(lines[previous_end : node.end_lineno])
        previous_end = node.end_lineno
        is_docstring = (
            index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        )
        if is_docstring:
            continue
        name = node.name if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else None
        if name is None and chunks and chunks[-1][1] is None:
            chunks[-1] = (chunks[-1][0] + "\n" + text, None)
        else:
            chunks.append((text, name))
    return chunks


def _summary(source: str, name: str) -> str:
    for node in ast.parse(source).body:
        if getattr(node, "name", None) == name:
            doc = ast.get_docstring(node) or ""
            return doc.split("\n\n")[0].replace("\n", " ")
    return ""


def build_notebook(module: str, kind: str, solutions: Path = SOLUTIONS) -> nbformat.NotebookNode:
    """The notebook of one module; kind is "exercises" (stubs) or "solutions" (reference)."""
    solution_source = (solutions / f"{module}.py").read_text()
    source = make_stub(solution_source, module) if kind == "exercises" else solution_source
    graded = _graded(solution_source)
    docstring = ast.get_docstring(ast.parse(solution_source)) or ""

    cells = [
        nbformat.v4.new_markdown_cell(INTROS[module].strip() + "\n\n" + HOW_TO[kind]),
        nbformat.v4.new_markdown_cell(
            "In the code's notation (shapes and names as in the exercise file):\n\n```\n"
            + docstring
            + "\n```"
        ),
    ]
    for code, name in _chunks(source):
        if name is None:
            cells.append(nbformat.v4.new_code_cell(code.strip("\n")))
            continue
        what = "Question" if name in graded else "Provided"
        summary = _summary(solution_source, name)
        cells.append(nbformat.v4.new_markdown_cell(f"## {what}: `{name}`\n\n{summary}"))
        cells.append(nbformat.v4.new_code_cell(code.strip("\n")))
        if name in graded:
            question = f"{module}.{name}"
            check = nbformat.v4.new_code_cell(CHECK.format(question=question))
            check.metadata["question"] = question
            check.metadata["tags"] = ["check"]
            cells.append(check)
    if module in MODEL_MODULES:
        cells.append(
            nbformat.v4.new_markdown_cell(
                "## See it\n\nThe loss curve of `train()` with your code "
                f"(in a terminal):\n\n    backprop plot training {module} --use-exercises\n\n"
                "and, for the landscape of univariate regression and the gradient descent path "
                "through it, `backprop plot landscape --use-exercises`."
            )
        )
    return _notebook(cells, kind, module.replace("_", "-"))


def _notebook(cells: list, kind: str, prefix: str) -> nbformat.NotebookNode:
    """The notebook of these cells: for students with the hand-in cell last; stable cell ids
    (prefix-NN) so that the generated files diff cleanly."""
    if kind == "exercises":
        cells.append(nbformat.v4.new_markdown_cell(HAND_IN))
        submit = nbformat.v4.new_code_cell(SUBMIT)
        submit.metadata["tags"] = ["submit"]
        cells.append(submit)
    for number, cell in enumerate(cells):
        cell.id = f"{prefix}-{number:02d}"
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return notebook


DERIVATIONS_HOW_TO = {
    "exercises": (
        "**How to work.** Replace each `...` with your answer in quotes (a formula in the syntax "
        "below), run the cell, and check it in a terminal with `backprop check` (or one answer "
        'with `backprop answer QUESTION "EXPR"`). The cells are graded as `derivations.py`.'
    ),
    "solutions": "**Reference answers** (instructors only: do not hand this notebook out).",
}


def build_derivations_notebook(source: str, kind: str) -> nbformat.NotebookNode:
    """The derivation questions of a derivations.py (`source`) as a notebook: the file's guide
    to typing formulas, a code cell per section (one model's questions, with their symbols and
    shapes in comments), and for students the hand-in cell."""
    tree = ast.parse(source)
    guide = ast.get_docstring(tree) or ""
    has_guide = tree.body and isinstance(tree.body[0], ast.Expr) and guide
    lines = source.splitlines()[tree.body[0].end_lineno if has_guide else 0 :]
    sections: list[list[str]] = [[]]
    for line in lines:
        if line.startswith("# ====="):  # the file's section rule: one cell per section
            sections.append([])
        else:
            sections[-1].append(line)
    cells = [
        nbformat.v4.new_markdown_cell(
            "# Derivation questions\n\n"
            + DERIVATIONS_HOW_TO[kind]
            + "\n\n```text\n"
            + guide
            + "\n```"
        )
    ]
    cells += [
        nbformat.v4.new_code_cell("\n".join(section).strip("\n"))
        for section in sections
        if "\n".join(section).strip()
    ]
    return _notebook(cells, kind, DERIVATIONS)


def expected_notebooks(solutions: Path = SOLUTIONS) -> dict[str, str]:
    """Relative path (kind/module.ipynb) -> the JSON text that notebooks/ should hold."""
    expected = {
        f"{kind}/{module}.ipynb": nbformat.writes(build_notebook(module, kind, solutions)) + "\n"
        for kind in ("exercises", "solutions")
        for module in MODULES
    }
    for kind, folder in (("exercises", EXERCISES), ("solutions", solutions)):
        source = (folder / f"{DERIVATIONS}.py").read_text(encoding="utf-8")
        notebook = build_derivations_notebook(source, kind)
        expected[f"{kind}/{DERIVATIONS}.ipynb"] = nbformat.writes(notebook) + "\n"
    return expected


def write_notebooks(out: Path = NOTEBOOKS, solutions: Path = SOLUTIONS) -> list[Path]:
    """Regenerate the notebooks; returns the files written (those that changed)."""
    written = []
    for relative, text in expected_notebooks(solutions).items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
            written.append(target)
    return written


def stale_notebooks(out: Path = NOTEBOOKS, solutions: Path = SOLUTIONS) -> list[str]:
    """Relative paths of the notebooks that are missing or differ from what would be generated."""
    return [
        relative
        for relative, text in expected_notebooks(solutions).items()
        if not (out / relative).exists() or (out / relative).read_text() != text
    ]
