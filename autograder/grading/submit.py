"""Hand work in: run the public tests on a folder and pack the Gradescope upload.

`submit_here()` is the last cell of every student notebook (otter's `grader.export()`): it
runs the public tests on the notebook's folder and writes submission.zip next to the notebook.
`backprop submit FOLDER` does the same from a terminal. The zip holds one submission.py and,
under exercises/, the file graded for each module (a .py or a notebook; see
submission/names.py), so Gradescope's otter runner, which refuses several loose notebooks,
accepts it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder.grading.check import check_path
from autograder.grading.gradescope.export import SUBMISSION_README, pack_submission
from autograder.grading.runner import SubmissionResult


@dataclass
class Submitted:
    zip: Path
    names: list[str]  # what exercises/ holds
    result: SubmissionResult  # the public tests on the folder

    def summary(self) -> str:
        lines = [
            f"public tests: {self.result.total:g}/{self.result.possible:g} points "
            f"(hidden tests run when your work is graded)"
        ]
        unfinished = [q.id for q in self.result.questions if q.score < q.possible]
        if unfinished:  # the first few; `backprop check` / check_here show them all
            more = f" and {len(unfinished) - 6} more" if len(unfinished) > 6 else ""
            lines.append("not passing yet: " + ", ".join(unfinished[:6]) + more)
        if self.result.status != "ok":
            lines.append("status: " + self.result.status)
        lines.append(f"wrote {self.zip} holding: " + ", ".join(self.names))
        lines.append(
            "Upload it to Gradescope. It holds your files as saved on disk: save your notebooks "
            "(File > Save) before you run this."
        )
        return "\n".join(lines)


def submit_folder(folder: Path, out: Path) -> Submitted | None:
    """Run the public tests on `folder` and write the upload zip `out`; None when the folder
    holds no exercise file (no zip is written)."""
    names = pack_submission(folder, out) if _has_exercise_files(folder) else []
    if not names:
        return None
    return Submitted(out, names, check_path(folder))


def _has_exercise_files(folder: Path) -> bool:
    from autograder.grading.submission.names import candidate

    return folder.is_dir() and any(candidate(p, folder) for p in folder.iterdir() if p.is_file())


def free_zip_name(folder: Path, name: str = "submission") -> Path:
    """folder/submission.zip, unless a file of that name is not one of ours (then -2, -3...):
    never overwrite what this did not write."""
    for number in range(1, 1000):
        path = folder / (f"{name}.zip" if number == 1 else f"{name}-{number}.zip")
        if not path.exists() or _ours(path):
            return path
    raise FileExistsError(f"no free name for {name}.zip in {folder}")


def _ours(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read("submission.py").decode() == SUBMISSION_README
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return False


def submit_here(folder: str | Path | None = None) -> Path | None:
    """In a notebook: run the public tests on this folder (the notebooks and .py files in it)
    and write submission.zip next to the notebook, printing where it is and what it holds.
    Returns the zip's path (None when there was nothing to pack). Never raises."""
    folder = Path.cwd() if folder is None else Path(folder)
    try:
        submitted = submit_folder(folder, free_zip_name(folder))
    except Exception as exc:  # noqa: BLE001 - a notebook cell should say what went wrong
        print(f"could not write the submission: {exc}")
        return None
    if submitted is None:
        print(f"no exercise notebooks or files found in {folder.resolve()}")
        return None
    print(submitted.summary())
    return submitted.zip.resolve()
