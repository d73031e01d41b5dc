"""A submission earns nothing by attacking the grader (tests/corpus/tampering.py).

Each attack is a submission whose functions are wrong, plus a correct file for the other graded
module (optimizers.py, or two_layer_sigmoid.py for attacks on the optimizers). Graded through
grade_submission, through `backprop check`'s engine (the public tests), through `backprop grade`
and through the Gradescope zip under `otter run`:

- every question the attack wants points for scores 0, and the honest file keeps full marks;
- the submission gets a status, and the grader process survives (it is neither killed nor
  stopped);
- nothing the attack wrote lands outside its sandbox (the marker folder, the grader's working
  directory, the temporary folder stay clean), even 3 s later;
- no process the attack started is left (each carries the attack's token in its command line
  or name);
- nothing it must not read shows up in its feedback or output (LEAK).

grade_submission runs twice per attack when the tests run as root: as run (the jail chroots and
takes a uid of its own) and without root (the audit hook and resource limits are the only fence,
as on an instructor's machine).

The grader runs in a process of its own, the leader of its own process group, below a shield
process in a session of its own: an attack that signals its parent, grandparent or their process
group never reaches pytest.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.grading.cases.assignment import build_questions
from autograder.grading.check import public_questions
from autograder.grading.gradescope.export import build_gradescope_zip, pack_submission
from autograder.paths import EXERCISES, ROOT, SOLUTIONS
from tests.corpus.tampering import (
    ATTACKS,
    LEAK,
    OPT,
    PACKED,
    SIG,
    TOPLEVEL,
    ZERO_OPTIMIZERS,
    Attack,
    render,
    toplevel_bundle,
)

DELAY = 3.0  # lingering attacks act 2 s after their call: look again this much later
GRADE_TIMEOUT = 180.0  # one submission; every attack is contained well within it
CLI_TIMEOUT = 600.0
OTTER_TIMEOUT = 300.0
STRAY_NAMES = ("results.json", "grades.csv")  # what the results forger writes to /tmp

# Between pytest and the grader: an attack that signals its ancestors stops here
SHIELD = (
    "import subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:], process_group=0)\n"
    "if code < 0:\n"
    "    print(f'killed by signal {-code}')\n"
    "sys.exit(code if code >= 0 else 128 - code)\n"
)

# grade_submission in a process of its own; writes what came back as JSON
GRADER = r"""
import json, sys
from pathlib import Path
from autograder.grading.runner import grade_submission

if sys.argv[3:] == ["check"]:  # what a student runs: the public tests only
    from autograder.grading.check import check_path

    result = check_path(Path(sys.argv[1]))
else:
    result = grade_submission(Path(sys.argv[1]))
questions = {
    q.id: {"score": q.score, "possible": q.possible, "feedback": q.feedback()}
    for q in result.questions
}
report = {"status": result.status, "events": result.events, "printed": result.printed,
          "questions": questions}
Path(sys.argv[2]).write_text(json.dumps(report))
"""


@pytest.fixture(scope="module")
def question_ids():
    return [q.id for q in build_questions()]


@pytest.fixture(scope="module")
def possible():
    return {q.id: q.points for q in build_questions()}


@pytest.fixture(scope="module")
def public_possible():
    return {q.id: q.points for q in public_questions()}


# ------------------------------------------------------------------ processes
@dataclass
class Run:
    returncode: int | None  # None: it had to be killed (stopped or timed out)
    stopped: bool
    timed_out: bool
    output: str
    seconds: float

    def trouble(self, what: str) -> list[str]:
        if self.stopped:
            return [f"{what} was stopped (SIGSTOP) and had to be killed"]
        if self.timed_out:
            return [f"{what} did not finish in time"]
        if self.returncode != 0:
            return [f"{what} died or failed: exit {self.returncode}; {self.output[-600:]}"]
        return []


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) for every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            table[int(entry)] = (int(fields[1]), fields[0])
    return table


def _descendants(root: int, table: dict[int, tuple[int, str]]) -> list[int]:
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _) in table.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _kill(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def with_checkout() -> dict[str, str]:
    """The environment, with this checkout importable from any working directory."""
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, PYTHONPATH=f"{ROOT}{os.pathsep}{path}" if path else str(ROOT))


def run_guarded(argv: list[str], cwd: Path, timeout: float, env=None) -> Run:
    """Run argv below a shield process in a session of its own, as the leader of a process
    group of its own (as a shell would start it); kill it all if it is stopped (an attack sent
    SIGSTOP) or runs out of time."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", SHIELD, *argv],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        stopped = timed_out = False
        while proc.poll() is None:
            table = _processes()
            grader = [pid for pid, (ppid, _) in table.items() if ppid == proc.pid]
            stopped = any(table[pid][1] in ("T", "t") for pid in grader)
            timed_out = time.monotonic() - started > timeout
            if stopped or timed_out:
                _kill(reversed([proc.pid, *_descendants(proc.pid, table)]))
                proc.wait()
                break
            time.sleep(0.1)
        log.seek(0)
        output = log.read().decode(errors="replace")
    code = None if stopped or timed_out else proc.returncode
    return Run(code, stopped, timed_out, output, time.monotonic() - started)


def survivors(tokens) -> list[str]:
    """Processes carrying one of the tokens (command line or name); killed on the way."""
    found = []
    for pid in _processes():
        try:
            text = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            text += " " + Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        if pid != os.getpid() and any(t in text for t in tokens):
            found.append(f"pid {pid}: {text[:120]!r}")
            _kill([pid])
    return found


def new_token() -> str:
    return "tp" + secrets.token_hex(5)  # 12 characters: fits a process name (15)


# ------------------------------------------------------------------ files
def write_submission(attack: Attack, folder: Path, marker: Path, token: str) -> str:
    """The attack's files and a correct copy of the other module; returns that module."""
    folder.mkdir(parents=True)
    for name, source in render(attack, str(marker), token).items():
        (folder / name).write_text(source)
    honest = SIG if f"{OPT}.py" in attack.files else OPT
    shutil.copy(SOLUTIONS / f"{honest}.py", folder / f"{honest}.py")
    return honest


def expand(faked: list[str], ids) -> list[str]:
    """Question ids; "module.*" stands for every question of the module."""
    out = []
    for item in faked:
        out += [i for i in ids if i.startswith(item[:-1])] if item.endswith(".*") else [item]
    return out


def leftovers(folder: Path) -> list[str]:
    """Whatever is in a folder that must stay empty (then emptied: a disk filler's files)."""
    found = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
    for entry in folder.iterdir():
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    if not found:
        return []
    return [f"{len(found)} file(s) appeared in {folder.name}/: {', '.join(found[:4])}"]


def strays(tokens) -> list[str]:
    """Results files an attack wrote to the temporary folder (it holds the sandboxes)."""
    found = []
    for name in STRAY_NAMES:
        path = Path(tempfile.gettempdir()) / name
        if not path.is_file():  # a FIFO would block the read
            continue
        try:
            text = path.read_text()
        except (OSError, UnicodeDecodeError):
            continue
        if any(t in text for t in tokens):
            found.append(f"wrote {path}")
            path.unlink()
    return found


def scores_problems(name, scores, faked, honest_ids, feedback=None) -> list[str]:
    problems = []
    for qid in faked:
        if qid not in scores:
            problems.append(f"{name}: no result for {qid}")
        elif scores[qid] != 0:
            note = (feedback or {}).get(qid, "")[:200]
            problems.append(f"{name}: earned {scores[qid]:g} on {qid} {note!r}")
    for qid, full in honest_ids.items():
        if scores.get(qid) != full:
            note = (feedback or {}).get(qid, "")[:300]
            problems.append(f"{name}: the honest {qid} got {scores.get(qid)} of {full} {note!r}")
    return problems


# ------------------------------------------------------------------ (a) grade_submission
def without_root() -> list[str]:
    """A command prefix that runs the grader without root, when these tests run as root: the
    jail then has no chroot and no uid of its own, only resource limits and its audit hook (as
    for an instructor running `backprop grade`, or CI as a normal user). An unprivileged user
    namespace makes the euid 65534; files and processes still belong to root underneath, so
    the limit on processes (RLIMIT_NPROC) does not bite there as it would for a real user."""
    if os.geteuid() != 0:
        pytest.skip("not root: the as-run case already grades without root")
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "--user", "true"]).returncode != 0:
        pytest.skip("no unprivileged user namespaces here")
    return [unshare, "--user"]


def prepare_attack(tmp_path: Path) -> tuple[Path, str]:
    """The marker folder an attack writes to, the grader's working folder, and a fresh token."""
    (tmp_path / "marker").mkdir()
    (tmp_path / "grader-cwd").mkdir()
    return tmp_path / "marker", new_token()


def judge_attack(attack, tmp_path, honest, token, mode, question_ids, possible, prefix=()):
    """Grade tmp_path/submission in a guarded process (mode: as-run or check) and list what
    went wrong: faked points, the honest module short of full marks, leaks, files left, strays
    and surviving processes."""
    marker, cwd, report = tmp_path / "marker", tmp_path / "grader-cwd", tmp_path / "report.json"
    run = run_guarded(
        [*prefix, sys.executable, "-c", GRADER, str(tmp_path / "submission"), str(report), mode],
        cwd,
        GRADE_TIMEOUT,
        with_checkout(),
    )
    if attack.lingers:
        time.sleep(DELAY)

    problems = run.trouble("the grader")
    if report.exists():
        result = json.loads(report.read_text())
        questions = result["questions"]
        scores = {qid: q["score"] for qid, q in questions.items()}
        feedback = {qid: q["feedback"] for qid, q in questions.items()}
        if sorted(scores) != sorted(question_ids):
            problems.append("not a result per question")
        if not (isinstance(result["status"], str) and result["status"].strip()):
            problems.append(f"no status: {result['status']!r}")
        full = {q: possible[q] for q in question_ids if q.startswith(honest + ".")}
        problems += scores_problems(attack.name, scores, attack.faked, full, feedback)
        seen = result["printed"] + "".join(feedback.values())
        if LEAK in seen:
            start = seen.index(LEAK)
            problems.append(f"read what it must not: {seen[start : start + 200]!r}")
    elif not problems:
        problems.append("the grader wrote no result")
    problems += leftovers(marker) + leftovers(cwd) + strays([token])
    problems += [f"left a process: {p}" for p in survivors([token])]
    return problems


@pytest.mark.parametrize("mode", ["as-run", "no-root", "check"])
@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_earns_nothing(attack, mode, tmp_path, question_ids, possible, public_possible):
    """grade_submission as run and without root, and `backprop check`'s engine (check_path,
    the public tests only)."""
    prefix = without_root() if mode == "no-root" else []
    if mode == "check":
        question_ids, possible = list(public_possible), public_possible
    marker, token = prepare_attack(tmp_path)
    honest = write_submission(attack, tmp_path / "submission", marker, token)
    problems = judge_attack(attack, tmp_path, honest, token, mode, question_ids, possible, prefix)
    assert not problems, f"{attack.name} ({attack.note}):\n" + "\n".join(problems)


# ------------------------------------------------------------------ (b) backprop grade
def _cli() -> list[str]:
    script = Path(sys.executable).with_name("backprop")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from autograder.cli import app; app()"]


def test_backprop_grade_cli_on_every_attack(tmp_path, question_ids, possible):
    subs, markers, out, cwd = (tmp_path / n for n in ("submissions", "markers", "out", "cwd"))
    cwd.mkdir()
    tokens, honest = {}, {}
    for attack in ATTACKS:
        (markers / attack.name).mkdir(parents=True)
        tokens[attack.name] = new_token()
        honest[attack.name] = write_submission(
            attack, subs / attack.name, markers / attack.name, tokens[attack.name]
        )

    argv = [*_cli(), "grade", str(subs), "--out", str(out)]
    run = run_guarded(argv, cwd, CLI_TIMEOUT, with_checkout())
    time.sleep(DELAY)

    problems = run.trouble("backprop grade")
    rows = {}
    if (out / "grades.csv").exists():
        with (out / "grades.csv").open() as handle:
            rows = {row["submission"]: row for row in csv.DictReader(handle)}
    elif not problems:
        problems.append("no grades.csv")
    for attack in ATTACKS if rows else []:
        row = rows.get(attack.name)
        if row is None:
            problems.append(f"{attack.name}: no row in grades.csv")
            continue
        scores = {q: float(row[q]) for q in question_ids}
        full = {q: possible[q] for q in question_ids if q.startswith(honest[attack.name] + ".")}
        problems += scores_problems(attack.name, scores, attack.faked, full)
        if not row["status"].strip():
            problems.append(f"{attack.name}: empty status")
        if not (out / f"{attack.name}.json").exists():
            problems.append(f"{attack.name}: no {attack.name}.json")
        problems += [f"{attack.name}: {p}" for p in leftovers(markers / attack.name)]
    problems += leftovers(cwd) + strays(tokens.values())
    problems += [f"left a process: {p}" for p in survivors(tokens.values())]
    assert not problems, f"backprop grade ({run.seconds:.0f} s):\n" + "\n".join(problems)


# ------------------------------------------------------------------ (c) Gradescope, otter run
@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    return build_gradescope_zip(build_questions(), tmp_path_factory.mktemp("gs") / "autograder.zip")


def run_otter(autograder: Path, submission: Path, tmp_path: Path) -> tuple[Run, dict, str]:
    """otter run on one submission zip: the run, scores by question id and the raw JSON."""
    out, cwd = tmp_path / "out", tmp_path / "otter-cwd"
    out.mkdir()
    cwd.mkdir()
    argv = [sys.executable, "-m", "otter", "run", "-a", str(autograder), "-o", str(out)]
    run = run_guarded([*argv, str(submission), "--no-logo"], cwd, OTTER_TIMEOUT)
    results = out / "results.json"
    if not results.exists():
        return run, {}, ""
    text = results.read_text()
    tests = json.loads(text).get("tests", [])
    return run, {t["name"]: t["score"] for t in tests if "score" in t}, text


def otter_problems(attacks, run, scores, text, question_ids) -> list[str]:
    problems = run.trouble("otter run")
    if not scores and not problems:
        problems.append(f"no results.json; otter said: {run.output[-600:]}")
    for attack in attacks if scores else []:
        problems += scores_problems(attack.name, scores, expand(attack.faked, question_ids), {})
    if LEAK in text:
        start = text.index(LEAK)
        problems.append(f"read what it must not: {text[start : start + 200]!r}")
    return problems


def test_otter_packed_stealing_attacks(autograder_zip, tmp_path, question_ids):
    """The solutions ship inside the autograder zip: search attacks, one per module, packed
    the way `backprop submit` packs."""
    folder, marker, token = tmp_path / "exercises", tmp_path / "marker", new_token()
    shutil.copytree(EXERCISES, folder)
    marker.mkdir()
    for attack in PACKED:
        for name, source in render(attack, str(marker), token).items():
            (folder / name).write_text(source)
    submission = tmp_path / "submission.zip"
    pack_submission(folder, submission)

    run, scores, text = run_otter(autograder_zip, submission, tmp_path)

    problems = otter_problems(PACKED, run, scores, text, question_ids)
    problems += leftovers(marker) + [f"left a process: {p}" for p in survivors([token])]
    assert not problems, "\n".join(problems)


def test_otter_toplevel_attacks(autograder_zip, tmp_path, question_ids):
    """Under otter the top-level .py of a submission is what otter executes: a submission.py
    that patches otter, our checker or numpy, rewrites the tests or the results, or swaps the
    exercise files; each attack fakes a module of its own (the exercises are stubs, and
    optimizers.py leaves every parameter at zero)."""
    marker, token = tmp_path / "marker", new_token()
    marker.mkdir()
    submission = tmp_path / "submission.zip"
    with zipfile.ZipFile(submission, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("submission.py", toplevel_bundle(TOPLEVEL, str(marker), token))
        for path in sorted(EXERCISES.glob("*.py")):
            if path.name != "__init__.py":
                source = path.read_text()
                if path.name == f"{OPT}.py":
                    source = "import numpy as np\n" + ZERO_OPTIMIZERS
                archive.writestr(f"exercises/{path.name}", source)

    run, scores, text = run_otter(autograder_zip, submission, tmp_path)
    time.sleep(DELAY)

    problems = otter_problems(TOPLEVEL, run, scores, text, question_ids)
    problems += leftovers(marker) + [f"left a process: {p}" for p in survivors([token])]
    assert not problems, "\n".join(problems)
