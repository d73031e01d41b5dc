"""The grading harness end to end: check, grade, submit, release, notebooks' check_here."""

import copy
import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib import import_module
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from autograder.cli import app
from autograder.grading.cases.assignment import build_questions
from autograder.grading.runner import grade_submission
from autograder.grading.sandbox import parent as sandbox
from autograder.grading.sandbox import plain
from autograder.paths import EXERCISES, SOLUTIONS
from tests.conftest import cache_env
from tests.secrets import all_solution_lines

runner = CliRunner()


@pytest.fixture(scope="module")
def questions():
    return build_questions()


def _copy(folder: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    for path in folder.glob("*.py"):
        if path.name != "__init__.py":
            shutil.copyfile(path, target / path.name)
    return target


def _buggy(target: Path) -> Path:
    """The solutions with the sigmoid derivative left out of two_layer_sigmoid.backward."""
    _copy(SOLUTIONS, target)
    path = target / "two_layer_sigmoid.py"
    text = path.read_text()
    assert text.count("dZ = dA * A * (1 - A)") == 1
    path.write_text(text.replace("dZ = dA * A * (1 - A)", "dZ = dA"))
    return target


def test_solutions_score_full_marks_and_stubs_zero(questions):
    solved = grade_submission(SOLUTIONS, questions)
    assert solved.total == solved.possible > 0 and solved.status == "ok"
    stubs = grade_submission(EXERCISES, questions)
    assert stubs.total == 0 and stubs.possible == solved.possible
    assert "unimplemented" in stubs.status


def test_buggy_submission_loses_points_only_where_it_breaks(tmp_path, questions):
    result = grade_submission(_buggy(tmp_path / "bug"), questions)
    lost = {q.id for q in result.questions if q.score < q.possible}
    assert lost == {"two_layer_sigmoid.backward"}
    feedback = next(q for q in result.questions if q.id in lost).feedback()
    assert "sigmoid derivative" in feedback
    assert "hidden: dL/dw2" in feedback and "[pass] hidden: dL/dw2" in feedback  # partial credit


def test_check_command_exit_codes_and_table(tmp_path):
    solved = runner.invoke(app, ["check", str(SOLUTIONS)])
    assert solved.exit_code == 0, solved.output
    assert "two_layer_sigmoid.backward" in solved.output
    stubs = runner.invoke(app, ["check", str(EXERCISES)])
    assert stubs.exit_code == 1
    assert "optimizers.Adam" in stubs.output and "not implemented yet" in stubs.output
    missing = runner.invoke(app, ["check", "/no/such/folder"])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    (tmp_path / "notes.txt").write_text("not a submission")
    a_file = runner.invoke(app, ["check", str(tmp_path / "notes.txt")])
    assert a_file.exit_code == 2 and len(a_file.output.strip().splitlines()) == 1, a_file.output


def test_grade_writes_a_row_and_a_json_per_submission(tmp_path):
    subs = tmp_path / "subs"
    _copy(SOLUTIONS, subs / "alice")
    _copy(EXERCISES, subs / "bob")
    _buggy(subs / "carol")
    with zipfile.ZipFile(subs / "dave.zip", "w") as archive:  # a zip with a nested folder
        archive.write(SOLUTIONS / "optimizers.py", "work/optimizers.py")
    (subs / "erin.zip").write_bytes(b"not a zip")
    out = tmp_path / "out"
    done = runner.invoke(app, ["grade", str(subs), "--out", str(out)])
    assert done.exit_code == 0, done.output
    rows = {r["submission"]: r for r in csv.DictReader((out / "grades.csv").open())}
    assert set(rows) == {"alice", "bob", "carol", "dave", "erin"}
    assert float(rows["alice"]["percent"]) == 100.0 and rows["alice"]["status"] == "ok"
    assert float(rows["bob"]["total"]) == 0
    assert 0 < float(rows["carol"]["percent"]) < 100
    assert float(rows["dave"]["optimizers.Adam"]) == 2 and "missing files" in rows["dave"]["status"]
    assert "unreadable" in rows["erin"]["status"]
    report = json.loads((out / "carol.json").read_text())
    tests = {t["name"]: t for t in report["tests"]}
    assert (
        tests["two_layer_sigmoid.backward"]["score"]
        < tests["two_layer_sigmoid.backward"]["max_score"]
    )
    assert report["score"] == float(rows["carol"]["total"])


def test_submit_packs_one_top_level_py_and_the_exercises(tmp_path):
    out = tmp_path / "submission.zip"
    done = runner.invoke(app, ["submit", str(SOLUTIONS), "--out", str(out)])
    assert done.exit_code == 0, done.output
    names = zipfile.ZipFile(out).namelist()
    assert [n for n in names if "/" not in n] == ["submission.py"]
    assert "exercises/two_layer_sigmoid.py" in names and "exercises/__init__.py" not in names
    result = grade_submission(out)
    assert result.total == result.possible


def test_release_holds_no_solution_and_no_hidden_test(tmp_path):
    out = tmp_path / "release"
    done = runner.invoke(app, ["release", "--out", str(out)])
    assert done.exit_code == 0, done.output
    files = [p for p in out.rglob("*") if p.is_file()]
    assert not (out / "autograder" / "grading" / "hidden").exists()
    assert not any(p.name == "reference.py" for p in files)
    assert not (out / "solutions").exists()
    secrets = all_solution_lines()
    assert len(secrets) > 20
    for path in files:
        text = path.read_text(errors="ignore")
        leaked = [s for s in secrets if s in text]
        assert not leaked, (path, leaked[:3])
        assert "hidden:" not in text or path.suffix != ".py" or "tests" not in path.parts, path
    # the release works on its own: its check command runs the public tests on the stubs
    code = "import sys; sys.argv = ['backprop', 'check']; from autograder.cli import app; app()"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=out,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(out), **cache_env()},
    )
    assert done.returncode == 1, done.stderr
    assert "not implemented yet" in done.stdout and "Traceback" not in done.stderr


def test_check_here_runs_public_tests_on_a_namespace(capsys):
    from autograder.grading.check import check_here

    solved = check_here(
        "two_layer_sigmoid.backward", vars(import_module("solutions.two_layer_sigmoid"))
    )
    assert solved.passed
    stub = check_here(
        "two_layer_sigmoid.backward", vars(import_module("exercises.two_layer_sigmoid"))
    )
    assert not stub.passed
    assert "not implemented yet" in capsys.readouterr().out
    assert check_here("no.such", {}) is None


class Sneaky(np.ndarray):
    def __eq__(self, other):
        return True


def test_plain_data_never_carries_objects():
    encoded = plain.encode({"a": np.arange(3.0).view(Sneaky), "b": object(), "c": [1.5, None]})
    decoded = plain.decode(encoded)
    assert type(decoded["a"]) is np.ndarray and decoded["a"].tolist() == [0.0, 1.0, 2.0]
    assert isinstance(decoded["b"], plain.Foreign) and decoded["c"] == [1.5, None]
    with pytest.raises(ValueError):
        plain.decode({"__nd__": ["object", [1], "", False]})
    with pytest.raises(ValueError):
        plain.decode({"__pickle__": "gASVCAAAAAAAAACMBHRlc3SULg=="})


@pytest.mark.parametrize("chroot", [True, False])
def test_the_jail_in_effect_is_reported(chroot, monkeypatch, tmp_path):
    """Root gets the chroot and a uid of its own; without (or with CHROOT off) the audit hook
    alone, and the result says which, for the instructor."""
    monkeypatch.setattr(sandbox, "CHROOT", chroot)
    shutil.copy(SOLUTIONS / "optimizers.py", tmp_path / "optimizers.py")
    questions = [q for q in build_questions() if q.module == "optimizers"]
    result = grade_submission(tmp_path, questions)
    assert result.total == result.possible
    if chroot and os.geteuid() == 0:
        assert result.jail == "chroot + own uid + audit hook"
    else:
        assert result.jail.startswith("audit hook")


def test_check_table_has_a_status_per_question_and_warns_on_feedback_only_failures(tmp_path):
    """A backward that disagrees with the student's own loss keeps its points (the gradient
    check is feedback only) but reads WARNING, not as a pass, and check exits 1."""
    folder = _copy(SOLUTIONS, tmp_path / "warn")
    path = folder / "two_layer_sigmoid.py"
    text = path.read_text()
    old = "return float(np.sum((yhat - y) ** 2) / m)"
    assert text.count(old) == 1
    path.write_text(text.replace(old, "return float(2 * np.sum((yhat - y) ** 2) / m)"))
    done = runner.invoke(app, ["check", str(folder)], terminal_width=200)
    assert done.exit_code == 1, done.output
    rows = {
        cells[0]: cells[1]
        for line in done.output.splitlines()
        if len(cells := [c.strip() for c in line.strip("│┃ ").split("│")]) >= 3
    }
    assert rows["two_layer_sigmoid.backward"] == "WARNING", done.output
    assert rows["two_layer_sigmoid.forward"] == "PASS"
    solved = runner.invoke(app, ["check", str(SOLUTIONS)], terminal_width=200)
    assert solved.exit_code == 0 and "WARNING" not in solved.output and "FAIL" not in solved.output
    stubs = runner.invoke(app, ["check", str(EXERCISES)], terminal_width=200)
    assert stubs.exit_code == 1 and "FAIL" in stubs.output


def _same_pairs():
    """(grader's input, the copy after the student's call) pairs: unchanged copies, and every
    way a copy can change or keep its plain value."""
    rng = np.random.default_rng(0)
    params = {"W1": rng.normal(size=(3, 4)), "b1": np.zeros((3, 1)), "w": 1.5}
    X = rng.normal(size=(4, 5))
    items = [1, 2.0, "x", None, True]
    untouched = [params, X, items, np.float64(2.0), -0.0, float("nan")]
    pairs = [(a, copy.deepcopy(a)) for a in untouched]
    pairs += [
        (params, dict(params, W1=params["W1"].T.copy())),  # transposed in place of the input
        (params, dict(params, b1=params["b1"].astype(np.float32))),  # another dtype
        (params, dict(reversed(list(params.items())))),  # the keys in another order
        (X, X[:, ::-1].copy()),  # changed values
        (X, np.asfortranarray(X)),  # the same values in another memory order: unchanged
        (X, X.tolist()),  # a list in place of the array
        (X, np.ma.masked_array(X)),  # a subclass holding the same values
        (items, [1, 2, "x", None, True]),  # 2.0 became 2
        (items, [1, 2.0, "x", None, 1]),  # True became 1
        (items, tuple(items)),  # a tuple encodes as the list it holds
        (-0.0, 0.0),
        (float("nan"), float("nan")),
        (np.float64(2.0), np.float32(2.0)),
        (np.float64(2.0), 2.0),
        (1, True),
    ]
    return pairs


@pytest.mark.parametrize("given, after", _same_pairs())
def test_the_input_change_check_agrees_with_plain_encoding(given, after):
    """The child's check that a function left its inputs alone compares directly; it must say
    what comparing the two plain encodings (the rule before) says."""
    from autograder.grading.sandbox.child import _same

    assert _same(given, after) == (plain.dumps(given) == plain.dumps(after))


def test_norms_are_np_linalg_norms_bit_for_bit():
    from autograder.grading.cases.compare import _norm

    rng = np.random.default_rng(1)
    for shape in [(), (3,), (4, 5), (5, 4), (3, 1)]:
        for _ in range(300):
            a = rng.normal(size=shape) * 10.0 ** rng.integers(-8, 8)
            if a.ndim == 2 and rng.random() < 0.5:
                a = a.T
            if a.ndim == 2 and rng.random() < 0.3:
                a = a[:, ::-1]
            assert _norm(np.asarray(a, float)) == float(np.linalg.norm(a))
