"""Make any upload gradable by otter before otter looks at it (run by the zip's run_otter.py).

Otter grades exactly one top-level .py (or .ipynb) of the submission folder and stops with "No
gradable files found in submission" when there is none. Gradescope unzips an uploaded zip, so a
zip made by macOS Finder (the files in a nested folder, `__MACOSX/`, `.DS_Store`) or a folder
upload has no top-level script, although its exercise files are all there. The plugin grades the
exercise files found at any depth (plugin.py) and never runs that script, so a placeholder is
enough: nothing of the student's is changed or removed.
"""

from __future__ import annotations

from pathlib import Path

PLACEHOLDER = "submission.py"
NOTE = '"""backprop: no top-level script uploaded; exercise files are graded where found."""\n'


def make_gradable(submission: Path) -> bool:
    """Add a placeholder submission.py when `submission` holds no top-level .py or .ipynb;
    returns whether it did."""
    if not submission.is_dir():
        return False
    scripts = [
        p
        for p in submission.iterdir()
        if p.suffix in (".py", ".ipynb") and p.name != "__init__.py" and p.is_file()
    ]
    if scripts or (submission / PLACEHOLDER).exists():
        return False
    (submission / PLACEHOLDER).write_text(NOTE)
    return True


RUN_OTTER = '''"""Runs Otter-Grader's autograding process (written by backprop: an upload without a
top-level script, such as a Finder zip, gets a placeholder first; see upload.py)."""

import sys
from pathlib import Path

from autograder.grading.gradescope.upload import make_gradable
from otter.run.run_autograder import main as run_autograder

if __name__ == "__main__":
    root = sys.argv[1] if len(sys.argv) > 1 else "/autograder"
    make_gradable(Path(root) / "submission")
    run_autograder(root)
'''
