"""The otter plugin of the Gradescope autograder: no student code runs where otter scores.

Otter executes a submission's top-level script in the kernel that then runs the tests, and
reads the scores back from a pickle written by that kernel: a submission could patch otter,
numpy or our checker there, or write the pickle itself. This plugin, run by otter's own process
before the kernel starts, closes that door:

- before_grading: the submission folder keeps only the exercise files (moved to exercises/; a
  notebook as the module source made from its code cells, the file runner.find_files grades),
  our tests and a fresh copy of our support package (a student's folder of the same name, or a
  numpy.py or otter/ meant to shadow an import, is deleted);
- before_execution: the kernel runs an empty notebook instead of the student's script.

The exercise files are then graded by the test files exactly as `backprop grade` grades them:
one question's calls at a time in a jailed child process, compared in the kernel, which never
ran them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from otter.plugins import AbstractOtterPlugin

from autograder.grading.gradescope.bridge import SUPPORT
from autograder.grading.runner import find_files

NOTICE = "# backprop: the exercise files are graded in a sandbox, not run in this kernel\n"


class BackpropPlugin(AbstractOtterPlugin):
    def before_grading(self, config) -> None:
        sanitize(Path.cwd(), Path.cwd().parent / "source" / "files" / SUPPORT)

    def before_execution(self, submission):
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(NOTICE)])


def sanitize(folder: Path, support: Path) -> list[str]:
    """Leave `folder` holding the exercise files under exercises/, otter's tests, a fresh copy of
    `support` and the top-level script otter reads (emptied: it never runs, and a file named
    like a module must not shadow an import in the kernel). Returns the exercise files kept."""
    files, scratch = find_files(folder, exclude=(SUPPORT, "tests"))
    try:
        contents = {name: path.read_bytes() for name, path in files.items()}
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    for entry in folder.iterdir():
        if entry.name == "tests" and not entry.is_symlink():
            continue  # otter copied these from the autograder, over anything the student sent
        regular = entry.is_file() and not entry.is_symlink()
        _remove(entry)
        if regular and entry.suffix == ".py":
            entry.write_text(NOTICE)
        elif regular and entry.suffix == ".ipynb":  # otter's submission when it is the only one
            nbformat.write(BackpropPlugin.before_execution(None, None), entry)
    shutil.copytree(support, folder / SUPPORT)
    (folder / "exercises").mkdir()
    for name, data in contents.items():
        (folder / "exercises" / name).write_bytes(data)
    return sorted(contents)


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry)
    else:
        entry.unlink()
