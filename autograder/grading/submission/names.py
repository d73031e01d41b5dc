"""The rule for which file is graded for an exercise module, when a submission holds several.

A candidate for module M is a file named `M.py` or `M.ipynb`, or one of the names Jupyter and
browsers give copies of it: `M-Copy1.ipynb` (Jupyter's Duplicate), `M (1).ipynb` (a second
download), and combinations of the two. `Untitled.ipynb` is not a candidate of anything.

The rule (fixed; in the README):

    1. the module's own name (M.py, M.ipynb) before a copy's name;
    2. then the shallowest file (fewest folders below the submission's root);
    3. then .py before .ipynb;
    4. then name order (of the path inside the submission).

When the graded file is not simply the only `M.py` or `M.ipynb`, `Choice.note` says which file
was graded and what else was found; the note goes to the submission's status (grades.csv) and
to `backprop check`'s report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.paths import MODEL_MODULES

MODULES = (*MODEL_MODULES, "optimizers", "derivations")
SUFFIXES = (".py", ".ipynb")
RULE = "own name, then shallowest, then .py before .ipynb, then name order"
# M, then any of "-Copy3" / " (2)" (Jupyter's copies, browser downloads), then the suffix
_NAME = re.compile(
    r"^(?P<module>[A-Za-z_][A-Za-z0-9_]*?)(?P<copy>(?:-Copy\d+| \(\d+\))*)"
    r"(?P<suffix>\.py|\.ipynb)$"
)
SKIPPED_FOLDERS = (".ipynb_checkpoints", "__MACOSX")  # Jupyter's autosaves, Finder's resources


@dataclass(frozen=True)
class Candidate:
    path: Path
    relative: str  # posix path inside the submission
    module: str
    exact: bool  # named M.py or M.ipynb
    depth: int
    suffix: str

    @property
    def key(self) -> tuple:
        return (not self.exact, self.depth, self.suffix != ".py", self.relative)


@dataclass
class Choice:
    """The file graded for one module and the other candidates it was preferred to."""

    module: str
    graded: Candidate
    others: list[Candidate] = field(default_factory=list)

    @property
    def notebook(self) -> bool:
        return self.graded.suffix == ".ipynb"

    @property
    def note(self) -> str:
        """'' when the graded file is the only candidate and has the module's own name."""
        if self.graded.exact and not self.others:
            return ""
        text = f"graded {self.graded.relative} as {self.module}"
        if not self.graded.exact:
            text += f" (expected {self.module}.py or {self.module}.ipynb)"
        if self.others:
            text += f"; also found {', '.join(c.relative for c in self.others)} ({RULE})"
        return text


def candidate(path: Path, root: Path) -> Candidate | None:
    """The candidate `path` is, or None when its name is not one of an exercise module."""
    match = _NAME.match(path.name)
    if not match or match["module"] not in MODULES:
        return None
    parts = path.relative_to(root).parts
    if any(part in SKIPPED_FOLDERS for part in parts[:-1]):
        return None
    return Candidate(
        path=path,
        relative="/".join(parts),
        module=match["module"],
        exact=not match["copy"],
        depth=len(parts) - 1,
        suffix=match["suffix"],
    )


def choose(paths: list[Path], root: Path) -> dict[str, Choice]:
    """module -> the file graded for it, by the rule above, among `paths` (files under root)."""
    by_module: dict[str, list[Candidate]] = {}
    for path in paths:
        found = candidate(path, root)
        if found:
            by_module.setdefault(found.module, []).append(found)
    choices = {}
    for module in MODULES:
        if module in by_module:
            ranked = sorted(by_module[module], key=lambda c: c.key)
            choices[module] = Choice(module, ranked[0], ranked[1:])
    return choices
