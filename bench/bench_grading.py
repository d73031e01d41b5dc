"""Grading throughput: `backprop grade` against `otter run` on the same submissions.

Generates 200 submissions (correct, buggy, crashing, one that never returns), grades them all
with the engine behind `backprop grade`, runs `otter run` with the Gradescope zip on a sample
of the same submissions, and times `backprop check`. Prints medians side by side.

    .venv/bin/python bench/bench_grading.py [--count 200] [--otter-sample 8]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.grading.batch import grade_all
from autograder.grading.cases.assignment import build_questions
from autograder.grading.gradescope.export import build_gradescope_zip, pack_submission
from autograder.grading.sandbox import parent as sandbox
from autograder.paths import EXERCISES, SOLUTIONS

BUGS = [
    ("two_layer_sigmoid.py", "dZ = dA * A * (1 - A)", "dZ = dA"),
    (
        "multivariate_regression.py",
        'dyhat = (2 / m) * (cache["yhat"] - y)',
        'dyhat = cache["yhat"] - y',
    ),
    ("optimizers.py", "self.t += 1\n", "\n"),
    ("logistic_regression.py", "p = np.clip(yhat, EPS, 1 - EPS)", "p = yhat"),
]
CRASH = (
    "two_layer_linear.py",
    "    m = y.shape[1]\n    dyhat",
    "    raise RuntimeError('boom')\n    dyhat",
)
HANG = ("optimizers.py", "    losses = []\n", "    while True:\n        pass\n")


def make_submission(folder: Path, edit=None, source: Path = SOLUTIONS) -> Path:
    folder.mkdir(parents=True)
    for path in source.glob("*.py"):
        if path.name != "__init__.py":
            shutil.copyfile(path, folder / path.name)
    if edit:
        name, old, new = edit
        text = (folder / name).read_text()
        assert old in text, (name, old)
        (folder / name).write_text(text.replace(old, new, 1))
    return folder


def generate(root: Path, count: int) -> list[Path]:
    subs = [make_submission(root / "s000-hang", HANG)]
    for i in range(1, count):
        kind = i % 10
        name = root / f"s{i:03d}"
        if kind < 5:
            subs.append(make_submission(name))
        elif kind < 8:
            subs.append(make_submission(name, BUGS[i % len(BUGS)]))
        elif kind == 8:
            subs.append(make_submission(name, CRASH))
        else:
            subs.append(make_submission(name, source=EXERCISES))
    return subs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--otter-sample", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        subs = generate(root / "subs", args.count)
        build_questions()  # warm the reference computations, as a grading run does once

        per_submission: dict[str, float] = {}
        started = time.perf_counter()

        def done(result):
            per_submission[result.name] = time.perf_counter()

        # per-submission wall time is measured by grading one at a time on a sample below;
        # throughput is measured on the whole batch in parallel
        results = grade_all(subs, on_done=done)
        batch_seconds = time.perf_counter() - started
        statuses = {}
        for r in results:
            statuses[r.status] = statuses.get(r.status, 0) + 1

        sample = subs[1 : 1 + args.otter_sample]
        ours = []
        for path in sample:
            t = time.perf_counter()
            grade_all([path], jobs=1)
            ours.append(time.perf_counter() - t)

        ag = build_gradescope_zip(build_questions(), root / "autograder.zip")
        otter = []
        for path in sample:
            z = root / f"{path.name}.zip"
            pack_submission(path, z)
            out = root / f"out-{path.name}"
            out.mkdir()
            t = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "otter",
                    "run",
                    "-a",
                    str(ag),
                    "-o",
                    str(out),
                    str(z),
                    "--no-logo",
                ],
                check=True,
                capture_output=True,
            )
            otter.append(time.perf_counter() - t)

        # the cost of the jail: the same correct submissions, chroot + own uid + audit hook
        # against the audit hook alone (what a grader without root gets), one at a time
        jail = {}
        for chroot in (True, False, True, False):
            sandbox.CHROOT = chroot
            for path in subs[1:41:2]:
                t = time.perf_counter()
                grade_all([path], jobs=1)
                jail.setdefault(chroot, []).append(time.perf_counter() - t)
        sandbox.CHROOT = True

        check = []
        for _ in range(5):
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "autograder.cli", "check", str(EXERCISES)],
                capture_output=True,
            )
            check.append(time.perf_counter() - t)

    med_ours, med_otter = statistics.median(ours), statistics.median(otter)
    print(f"submissions graded:            {len(results)} ({statuses})")
    print(
        f"backprop grade batch:          {batch_seconds:.1f} s, "
        f"{len(results) / batch_seconds:.1f} submissions/s on all cores"
    )
    print(
        f"median per submission (n={len(sample)}): backprop {med_ours:.2f} s | "
        f"otter run {med_otter:.2f} s | speed-up x{med_otter / med_ours:.0f}"
    )
    jailed, hooked = statistics.median(jail[True]), statistics.median(jail[False])
    print(
        f"jail cost (n={len(jail[True])}): chroot + uid + hook {jailed:.3f} s"
        f" | hook only {hooked:.3f} s per submission"
    )
    print(f"backprop check (stubs), median of 5: {statistics.median(check):.2f} s")


if __name__ == "__main__":
    main()
