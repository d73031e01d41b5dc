"""The `backprop` script's entry point: starts what a command waits for before the CLI loads.

For `backprop check`, the sandbox's template zygote starts first, before numpy and typer are
imported here: it boots (numpy, the child runtime) on the other core while this process loads
the CLI, reads the options and prepares the questions, which is most of a check's wall time.
It holds nothing secret and runs no student code; one left unused exits with this process.
"""

import sys


def run() -> None:
    if sys.argv[1:2] == ["check"]:
        from autograder.grading.sandbox.parent import Zygote

        Zygote.prestart()
    from autograder.cli import app

    app()
