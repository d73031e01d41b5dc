"""A graded class for the class report (tests/test_report.py, bench/report_screenshot.py):
correct submissions, the buggy corpus's mutants (several students making the same mistake),
wrong derivation answers, crashing, hanging and misnamed submissions, a tampering one and the
stubs, each as a folder; optionally laid out as a Gradescope export with its metadata."""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder.paths import EXERCISES, MODEL_MODULES, SOLUTIONS
from tests.corpus.failures import FAILURES, in_function
from tests.corpus.mutants import MUTANTS
from tests.corpus.tampering import ATTACKS, render

MUTANT = {m.name: m for m in MUTANTS}
FAILURE = {f.name: f for f in FAILURES}
ATTACK = {a.name: a for a in ATTACKS}
DERIVATIONS = SOLUTIONS / "derivations.py"


def solutions(folder: Path, mutant: str | None = None) -> Path:
    """Every solutions/ exercise file (derivations.py too) in folder, one mutant applied."""
    folder.mkdir(parents=True)
    edit = MUTANT[mutant] if mutant else None
    for module in (*MODEL_MODULES, "optimizers", "derivations"):
        text = (SOLUTIONS / f"{module}.py").read_text()
        if edit and edit.module == module:
            for old, new in edit.replacements:
                assert text.count(old) == 1, f"{edit.name}: {old!r} not once in {module}.py"
                text = text.replace(old, new)
        (folder / f"{module}.py").write_text(text)
    return folder


def answers(folder: Path, replacements: dict[str, str]) -> Path:
    """The solutions with some derivation answers replaced: {question id: typed text}."""
    solutions(folder)
    path = folder / "derivations.py"
    lines = path.read_text().splitlines()
    for qid, text in replacements.items():
        hits = [i for i, line in enumerate(lines) if line.startswith(f"{qid} = ")]
        assert len(hits) == 1, f"{qid} is not answered once in solutions/derivations.py"
        lines[hits[0]] = f"{qid} = {text!r}"
    path.write_text("\n".join(lines) + "\n")
    return folder


def failure(folder: Path, name: str) -> Path:
    """A failure-corpus file beside the correct others."""
    solutions(folder)
    (folder / FAILURE[name].file).write_text(FAILURE[name].source)
    return folder


def attack(folder: Path, name: str, marker: Path) -> Path:
    """A tampering attack's files (its marker folder: where an escape would write)."""
    folder.mkdir(parents=True)
    for file, source in render(ATTACK[name], str(marker), "report-token").items():
        (folder / file).write_text(source)
    return folder


def build_class(root: Path, marker: Path, mistakes: dict[str, int] | None = None) -> list[Path]:
    """The test class under root (one folder each); `mistakes` {mutant: how many students}."""
    mistakes = mistakes or {
        "sig-sigmoid-derivative-of-Z": 3,
        "uni-missing-2-over-m": 2,
        "logi-loss-missing-1-minus-y-term": 1,
        "multi-dw-transposed": 1,
    }
    made = [solutions(root / "correct-1"), solutions(root / "correct-2")]
    for mutant, count in mistakes.items():
        made += [solutions(root / f"{mutant}-{i}", mutant) for i in range(1, count + 1)]
    made.append(
        answers(
            root / "derivations-wrong",
            {
                "univariate_dw": "(yhat - y) @ x.T",  # the 2/m is missing
                "multivariate_dw": "2/m * X @ (yhat - y).T",  # transposed
                "multivariate_db": "2/m * sum(yhat - y) +",  # a syntax error
            },
        )
    )
    made.append(answers(root / "derivations-factor", {"univariate_dw": "(yhat - y) @ x.T"}))
    mutates = solutions(root / "modifies-inputs")
    (mutates / "two_layer_sigmoid.py").write_text(in_function("backward", "X[0, 0] += 1.0"))
    made.append(mutates)
    made.append(failure(root / "crashes", "os-exit-at-import"))
    made.append(failure(root / "hangs", "infinite-loop-in-init-params"))
    made.append(failure(root / "syntax-error", "syntax-error"))
    made.append(failure(root / "kills-itself", "kills-itself-in-loss"))
    made.append(attack(root / "tampering", "import-solutions", marker))
    misnamed = root / "misnamed"
    misnamed.mkdir()
    shutil.copyfile(SOLUTIONS / "two_layer_sigmoid.py", misnamed / "two_layer_sigmoid_v2.py")
    made.append(misnamed)
    stubs = root / "stubs"
    stubs.mkdir()
    for path in EXERCISES.glob("*.py"):
        if path.name != "__init__.py":
            shutil.copyfile(path, stubs / path.name)
    made.append(stubs)
    return made
