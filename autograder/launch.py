"""The `backprop` script's entry point: starts what a command waits for before the CLI loads.

For the verbs that run student code (check, submit, grade), the sandbox's template zygote
starts first, before numpy and typer are imported here: it boots (numpy, the child runtime) on
the other core while this process loads the CLI, reads the options and builds the questions,
which is most of a check's wall time. It holds nothing secret and runs no student code; one
left unused exits with this process.
"""

import sys

SANDBOXED = ("check", "submit", "grade")


def run() -> None:
    if sys.argv[1:2] and sys.argv[1] in SANDBOXED:
        from autograder.grading.sandbox.parent import Zygote

        Zygote.prestart()
    from autograder.cli import app

    app()
