"""The Gradescope zip, run locally with `otter run`, scores what `backprop grade` scores."""

import json
import subprocess
import sys
import zipfile

import pytest

from autograder.grading.cases.assignment import build_questions
from autograder.grading.gradescope.bridge import SUPPORT
from autograder.grading.gradescope.export import PLUGIN, build_gradescope_zip, pack_submission
from autograder.grading.gradescope.plugin import NOTICE, sanitize
from autograder.grading.runner import grade_submission
from autograder.paths import EXERCISES, SOLUTIONS
from tests.test_grading import _buggy


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    return build_gradescope_zip(build_questions(), tmp_path_factory.mktemp("gs") / "autograder.zip")


@pytest.mark.parametrize("which", ["solutions", "stubs", "buggy"])
def test_otter_run_matches_backprop_grade(which, autograder_zip, tmp_path):
    folder = {
        "solutions": lambda: SOLUTIONS,
        "stubs": lambda: EXERCISES,
        "buggy": lambda: _buggy(tmp_path / "bug"),
    }[which]()
    submission = tmp_path / "submission.zip"
    pack_submission(folder, submission)
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "otter",
            "run",
            "-a",
            str(autograder_zip),
            "-o",
            str(out),
            str(submission),
            "--no-logo",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    otter = {
        t["name"]: t["score"]
        for t in json.loads((out / "results.json").read_text())["tests"]
        if "score" in t
    }
    ours = {q.id: q.score for q in grade_submission(submission).questions}
    assert otter == pytest.approx(ours)
    total = sum(ours.values())
    if which == "solutions":
        assert total == sum(q.points for q in build_questions())
    if which == "stubs":
        assert total == 0
    if which == "buggy":
        assert 0 < total < sum(q.points for q in build_questions())


def test_gradescope_imports_the_plugin_from_the_zip(autograder_zip, tmp_path):
    """Gradescope runs `python /autograder/source/run_otter.py`: the zip's top level is on the
    path, and the plugin named in otter_config.json must import from there."""
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(tmp_path)
        config = json.loads(archive.read("otter_config.json"))
    assert config["plugins"] == [PLUGIN]
    module, _, cls = PLUGIN.rpartition(".")
    code = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import importlib; "
        f"m = importlib.import_module({module!r}); getattr(m, {cls!r}); print(m.__file__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(str(tmp_path))


def test_sanitize_leaves_only_exercise_files_tests_and_a_fresh_support_package(tmp_path):
    support = tmp_path / "source" / "files" / SUPPORT
    (support / "autograder").mkdir(parents=True)
    (support / "autograder" / "__init__.py").write_text("# ours\n")
    folder = tmp_path / "submission"
    (folder / "deep" / "er").mkdir(parents=True)
    (folder / "deep" / "er" / "optimizers.py").write_text("# student\n")
    (folder / "numpy.py").write_text("raise SystemExit('shadowed numpy')\n")  # the script
    (folder / "otter").mkdir()
    (folder / "otter" / "__init__.py").write_text("raise SystemExit('shadowed otter')\n")
    (folder / SUPPORT / "autograder").mkdir(parents=True)
    (folder / SUPPORT / "autograder" / "__init__.py").write_text("# theirs\n")
    (folder / "tests").mkdir()
    (folder / "tests" / "q.py").write_text("# otter's copy of our tests\n")

    kept = sanitize(folder, support)

    assert kept == ["optimizers.py"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["exercises", "numpy.py", "tests", SUPPORT]
    )
    assert (folder / "exercises" / "optimizers.py").read_text() == "# student\n"
    assert (folder / "numpy.py").read_text() == NOTICE  # otter reads it; it never runs
    assert (folder / SUPPORT / "autograder" / "__init__.py").read_text() == "# ours\n"
    assert (folder / "tests" / "q.py").exists()
