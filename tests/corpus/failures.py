"""The failure corpus: submissions whose code crashes, hangs, floods or attacks its process,
as data. Each is one exercise file (a reference solution with one hostile edit, or a file of its
own); the test adds a correct optimizers.py beside it, which must still get full marks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autograder.paths import SOLUTIONS

SIG = "two_layer_sigmoid"


def patched(module: str, old: str, new: str) -> str:
    """The reference solution of module with old (which must occur once) replaced by new."""
    text = (SOLUTIONS / f"{module}.py").read_text()
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {module}.py"
    return text.replace(old, new)


def in_function(func: str, body: str, module: str = SIG) -> str:
    """The reference solution with `body` run first thing in `func` (after the shape checks)."""
    marker = {
        "forward": '    X, _ = check_data("forward", X, n=dims["n"])\n',
        "loss": '    yhat, y = check_pair("loss", yhat, y)\n',
        "backward": '    check_cache("backward", cache, CACHE_SHAPES, dims, m=y.shape[1])\n',
    }[func]
    lines = "".join(f"    {line}\n" for line in body.splitlines())
    return patched(module, marker, marker + lines)


@dataclass(frozen=True)
class Failure:
    name: str
    file: str  # the exercise file it is submitted as
    source: str
    status: list[str]  # substrings the submission's status must contain ([] : "ok")
    broken: list[str]  # questions that must lose points
    full: list[str] = field(default_factory=list)  # questions of the same file that keep marks
    feedback: list[str] = field(default_factory=list)  # substrings of the broken questions'
    nothing: bool = False  # every question of the file scores 0 (it never imported)
    absent: list[str] = field(default_factory=list)  # phrases no feedback may contain
    slow: bool = False  # spends call timeouts: the test shortens CALL_TIMEOUT


QUESTIONS = [f"{SIG}.{f}" for f in ("init_params", "forward", "loss", "backward")]
INIT, FORWARD, LOSS, BACKWARD = QUESTIONS

FAILURES = [
    Failure(
        "syntax-error",
        f"{SIG}.py",
        patched(
            SIG,
            "def forward(params: dict, X: np.ndarray) -> tuple[np.ndarray, dict]:",
            "def forward(params: dict, X: np.ndarray) -> tuple[np.ndarray, dict]",
        ),
        ["import error"],
        broken=QUESTIONS,
        nothing=True,
        feedback=["SyntaxError", "could not be imported"],
    ),
    Failure(
        "raises-at-import",
        f"{SIG}.py",
        patched(SIG, "import numpy as np\n", "import numpy as np\n\nraise RuntimeError('boom')\n"),
        ["import error"],
        broken=QUESTIONS,
        nothing=True,
        feedback=["RuntimeError: boom", "could not be imported"],
    ),
    Failure(  # a module the grader does not have, used at import: the file cannot load
        "missing-import",
        f"{SIG}.py",
        patched(
            SIG,
            "import numpy as np\n",
            "import numpy as np\nimport torch\n\ntorch.manual_seed(0)\n",
        ),
        ["import error"],
        broken=QUESTIONS,
        nothing=True,
        feedback=["torch", "could not be imported", "use numpy instead"],
    ),
    Failure(  # ... used in one function only: that function alone loses its points
        "missing-import-used-in-backward",
        f"{SIG}.py",
        in_function("backward", "torch.manual_seed(0)").replace(
            "import numpy as np\n", "import numpy as np\nimport torch\n", 1
        ),
        ["functions raised errors"],
        broken=[BACKWARD],
        full=[INIT, FORWARD, LOSS],
        feedback=["No module named 'torch'", "use numpy instead", "torch.manual_seed(0)"],
        absent=["could not be imported"],
    ),
    Failure(  # a made-up module imported inside one function
        "missing-import-inside-forward",
        f"{SIG}.py",
        in_function("forward", "import gradient_magic_xyz\ngradient_magic_xyz.go(X)"),
        ["functions raised errors"],
        broken=[FORWARD],
        full=[INIT, LOSS, BACKWARD],
        feedback=["No module named 'gradient_magic_xyz'"],
        absent=["could not be imported"],
    ),
    Failure(  # import signal at the top (fine), misused in backward (refused there only)
        "signal-at-top-misused-in-backward",
        f"{SIG}.py",
        in_function("backward", "os.kill(os.getpid(), signal.SIGTERM)").replace(
            "import numpy as np\n", "import os\nimport signal\n\nimport numpy as np\n", 1
        ),
        ["forbidden operation"],
        broken=[BACKWARD],
        full=[INIT, FORWARD, LOSS],
        feedback=["os.kill"],
        absent=["could not be imported"],
    ),
    Failure(
        "function-raises",
        f"{SIG}.py",
        in_function("backward", "raise ValueError('shapes do not align')"),
        [],
        broken=[BACKWARD],
        full=[INIT, FORWARD, LOSS],
        feedback=["raised ValueError: shapes do not align"],
    ),
    Failure(
        "infinite-loop-in-backward",
        f"{SIG}.py",
        in_function("backward", "while True:\n    pass"),
        ["timeout"],
        broken=[BACKWARD],
        full=[INIT, FORWARD, LOSS],
        feedback=["timed out"],
        absent=["could not be imported"],  # the import went fine
        slow=True,
    ),
    Failure(
        "infinite-loop-in-init-params",  # the module's first call hangs
        f"{SIG}.py",
        patched(
            SIG,
            "    # BEGIN SOLUTION\n    return {\n",
            "    while True:\n        pass\n    return {\n",
        ),
        ["timeout"],
        broken=[INIT],
        full=[FORWARD, LOSS, BACKWARD],
        feedback=["timed out"],
        absent=["could not be imported"],
        slow=True,
    ),
    Failure(
        "infinite-loop-at-import",
        f"{SIG}.py",
        patched(SIG, "import numpy as np\n", "import numpy as np\n\nwhile True:\n    pass\n"),
        ["timeout"],
        broken=QUESTIONS,
        nothing=True,
        feedback=["timed out", "importing"],
        slow=True,
    ),
    Failure(
        "huge-array-in-forward",
        f"{SIG}.py",
        in_function("forward", "np.ones((10**6, 10**6))"),
        [],
        broken=[FORWARD],  # backward is graded on caches the grader makes
        full=[INIT, LOSS, BACKWARD],
        feedback=["MemoryError"],
    ),
    Failure(
        "growing-list-in-loss",
        f"{SIG}.py",
        # np.empty reserves address space without touching it, so the 2 GB limit is hit at
        # once; a list of bytearrays gets there too but zero-fills 2 GB (1.5-2.5 s per call).
        in_function("loss", "hog = []\nwhile True:\n    hog.append(np.empty(10**8))"),
        [],
        broken=[LOSS],  # backward's points do not need the student's loss
        full=[INIT, FORWARD, BACKWARD],
        feedback=["MemoryError"],
    ),
    Failure(
        "print-flood-in-forward",
        f"{SIG}.py",
        # 10^6 lines (6 MB) on the first call: far more than is kept, yet short enough to print
        # within the tests' 1 s call limit on a loaded 2-core machine (10^7 lines timed out).
        in_function(
            "forward",
            "global FLOODED\nif not globals().get('FLOODED'):\n"
            "    FLOODED = True\n    print('flood\\n' * (10**6 - 1) + 'flood')",
        ),
        [],
        broken=[],
        full=QUESTIONS,  # printing is allowed; only the start of it is kept
    ),
    Failure(
        "sys-exit-in-backward",
        f"{SIG}.py",
        in_function("backward", "import sys\nsys.exit(3)"),
        [],
        broken=[BACKWARD],
        full=[INIT, FORWARD, LOSS],
        feedback=["SystemExit"],
    ),
    Failure(
        "os-exit-at-import",
        f"{SIG}.py",
        patched(SIG, "import numpy as np\n", "import numpy as np\nimport os\n\nos._exit(0)\n"),
        ["crashed"],
        broken=QUESTIONS,
        nothing=True,
        feedback=["could not be imported", "exited with code 0"],
    ),
    Failure(
        "kills-itself-in-loss",
        f"{SIG}.py",
        in_function("loss", "import os\nos.kill(os.getpid(), 9)"),
        ["forbidden operation"],
        broken=[LOSS],
        full=[INIT, FORWARD, BACKWARD],
        feedback=["the grader does not allow os.kill"],
    ),
    Failure(
        "input-in-forward",
        f"{SIG}.py",
        in_function("forward", "input('press enter')"),
        [],
        broken=[FORWARD],
        full=[INIT, LOSS, BACKWARD],
        feedback=["EOFError"],
    ),
]
