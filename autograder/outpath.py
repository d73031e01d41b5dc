"""Where a command writes: one check for every `--out`, and one line (exit code 2) when it fails.

Every command that writes (`grade`, `gradescope`, `submit`, `release`, the plot verbs,
`notebooks`, `stubs`, `sheet`) calls `prepare` (or `usable`, which turns the problem into one
line on stderr and `typer.Exit(2)`) before writing anything, and writes inside `writing()`,
which does the same for an error on the way (a full disk, a file that turns read-only).

The rule for a missing folder: the output folder itself is made if its parent exists; a
missing parent is refused with its name (a typo in a path should not make a tree of folders).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer


class OutError(ValueError):
    """An output path that cannot be written; the message is one line for the user."""


def _parent_problem(path: Path, option: str) -> str | None:
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        return f"{option} {path}: {parent} is a file, not a directory"
    if not parent.is_dir():
        return f"{option} {path}: the parent directory {parent} does not exist (make it first)"
    return None


def _unwritable(folder: Path) -> str | None:
    """Why no file can be made in `folder` (the system's words), or None: a probe, since root
    ignores the mode bits."""
    probe = folder / f".backprop-write-test-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return error.strerror or str(error)
    return None


def prepare(
    path: Path, *, directory: bool = True, suffix: str | None = None, option: str = "--out"
) -> Path:
    """Check that `path` can be written, making the folder when `directory` (its parent must
    exist). A file output (`directory=False`) must not be a folder, must end in `suffix` when
    given, and its folder must exist and be writable. Raises OutError with one line."""
    path = Path(path)
    if directory:
        if path.exists() and not path.is_dir():
            raise OutError(f"{option} {path}: a file is in the way (it must be a directory)")
        made = not path.exists()
        if made:
            problem = _parent_problem(path, option)
            if problem:
                raise OutError(problem)
            try:
                path.mkdir()
            except OSError as error:
                raise OutError(f"{option} {path}: cannot make it ({error.strerror})") from None
        if why := _unwritable(path):
            if made:
                path.rmdir()  # made just now, still empty
            raise OutError(f"{option} {path}: cannot write there ({why})")
        return path
    if suffix and path.suffix.lower() != suffix:
        raise OutError(f"{option} {path}: the file must end in {suffix}")
    if path.is_dir():
        raise OutError(f"{option} {path}: a directory is in the way (it must be a file)")
    problem = _parent_problem(path, option)
    if problem:
        raise OutError(problem)
    if path.exists() and not os.access(path, os.W_OK):
        raise OutError(f"{option} {path}: cannot overwrite it (permission denied)")
    if why := _unwritable(path.parent):
        raise OutError(f"{option} {path}: cannot write in {path.parent} ({why})")
    return path


def fail(message: str) -> None:
    """One line on stderr and exit code 2."""
    typer.secho(f"error: {message}", fg="red", err=True)
    raise typer.Exit(2)


def usable(
    path: Path, *, directory: bool = True, suffix: str | None = None, option: str = "--out"
) -> Path:
    """`prepare` for a command: a problem ends the command with one line and exit code 2."""
    try:
        return prepare(path, directory=directory, suffix=suffix, option=option)
    except OutError as error:
        fail(str(error))
    raise AssertionError("unreachable")  # pragma: no cover


@contextmanager
def writing(path: Path, option: str = "--out") -> Iterator[None]:
    """Writing into `path`: an OSError (or OutError) on the way is one line and exit code 2."""
    try:
        yield
    except OutError as error:
        fail(str(error))
    except OSError as error:
        where = error.filename or path
        fail(f"{option} {path}: cannot write {where} ({error.strerror or error})")
