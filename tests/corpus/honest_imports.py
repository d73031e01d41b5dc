"""Honest submissions that import things: correct exercise files written the way students write
them, with the packages they use in notebooks imported at the top (unused by the graded
functions, used in a `__main__` demo), plots inside a graded function, and helper modules of
their own. Each must get full marks wherever it is graded (tests/test_honest_imports.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.paths import SOLUTIONS

SIG = "two_layer_sigmoid"
OPT = "optimizers"
TOP = "import numpy as np\n"  # the line after which a habit adds its imports


@dataclass(frozen=True)
class Habit:
    name: str
    files: dict[str, str]  # file name -> source: exercise files and helpers
    note: str

    @property
    def graded(self) -> list[str]:
        """The exercise modules of the submission (their questions must get full marks)."""
        return [
            name.removesuffix(".py") for name in self.files if name in (f"{SIG}.py", f"{OPT}.py")
        ]


def solution(module: str) -> str:
    return (SOLUTIONS / f"{module}.py").read_text()


def replaced(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def with_top(module: str, imports: str, text: str | None = None) -> str:
    """The solution (or `text`) with `imports` added after `import numpy as np`."""
    return replaced(text or solution(module), TOP, TOP + imports)


# a demo a student leaves at the bottom: trains the two-layer network, then shows `show`
DEMO = """

if __name__ == "__main__":
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 40))
    y = np.sin(X[:1])
    params = init_params(3, 4, rng)
    losses = []
    for step in range(50):
        yhat, cache = forward(params, X)
        losses.append(float(loss(yhat, y)))
        grads = backward(params, cache, X, y)
        for key in params:
            params[key] = params[key] - 0.5 * grads[key]
{show}
"""


def demo(show: str) -> str:
    return DEMO.format(show="".join(f"    {line}\n" for line in show.strip().splitlines()))


def top_and_main(name: str, imports: str, show: str, note: str) -> Habit:
    source = with_top(SIG, imports) + demo(show)
    return Habit(name, {f"{SIG}.py": source}, note)


HABITS = [
    top_and_main(
        "matplotlib",
        "import matplotlib.pyplot as plt\n",
        'plt.plot(losses)\nplt.xlabel("step")\nplt.ylabel("loss")\nplt.show()',
        "import matplotlib.pyplot as plt at the top, a loss curve shown in the demo",
    ),
    top_and_main(
        "pandas",
        "import pandas as pd\n",
        'table = pd.DataFrame({"loss": losses})\nprint(table.describe())',
        "import pandas as pd at the top, a table of losses in the demo",
    ),
    top_and_main(
        "ipython-display",
        "from IPython.display import display\n",
        "display(params)",
        "from IPython.display import display (copied from a notebook), used in the demo",
    ),
    top_and_main(
        "pathlib",
        "from pathlib import Path\n",
        "print(Path(__file__).name, losses[-1])",
        "from pathlib import Path at the top, used in the demo",
    ),
    top_and_main(
        "logging",
        "import logging\n\nlogger = logging.getLogger(__name__)\n",
        'logging.basicConfig(level=logging.INFO)\nlogger.info("final loss %.4f", losses[-1])',
        "import logging and a module logger at the top, configured and used in the demo",
    ),
    top_and_main(
        "all-at-once",
        "import logging\nimport os\nimport sys\nfrom pathlib import Path\n\n"
        "import matplotlib\nimport matplotlib.pyplot as plt\nimport pandas as pd\n"
        "from IPython.display import display\n",
        'display(pd.Series(losses).tail())\nplt.plot(losses)\nplt.savefig(Path("loss.png"))',
        "every import above at once, the way a notebook's first cell collects them",
    ),
    Habit(
        "plot-in-train",
        {
            f"{OPT}.py": with_top(
                OPT,
                "import matplotlib.pyplot as plt\n",
                replaced(
                    solution(OPT),
                    "    return losses\n",
                    "    plt.figure()\n    plt.plot(losses)\n    plt.title('training loss')\n"
                    "    plt.show()\n    plt.close()\n    return losses\n",
                ),
            ),
        },
        "train plots its loss curve and calls plt.show() before returning (graded code plots)",
    ),
    Habit(
        "helper-module",
        {
            f"{SIG}.py": with_top(
                SIG,
                "\nfrom helpers import stable_sigmoid\n",
                replaced(
                    solution(SIG), "    A = sigmoid(Z)  # (k, m)\n", "    A = stable_sigmoid(Z)\n"
                ),
            ),
            "helpers.py": (
                '"""My own helpers."""\n\nimport numpy as np\n\nfrom numerics import softplus\n\n\n'
                "def stable_sigmoid(z):\n    return np.exp(-softplus(-z))\n"
            ),
            "numerics.py": (
                "import numpy as np\n\n\ndef softplus(z):\n    return np.logaddexp(0.0, z)\n"
            ),
        },
        "forward uses sigmoid from the student's helpers.py, which imports their numerics.py",
    ),
    Habit(
        "all-together",
        {
            f"{SIG}.py": with_top(
                SIG,
                "import logging\nfrom pathlib import Path\n\nimport matplotlib.pyplot as plt\n"
                "import pandas as pd\nfrom IPython.display import display\n\n"
                "from helpers import stable_sigmoid\n",
                replaced(
                    solution(SIG), "    A = sigmoid(Z)  # (k, m)\n", "    A = stable_sigmoid(Z)\n"
                ),
            )
            + demo("display(pd.Series(losses).tail())\nplt.plot(losses)\nplt.show()"),
            f"{OPT}.py": with_top(
                OPT,
                "import matplotlib.pyplot as plt\n",
                replaced(
                    solution(OPT),
                    "    return losses\n",
                    "    plt.plot(losses)\n    plt.show()\n    return losses\n",
                ),
            ),
            "helpers.py": (
                "import numpy as np\n\n\ndef stable_sigmoid(z):\n"
                "    return np.exp(-np.logaddexp(0.0, -z))\n"
            ),
        },
        "the imports above, a helper module and a plot in train, in one submission",
    ),
]
