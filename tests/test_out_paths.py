"""Every command that writes: a bad --out is one line and exit code 2, never a traceback, and no
command deletes what it did not write (release into someone's folder, grade --out over an
earlier run). The rule (autograder/outpath.py): the output folder is made when its parent
exists; a missing parent is refused, named."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from autograder import paths
from autograder.cli import app
from autograder.grading import release as release_module
from autograder.paths import SOLUTIONS

runner = CliRunner()

# command -> (arguments before --out, the output is a file (.zip) rather than a folder)
COMMANDS = {
    "grade": (["grade", "{subs}"], False),
    "gradescope": (["gradescope"], True),
    "submit": (["submit", str(SOLUTIONS)], True),
    "release": (["release"], False),
    "plot-landscape": (["plot", "landscape", "--resolution", "10", "--steps", "3"], False),
    "plot-random-search": (["plot", "random-search", "--resolution", "10"], False),
    "plot-optimizers": (["plot", "optimizers", "--resolution", "10", "--steps", "3"], False),
    "plot-training": (["plot", "training", "univariate_regression", "--epochs", "2"], False),
    "notebooks": (["notebooks"], False),
    "stubs": (["stubs"], False),
    "sheet": (["sheet", "--seed", "1", "--count", "1"], False),
}


@pytest.fixture
def subs(tmp_path) -> Path:
    folder = tmp_path / "subs"
    (folder / "alice").mkdir(parents=True)
    shutil.copyfile(
        SOLUTIONS / "univariate_regression.py", folder / "alice" / "univariate_regression.py"
    )
    return folder


def invoke(command: str, out: Path, subs: Path):
    args, _ = COMMANDS[command]
    args = [a.replace("{subs}", str(subs)) for a in args]
    return runner.invoke(app, [*args, "--out", str(out)])


def one_line_exit_2(result, *words: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_file_in_the_way(command, tmp_path, subs):
    _, is_file = COMMANDS[command]
    if is_file:  # a .zip output: a folder of that name is in the way
        blocker = tmp_path / "taken.zip"
        blocker.mkdir()
        (blocker / "keep.txt").write_text("mine")
        one_line_exit_2(invoke(command, blocker, subs), "in the way")
        assert (blocker / "keep.txt").read_text() == "mine"
    else:
        blocker = tmp_path / "taken"
        blocker.write_text("mine")
        one_line_exit_2(invoke(command, blocker, subs), "in the way")
        assert blocker.read_text() == "mine"
    # a file where a parent folder should be
    parent_file = tmp_path / "plain.txt"
    parent_file.write_text("mine")
    target = parent_file / ("out.zip" if is_file else "out")
    one_line_exit_2(invoke(command, target, subs), "not a directory")
    assert parent_file.read_text() == "mine"


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_parent_is_refused_and_named(command, tmp_path, subs):
    _, is_file = COMMANDS[command]
    target = tmp_path / "no" / "such" / ("out.zip" if is_file else "out")
    one_line_exit_2(invoke(command, target, subs), "does not exist", str(tmp_path / "no" / "such"))
    assert not (tmp_path / "no").exists()  # no tree of folders made from a typo


@pytest.mark.parametrize("command", COMMANDS)
def test_no_permission(command, tmp_path, subs):
    _, is_file = COMMANDS[command]
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK) or _root_writes(locked):
            pytest.skip("running as a user who writes through permission bits (root)")
        target = locked / ("out.zip" if is_file else "out")
        one_line_exit_2(invoke(command, target, subs), "Permission denied")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_write_the_system_refuses(command, tmp_path, subs, monkeypatch):
    """Permission denied as the system says it (also for root, who ignores the mode bits)."""
    _, is_file = COMMANDS[command]

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_bytes", refuse)
    target = tmp_path / ("out.zip" if is_file else "out")
    one_line_exit_2(invoke(command, target, subs), "Permission denied")
    assert not target.exists()


def _root_writes(folder: Path) -> bool:
    probe = folder / "probe"
    try:
        probe.write_text("")
    except OSError:
        return False
    probe.unlink()
    return True


@pytest.mark.parametrize("command", ["submit", "gradescope"])
def test_zip_outputs_must_end_in_zip(command, tmp_path, subs):
    target = tmp_path / "upload.tar"
    one_line_exit_2(invoke(command, target, subs), ".zip")
    assert not target.exists()


# --------------------------------------------------------------------------- release


def _someone(folder: Path) -> dict[Path, str]:
    """A folder holding someone's files, some where the release writes."""
    files = {
        folder / "notes.txt": "my notes",
        folder / "README.md": "my readme",  # the release writes a README.md
        folder / "exercises" / "mine.py": "x = 1\n",
        folder / "deep" / "data.csv": "a,b\n",
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return files


def test_release_into_a_folder_holding_someones_files_refuses_and_keeps_them(tmp_path):
    folder = tmp_path / "course"
    files = _someone(folder)
    result = runner.invoke(app, ["release", "--out", str(folder)])
    one_line_exit_2(result, "not empty", "--force")
    assert {p: p.read_text() for p in files} == files
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "README.md",
        "deep/data.csv",
        "exercises/mine.py",
        "notes.txt",
    ]


def test_release_force_moves_files_aside_and_deletes_none(tmp_path):
    folder = tmp_path / "course"
    files = _someone(folder)
    done = runner.invoke(app, ["release", "--out", str(folder), "--force"])
    assert done.exit_code == 0, done.output
    # the file in the release's way is kept aside; the others stay where they were
    assert (folder / "README.md.before-release").read_text() == "my readme"
    for path, text in files.items():
        if path.name != "README.md":
            assert path.read_text() == text
    assert (folder / "exercises" / "two_layer_sigmoid.py").is_file()
    manifest = json.loads((folder / release_module.MANIFEST).read_text())["files"]
    assert "exercises/two_layer_sigmoid.py" in manifest and "notes.txt" not in manifest


def test_release_over_a_previous_release_replaces_only_its_files(tmp_path):
    folder = tmp_path / "release"
    first = runner.invoke(app, ["release", "--out", str(folder)])
    assert first.exit_code == 0, first.output
    manifest = json.loads((folder / release_module.MANIFEST).read_text())["files"]
    # someone adds a file, edits one of the release's, and leaves a release file stale
    (folder / "grading-notes.txt").write_text("keep me")
    edited = folder / "exercises" / "optimizers.py"
    edited.write_text(edited.read_text() + "\n# my edit\n")
    stale = folder / "exercises" / "old_exercise.py"
    stale.write_text("old")
    manifest["exercises/old_exercise.py"] = release_module._digest(stale)
    (folder / release_module.MANIFEST).write_text(json.dumps({"files": manifest}))

    again = runner.invoke(app, ["release", "--out", str(folder)])
    assert again.exit_code == 0, again.output
    assert (folder / "grading-notes.txt").read_text() == "keep me"
    assert "# my edit" in (folder / "exercises" / "optimizers.py.before-release").read_text()
    assert "# my edit" not in edited.read_text()
    assert not stale.exists()  # written by the previous release, unchanged: replaced


# What a release writes at its top level: the refused folders must show none of it changed
# (other tests, running in parallel, may make files beside a checkout that sits in /tmp).
RELEASE_TOP = (
    ".backprop-release.json",
    "README.md",
    "pyproject.toml",
    "exercises",
    "autograder",
    "notebooks",
    "tests",
)


def _release_top(target: Path) -> dict[str, tuple]:
    return {
        name: (path.stat().st_mtime_ns, path.read_bytes() if path.is_file() else None)
        for name in RELEASE_TOP
        if (path := target / name).exists()
    }


def test_a_forged_manifest_deletes_nothing_outside_the_release(tmp_path):
    """The manifest is a file anyone could write: paths in it that leave the folder (absolute,
    .., or through a link) are never removed, even with the right digest."""
    outside = tmp_path / "precious"
    outside.mkdir()
    keep = outside / "thesis.txt"
    keep.write_text("years of work")
    folder = tmp_path / "rel"
    assert runner.invoke(app, ["release", "--out", str(folder)]).exit_code == 0
    (folder / "link").symlink_to(outside)
    digest = release_module._digest(keep)
    forged = {str(keep): digest, "../precious/thesis.txt": digest, "link/thesis.txt": digest}
    manifest = json.loads((folder / release_module.MANIFEST).read_text())
    manifest["files"].update(forged)
    (folder / release_module.MANIFEST).write_text(json.dumps(manifest))
    done = runner.invoke(app, ["release", "--out", str(folder), "--force"])
    assert done.exit_code == 0, done.output
    assert keep.read_text() == "years of work"


def test_release_refuses_the_checkout_and_its_parents(tmp_path):
    for target in (paths.ROOT, paths.ROOT.parent):
        before = _release_top(target)
        one_line_exit_2(runner.invoke(app, ["release", "--out", str(target)]), "checkout")
        assert _release_top(target) == before
        assert not any(p.name.endswith(".before-release") for p in target.iterdir())


# --------------------------------------------------------------------------- grade --out


def test_grade_out_sets_earlier_results_aside_and_keeps_other_files(tmp_path, subs):
    out = tmp_path / "results"
    out.mkdir()
    earlier = {"score": 1.0, "output": "status: ok", "tests": []}
    (out / "bob.json").write_text(json.dumps(earlier))  # a submission not in this run
    (out / "config.json").write_text('{"mine": true}')  # not a results file
    (out / "report.html").write_text("<html>report</html>")
    (out / "alice.json").mkdir()  # in the way of a file grade writes
    done = runner.invoke(app, ["grade", str(subs), "--out", str(out)])
    assert done.exit_code == 0, done.output
    moved = list((out / "earlier").glob("*/bob.json"))
    assert len(moved) == 1 and json.loads(moved[0].read_text()) == earlier
    assert "earlier run" in done.output and str(moved[0].parent) in done.output
    assert (out / "config.json").read_text() == '{"mine": true}'
    assert (out / "report.html").read_text() == "<html>report</html>"
    assert (out / "alice.json.before-grade").is_dir()
    assert json.loads((out / "alice.json").read_text())["score"] > 0


def test_grade_out_inside_the_submissions_folder_is_refused(subs):
    one_line_exit_2(
        runner.invoke(app, ["grade", str(subs), "--out", str(subs / "results")]),
        "inside the submissions folder",
    )
    assert not (subs / "results").exists()


def test_release_and_grade_never_write_through_a_link(tmp_path, subs):
    """A link where a command writes is kept aside, and what it points to is untouched."""
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not yours")
    folder = tmp_path / "release"
    assert runner.invoke(app, ["release", "--out", str(folder)]).exit_code == 0
    readme = folder / "README.md"
    readme.unlink()
    readme.symlink_to(elsewhere)
    assert runner.invoke(app, ["release", "--out", str(folder)]).exit_code == 0
    assert elsewhere.read_text() == "not yours"
    assert (folder / "README.md.before-release").is_symlink() and not readme.is_symlink()

    out = tmp_path / "results"
    out.mkdir()
    (out / "alice.json").symlink_to(elsewhere)
    assert runner.invoke(app, ["grade", str(subs), "--out", str(out)]).exit_code == 0
    assert elsewhere.read_text() == "not yours"
    assert (out / "alice.json.before-grade").is_symlink()
    assert json.loads((out / "alice.json").read_text())["score"] > 0
