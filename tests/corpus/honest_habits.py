"""Honest habits: correct exercise files (the reference solutions) written, saved and uploaded
the way students really do it. None of these habits changes what a graded function computes,
so each must get full marks wherever it is graded (tests/test_honest_habits.py).

Imports (unused at the top, used in a `__main__` demo; helper modules) are the corpus of
tests/corpus/honest_imports.py; this one reuses its building blocks and adds what is not about
imports: a top-level demo, prints, line endings, encodings, indentation, `__future__`,
silenced warnings, Finder zips and an `exercises/` folder.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from autograder.grading.runner import SUBMISSION_FILES
from autograder.paths import SOLUTIONS
from tests.corpus.honest_imports import DEMO, OPT, SIG, TOP, demo, replaced, solution, with_top


@dataclass(frozen=True)
class Habit:
    name: str
    files: dict[str, bytes]  # relative path -> content (a path ending in .zip: the upload)
    note: str

    @property
    def graded(self) -> list[str]:
        """The exercise modules in the submission (their questions must get full marks)."""
        names = set()
        for path, content in self.files.items():
            if path.endswith(".zip"):
                with zipfile.ZipFile(io.BytesIO(content)) as archive:
                    names |= {n.rsplit("/", 1)[-1] for n in archive.namelist()}
            else:
                names.add(path.rsplit("/", 1)[-1])
        return sorted(n.removesuffix(".py") for n in names & set(SUBMISSION_FILES))


def text_files(sources: dict[str, str], prefix: str = "") -> dict[str, bytes]:
    return {prefix + name: text.encode("utf-8") for name, text in sources.items()}


def pair(sig: str | None = None, opt: str | None = None) -> dict[str, str]:
    """two_layer_sigmoid.py and optimizers.py (the reference unless given)."""
    return {f"{SIG}.py": sig or solution(SIG), f"{OPT}.py": opt or solution(OPT)}


def every_solution() -> dict[str, str]:
    return {name: (SOLUTIONS / name).read_text() for name in SUBMISSION_FILES}


# ------------------------------------------------------------------ the habits, as text edits
def top_level_demo(text: str) -> str:
    """The demo of honest_imports, not under `if __name__ == "__main__":`: it runs (trains
    and prints) whenever the file is imported, the grader's import included."""
    body = demo('print("final loss", losses[-1])')
    body = body.replace('if __name__ == "__main__":\n', "")
    return text + "\n" + "\n".join(line.removeprefix("    ") for line in body.splitlines()) + "\n"


def prints_inside(text: str) -> str:
    """Debug prints left in graded functions, to stdout and to stderr, on every call."""
    text = replaced(text, "import numpy as np\n", "import sys\n\nimport numpy as np\n")
    text = replaced(
        text,
        "    A = sigmoid(Z)  # (k, m)\n",
        "    A = sigmoid(Z)  # (k, m)\n    print('[debug] forward: Z', Z.shape, 'A', A.shape)\n"
        "    print('A min/max [/]', A.min(), A.max(), file=sys.stderr)\n",
    )
    return replaced(
        text,
        '    A = cache["A"]  # (k, m)\n',
        '    A = cache["A"]  # (k, m)\n    print("backward: m =", X.shape[1], flush=True)\n'
        '    sys.stderr.write("debug: in backward\\n")\n',
    )


def prints_in_train(text: str) -> str:
    return replaced(
        text,
        "    return losses\n",
        "    print(f'[/train] {len(losses)} steps, last loss {losses[-1]:.4f}')\n"
        "    print('done', file=__import__('sys').stderr)\n    return losses\n",
    )


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def bom_and_non_ascii(text: str) -> str:
    """A UTF-8 BOM (Windows Notepad) and comments in the student's language."""
    text = replaced(
        text,
        "    A = sigmoid(Z)  # (k, m)\n",
        "    # Aktivierung σ(Z) — für große |z| stabil ✓ (résumé: ça marche)\n"
        "    A = sigmoid(Z)  # (k, m)\n",
    )
    return "\ufeff# -*- coding: utf-8 -*-\n# Übung 2: Rückwärtsdurchlauf, δ = ∂L/∂Z 🙂\n" + text


def tabs(text: str) -> str:
    """Every indentation level of four spaces as a tab (an editor set to tabs)."""
    return re.sub(
        r"^((?:    )+)", lambda m: "\t" * (len(m.group(1)) // 4), text, flags=re.MULTILINE
    )


def future_annotations(text: str) -> str:
    """`from __future__ import annotations` right after the module docstring (a __future__
    import must be the first statement)."""
    end = text.index('"""', text.index('"""') + 3) + 4
    return text[:end] + "\nfrom __future__ import annotations\n" + text[end:]


def warnings_silenced(text: str) -> str:
    return replaced(
        text,
        TOP,
        TOP + "import warnings\n\nwarnings.filterwarnings('ignore')\n"
        "warnings.simplefilter('ignore', category=RuntimeWarning)\nnp.seterr(all='ignore')\n",
    )


APPLEDOUBLE = (
    b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02\x00\x00\x00\t\x00\x00\x002"
    + b"\x00" * 64
    + b"ATTR\x00\x00\x00\x00com.apple.quarantine\x00q/0081;6543;Safari;"
)


def finder_zip(sources: dict[str, str], folder: str = "Homework 2") -> bytes:
    """What macOS Finder's "Compress" makes of a folder: the files in a nested folder,
    AppleDouble `._*` files under `__MACOSX/`, a `.DS_Store`, folder entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/", b"")
        archive.writestr(f"{folder}/.DS_Store", b"\x00\x00\x00\x01Bud1" + b"\x00" * 60)
        archive.writestr("__MACOSX/", b"")
        archive.writestr(f"__MACOSX/{folder}/", b"")
        archive.writestr(f"__MACOSX/._{folder}", APPLEDOUBLE)
        archive.writestr(f"{folder}/code/", b"")
        for name, text in sources.items():
            archive.writestr(f"{folder}/code/{name}", text)
            archive.writestr(f"__MACOSX/{folder}/code/._{name}", APPLEDOUBLE)
        archive.writestr(f"{folder}/notes.txt", "my notes\n")
    return buffer.getvalue()


def as_a_checkout(sources: dict[str, str]) -> dict[str, bytes]:
    """The student's copy of the release: files under exercises/, next to the README, the
    notebooks and a pyproject, as they zip or upload the whole folder."""
    files = text_files(sources, "exercises/")
    files["exercises/__init__.py"] = b""
    files["README.md"] = b"# Backprop exercises (student release)\n"
    files["pyproject.toml"] = b'[project]\nname = "backprop-exercises-student"\n'
    files["notebooks/two_layer_sigmoid.ipynb"] = b'{"cells": [], "nbformat": 4}\n'
    return files


# ------------------------------------------------------------------ the corpus
HABITS: list[Habit] = [
    Habit(
        "top-level-demo",
        text_files(pair(top_level_demo(solution(SIG)))),
        "a demo at the bottom, outside `if __name__ == '__main__'`: trains and prints on import",
    ),
    Habit(
        "prints-inside-graded-functions",
        text_files(pair(prints_inside(solution(SIG)), prints_in_train(solution(OPT)))),
        "print() to stdout and stderr inside forward, backward and train, on every call",
    ),
    Habit(
        "crlf",
        text_files({n: crlf(t) for n, t in pair().items()}),
        "Windows line endings (CRLF) in every file",
    ),
    Habit(
        "bom-non-ascii",
        text_files(pair(bom_and_non_ascii(solution(SIG)), "\ufeff" + solution(OPT))),
        "a UTF-8 byte-order mark and non-ASCII comments (umlauts, Greek, math, an emoji)",
    ),
    Habit(
        "tabs",
        text_files({n: tabs(t) for n, t in pair().items()}),
        "tab indentation",
    ),
    Habit(
        "future-annotations",
        text_files({n: future_annotations(t) for n, t in pair().items()}),
        "`from __future__ import annotations` at the top",
    ),
    Habit(
        "warnings-silenced",
        text_files({n: warnings_silenced(t) for n, t in pair().items()}),
        "warnings.filterwarnings('ignore') and np.seterr(all='ignore') at import",
    ),
    Habit(
        "finder-zip",
        {"submission.zip": finder_zip(every_solution())},
        "a Finder zip: nested folder, __MACOSX/._*.py, .DS_Store, a notes file",
    ),
    Habit(
        "exercises-folder",
        as_a_checkout(every_solution()),
        "the files inside an exercises/ folder of the student's copy of the release",
    ),
    Habit(
        "imports-top-and-main",
        text_files(
            pair(
                with_top(
                    SIG,
                    "import logging\nfrom pathlib import Path\n\nimport matplotlib.pyplot as plt\n"
                    "import pandas as pd\n",
                )
                + demo("print(pd.Series(losses).tail())\nplt.plot(losses)\nplt.show()")
            )
        ),
        "unused imports at the top, used in the __main__ demo (the import corpus has more)",
    ),
]


def combined() -> Habit:
    """Every habit at once in one Finder zip (for the slow `otter run` path): CRLF, a BOM,
    tabs, `__future__`, silenced warnings, prints, a top-level demo, imports used in
    `__main__`, in nested folders with `__MACOSX` and `.DS_Store`."""
    sig = future_annotations(solution(SIG))
    sig = prints_inside(sig)
    sig = warnings_silenced(sig)
    sig = with_top(SIG, "import logging\n\nimport matplotlib.pyplot as plt\n", sig)
    sig = top_level_demo(sig) + DEMO.format(show="    plt.plot(losses)\n    plt.show()\n")
    sig = crlf(tabs(bom_and_non_ascii(sig)))
    opt = crlf(tabs(future_annotations(prints_in_train(solution(OPT)))))
    sources = every_solution() | {f"{SIG}.py": sig, f"{OPT}.py": opt}
    return Habit(
        "combined",
        {"submission.zip": finder_zip(sources)},
        "every habit above in one Finder zip",
    )
