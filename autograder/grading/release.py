"""`backprop release`: the student release. Exercises, notebooks for students, the public tests
(as otter test files and inside `backprop check`) and the check command; no solution code and
no hidden test. tests/test_grading.py scans the result to prove it.

Derivation questions: the release holds the course's question file (the built-in one, or the
file given with --questions) with every misconception removed, installed as the package's
course file (questions/course.toml); no other question file ships, and no answer is in any:
the package derives the truth when it checks. With --questions the exercise file
derivations.py is generated for that file's questions (stub.py).

Nothing is deleted that the release did not write. The release is built in a temporary folder,
then installed into --out with a manifest (`.backprop-release.json`: each file it wrote and its
SHA-256). Into an empty or missing folder it just writes; over a previous release it replaces
only the files of that release's manifest (a file edited since is kept as
`NAME.before-release`); into a folder holding anything else it refuses (ReleaseError), unless
`force`, which moves the files in the way aside (`NAME.before-release`) and leaves every other
file where it is. The project checkout and its parents are refused.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from autograder import paths
from autograder.grading.cases.assignment import build_questions
from autograder.grading.gradescope.export import write_test_files

# Machinery that only instructors have (the hidden cases and the loader of the solutions) is
# one folder; the release leaves it out whole.
HIDDEN = paths.ROOT / "autograder" / "grading" / "hidden"
# The question files carry misconceptions: the release writes its own, stripped.
QUESTION_DIR = paths.ROOT / "autograder" / "derivations" / "questions"

STUDENT_PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "backprop-exercises-student"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = {dependencies}

[project.scripts]
backprop = "autograder.launch:run"

[tool.setuptools.packages.find]
include = ["autograder*"]

[tool.setuptools.package-data]
"*" = ["*.toml", "*.json", "*.md", "*.typ"]
"autograder.derivations" = ["questions/*.toml"]
"""

STUDENT_README = """# Backprop exercises (student release)

1. `python -m venv .venv && .venv/bin/pip install -e .`
2. Fill in the TODOs in `exercises/` (or work in `notebooks/`).
3. `.venv/bin/backprop check` runs the public tests and tells you what to fix.
4. `.venv/bin/backprop submit` packs `submission.zip`; upload it to Gradescope.

The public tests check shapes, keys, properties and your backward against central differences
of your own loss. Hidden tests, run at grading, compare your functions with the reference on
more inputs, so passing `backprop check` is necessary but not sufficient.
"""


def _ignore(directory: str, names: list[str]) -> set[str]:
    skipped = {n for n in names if n == "__pycache__" or n.endswith(".pyc")}
    if Path(directory).resolve() == HIDDEN.parent:
        skipped.add(HIDDEN.name)
    if Path(directory).resolve() == QUESTION_DIR:
        skipped |= {n for n in names if n.endswith(".toml")}
    return skipped


MANIFEST = ".backprop-release.json"
ASIDE = ".before-release"


class ReleaseError(ValueError):
    """The release cannot go into that folder; the message is one line for the user."""


def build_release(out: Path, questions: Path | None = None, force: bool = False) -> Path:
    """Write the release into out (see the module's docstring for what happens to files
    already there). questions: the course's question file (default: the active one, normally
    the built-in questions). Raises ReleaseError when out is refused."""
    out = Path(out)
    check_target(out)
    with tempfile.TemporaryDirectory(prefix="backprop-release-") as scratch:
        staged = Path(scratch) / "release"
        if questions is not None:
            from autograder.derivations import using

            with using(questions):
                _build_release(staged, Path(questions))
        else:
            _build_release(staged, None)
        install(staged, out, force)
    return out


def check_target(out: Path) -> None:
    """Refuse the project checkout itself and every folder above it."""
    target = out.resolve()
    if target == paths.ROOT or target in paths.ROOT.parents:
        raise ReleaseError(
            f"--out {out}: that is the project checkout or a folder holding it; "
            "give a folder of its own for the release"
        )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> dict[str, Path]:
    """Every file (or symlink) under folder by its relative POSIX path."""
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


def _previous(out: Path) -> dict[str, str] | None:
    """The manifest of a previous release in out ({relative path: sha256}), or None."""
    manifest = out / MANIFEST
    if not manifest.is_file():
        return None
    try:
        files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(files, dict):
        return None
    # only paths inside out: a manifest is a file anyone could have written
    return {
        str(k): str(v)
        for k, v in files.items()
        if not Path(str(k)).is_absolute() and ".." not in Path(str(k)).parts
    }


def move_aside(path: Path) -> Path:
    """Rename path to NAME.before-release (NAME.before-release.2, ... if taken)."""
    target = path.with_name(path.name + ASIDE)
    n = 2
    while target.exists() or target.is_symlink():
        target = path.with_name(f"{path.name}{ASIDE}.{n}")
        n += 1
    path.rename(target)
    return target


def install(staged: Path, out: Path, force: bool = False) -> list[Path]:
    """Copy the staged release into out, never deleting a file the release did not write.
    Returns the files moved aside."""
    new = _files(staged)
    out.mkdir(exist_ok=True)
    previous = _previous(out)
    mine = dict(previous or {})
    others = {rel: p for rel, p in _files(out).items() if rel not in mine and rel != MANIFEST}
    if previous is None and others and not force:
        raise ReleaseError(
            f"--out {out} is not empty and holds no previous release ({len(others)} files, "
            f"e.g. {next(iter(others))}); give an empty folder, or --force to write the "
            f"release there and move files in its way aside as NAME{ASIDE}"
        )
    in_the_way = [rel for rel in others if rel in new or _blocks(rel, new)]
    if in_the_way and not force:
        raise ReleaseError(
            f"--out {out}: {in_the_way[0]} (not written by the previous release) is where the "
            f"release writes; move it, or --force to keep it as {in_the_way[0]}{ASIDE}"
        )
    moved = []
    for rel in in_the_way:
        moved.append(move_aside(out / rel))
    # the previous release's own files: removed, unless edited since (then kept aside)
    inside = out.resolve()
    for rel, digest in mine.items():
        path = out / rel
        if not path.is_file() or path.is_symlink() or inside not in path.resolve().parents:
            continue  # gone, replaced, or reached through a link: the copy below moves it aside
        if _digest(path) != digest:
            moved.append(move_aside(path))
        else:
            path.unlink()
    _prune_empty(out, mine)
    for rel, source in new.items():
        target = out / rel
        for parent in reversed(target.relative_to(out).parents[:-1]):
            folder = out / parent
            # a file (or a link, which would lead the copy elsewhere) where a folder goes
            if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                moved.append(move_aside(folder))
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() or target.is_symlink():  # a folder or a link in the way: kept
            moved.append(move_aside(target))
        shutil.copy2(source, target)
    manifest = {"files": {rel: _digest(out / rel) for rel in new}}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return moved


def _blocks(rel: str, new: dict[str, Path]) -> bool:
    """Whether the file rel sits where the release needs a folder."""
    prefix = rel + "/"
    return any(n.startswith(prefix) for n in new)


def _prune_empty(out: Path, removed: dict[str, str]) -> None:
    """Remove the folders the removed files leave empty (deepest first), nothing else."""
    folders = {p for rel in removed for p in Path(rel).parents if p != Path(".")}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        path = out / folder
        if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
            path.rmdir()


def _build_release(out: Path, questions: Path | None) -> Path:
    from autograder.derivations.questionfile import COURSE, default_path
    from autograder.derivations.stub import render
    from autograder.derivations.tomlwrite import write_stripped

    out.mkdir(parents=True)
    shutil.copytree(paths.EXERCISES, out / "exercises", ignore=_ignore)
    shutil.copytree(paths.ROOT / "autograder", out / "autograder", ignore=_ignore)
    notebooks = paths.ROOT / "notebooks" / "exercises"
    if notebooks.is_dir():
        shutil.copytree(notebooks, out / "notebooks", ignore=_ignore)
    source = Path(questions) if questions is not None else default_path()
    installed = out / COURSE.relative_to(paths.ROOT)
    write_stripped(source, installed)
    if questions is not None:
        from autograder.derivations.questionfile import load

        stub = render(load(installed))
        (out / "exercises" / "derivations.py").write_text(stub, encoding="utf-8")
        if (out / "notebooks").is_dir():  # the notebook of the same questions, for Jupyter
            import nbformat

            from autograder.notebooks import build_derivations_notebook

            notebook = build_derivations_notebook(stub, "exercises")
            nbformat.write(notebook, out / "notebooks" / "derivations.ipynb")
    # the public test files must match the questions the release checks: the stripped ones
    from autograder.derivations import using

    with using(installed):
        questions_public = build_questions(include_hidden=False)
    write_test_files(questions_public, out / "tests", include_hidden=False)
    dependencies = (
        '["numpy>=2.0,<3", "sympy==1.14.0", "typer>=0.12", "rich>=13", "matplotlib>=3.8"]'
    )
    (out / "pyproject.toml").write_text(STUDENT_PYPROJECT.format(dependencies=dependencies))
    (out / "README.md").write_text(STUDENT_README)
    return out
