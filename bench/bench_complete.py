"""Speed on COMPLETE submissions: the seven code files of solutions/ plus solutions/derivations.py
as the answers (issue 14), side by side with `otter run`, in one run, medians.

Rows (each the `backprop` CLI in a fresh process, as a student or instructor runs it):
- grade:   `backprop grade` on N complete submissions (default 40), median of R runs: s, /s
- check:   `backprop check` on one complete submission, one warm-up then median of 5
- stubs:   `backprop check` on exercises/ (the stubs: nothing answered), same
- cold:    `backprop check` on a complete submission with an empty reference cache (the first
           run on an installation: SymPy derives the scalar references once)
- answer:  checking one typed answer (check_answer in-process, every question's right answer
           and a wrong one, the question prepared and checked once): median and worst; the
           worst first check (one-time imports included); and `backprop answer`
- memory:  peak resident memory of `backprop grade` on 200 complete submissions (the grader
           process; each child is capped at 2 GiB of address space on its own)
- otter:   `otter run` with the Gradescope zip on the same complete submission
Wall and CPU (user + system, of the process and everything it started) are both printed: the
machine may be shared, and CPU time says what the work costs whatever else runs.

    .venv/bin/python bench/bench_complete.py [--count 40] [--runs 3] [--baseline DIR]
        [--baseline-path DIR2]

--baseline DIR runs the same CLI rows on another source tree (e.g. `git worktree add DIR main`),
interleaved with this one's, so a before/after comparison shares the machine's load.
--baseline-path DIR2 puts DIR2 first on the baseline's import path: packages as the baseline
pinned them (`pip install --target DIR2 --no-deps typer==0.29.3`, say), the rest shared.
"""

from __future__ import annotations

import argparse
import importlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"


def complete(folder: Path) -> Path:
    """A complete submission: the eight exercise files of the reference solutions."""
    folder.mkdir(parents=True)
    for path in SOLUTIONS.glob("*.py"):
        if path.name != "__init__.py":
            shutil.copyfile(path, folder / path.name)
    return folder


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd: list[str], env: dict, cwd: Path | None = None) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the process and what it started) and stdout of a command."""
    cpu, wall = _children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - wall, _children_cpu() - cpu, done.stdout


def peak_rss_mb(cmd: list[str], env: dict) -> float:
    """Peak resident memory of the largest process of a command (through a fresh wrapper, so
    that no earlier child counts)."""
    wrapper = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], env=env, capture_output=True)
    return int(out.stdout.decode().split()[-1]) / 1024


class Tree:
    """A source tree to measure: this one, or a baseline given with --baseline."""

    def __init__(self, name: str, source: Path, cache: Path, first: Path | None = None):
        self.name, self.source = name, source
        path = os.pathsep.join(str(p) for p in (first, source) if p)
        self.env = dict(os.environ, BACKPROP_CACHE=str(cache), PYTHONPATH=path)
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode cached
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(source / "autograder")],
            capture_output=True,
        )

    def cli(self, *args: str) -> list[str]:
        # -P: no current folder on sys.path, so PYTHONPATH decides which tree is imported
        # the `backprop` script's entry point: autograder.launch:run, else cli.run or cli.app
        # in a tree from before they existed (looked for as a file of the tree: an editable
        # install's finder would serve this checkout's launch.py to an older tree)
        entry = (
            "import pathlib, autograder\n"
            "if (pathlib.Path(autograder.__file__).parent / 'launch.py').exists():\n"
            "    from autograder.launch import run\n"
            "else:\n"
            "    import autograder.cli as cli\n"
            "    run = getattr(cli, 'run', cli.app)\n"
            "run()\n"
        )
        return [sys.executable, "-P", "-c", entry, *args]


def median_runs(measure, count: int) -> tuple[float, float]:
    walls, cpus = zip(*(measure() for _ in range(count)), strict=True)
    return statistics.median(walls), statistics.median(cpus)


def answer_times(env: dict) -> tuple[float, float, int, float]:
    """check_answer on every question's right answer and on a wrong one, in a fresh process,
    each question prepared (as in a grading run) and checked once before (its one-time
    imports: SymPy for a scalar answer's echo): median and worst seconds of the timed checks,
    and the worst first check of a question."""
    code = (
        "import statistics, sys, time, importlib\n"
        "from autograder.derivations import QUESTIONS, check_answer\n"
        "from autograder.derivations.check import _prepare\n"
        "solved = importlib.import_module('solutions.derivations')\n"
        "times, firsts = [], []\n"
        "for q in QUESTIONS.values():\n"
        "    _prepare(q)\n"
        "    texts = (getattr(solved, q.id), '2*' + q.target + ' + 1')\n"
        "    for text in texts:\n"
        "        t = time.perf_counter(); check_answer(q.id, text)\n"
        "        firsts.append(time.perf_counter() - t)\n"
        "    for text in texts:\n"
        "        t = time.perf_counter(); check_answer(q.id, text)\n"
        "        times.append(time.perf_counter() - t)\n"
        "print(statistics.median(times), max(times), len(times), max(firsts))\n"
    )
    cmd = [sys.executable, "-P", "-c", code]  # env: the tree's path and warm reference cache
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    median, worst, count, first = out.stdout.split()
    return float(median), float(worst), int(count), float(first)


def otter_times(root: Path, submission: Path, runs: int) -> tuple[float, float]:
    from autograder.grading.cases.assignment import build_questions
    from autograder.grading.gradescope.export import build_gradescope_zip, pack_submission

    zipped = build_gradescope_zip(build_questions(), root / "autograder.zip")
    packed = root / "submission.zip"
    pack_submission(submission, packed)

    def once():
        out = Path(tempfile.mkdtemp(dir=root))
        cmd = [sys.executable, "-m", "otter", "run", "-a", str(zipped), "-o", str(out)]
        return run([*cmd, str(packed), "--no-logo"], dict(os.environ))[:2]

    return median_runs(once, runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=40, help="submissions per grade run")
    parser.add_argument("--runs", type=int, default=3, help="grade runs (median)")
    parser.add_argument("--memory-count", type=int, default=200)
    parser.add_argument("--otter-runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another source tree, e.g. main")
    parser.add_argument("--baseline-path", type=Path, help="packages first for the baseline")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    importlib.invalidate_caches()
    rows: dict[str, dict[str, str]] = {}

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        one = complete(root / "one" / "student")
        batch = [complete(root / "batch" / f"s{i:03d}") for i in range(args.count)]
        big = [complete(root / "big" / f"s{i:03d}") for i in range(args.memory_count)]
        del batch, big
        trees = [Tree("this", ROOT, root / "cache-this")]
        if args.baseline:
            first = args.baseline_path.resolve() if args.baseline_path else None
            trees.append(Tree("baseline", args.baseline.resolve(), root / "cache-base", first))

        def put(row: str, tree: Tree, text: str) -> None:
            rows.setdefault(row, {})[tree.name] = text

        for tree in trees:  # the first check of an installation: the reference cache is empty
            cold = root / f"cold-{tree.name}"
            env = dict(tree.env, BACKPROP_CACHE=str(cold))
            wall, cpu, _ = run(tree.cli("check", str(one)), env)
            put("check, complete, cold cache (first run)", tree, f"{wall:.2f} s ({cpu:.2f} CPU)")
        for tree in trees:  # warm-up: caches filled, bytecode written
            run(tree.cli("check", str(one)), tree.env)
            run(tree.cli("check", str(EXERCISES)), tree.env)

        for label, target in (("check, complete", one), ("check, stubs", EXERCISES)):
            samples = {tree.name: [] for tree in trees}
            for _ in range(5):  # interleaved: both trees see the same load
                for tree in trees:
                    samples[tree.name].append(run(tree.cli("check", str(target)), tree.env)[:2])
            for tree in trees:
                walls, cpus = zip(*samples[tree.name], strict=True)
                wall, cpu = statistics.median(walls), statistics.median(cpus)
                put(f"{label} (median of 5)", tree, f"{wall:.2f} s ({cpu:.2f} CPU)")

        samples = {tree.name: [] for tree in trees}
        for i in range(args.runs):
            for tree in trees:
                out = root / f"out-{tree.name}-{i}"
                cmd = tree.cli("grade", str(root / "batch"), "--out", str(out))
                samples[tree.name].append(run(cmd, tree.env)[:2])
        for tree in trees:
            walls, cpus = zip(*samples[tree.name], strict=True)
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            put(
                f"grade, {args.count} complete (median of {args.runs})",
                tree,
                f"{wall:.2f} s: {args.count / wall:.1f}/s ({cpu:.2f} CPU, "
                f"{1000 * cpu / args.count:.0f} ms CPU per submission)",
            )

        for tree in trees:
            median, worst, count, first = answer_times(tree.env)
            put(
                f"one typed answer, check_answer ({count} checks)",
                tree,
                f"median {1000 * median:.2f} ms, worst {1000 * worst:.0f} ms",
            )
            put(
                "first answer of a question in a process, worst",
                tree,
                f"{1000 * first:.0f} ms",
            )
            wall, cpu = median_runs(
                lambda tree=tree: run(
                    tree.cli("answer", "univariate_dw", "2/m * (yhat - y) @ x.T"), tree.env
                )[:2],
                3,
            )
            put("backprop answer, one answer (median of 3)", tree, f"{wall:.2f} s ({cpu:.2f} CPU)")

        for tree in trees:
            cmd = tree.cli("grade", str(root / "big"), "--out", str(root / f"big-{tree.name}"))
            put(
                f"peak RSS, grade {args.memory_count} complete",
                tree,
                f"{peak_rss_mb(cmd, tree.env):.0f} MB",
            )

        wall, cpu = otter_times(root, one, args.otter_runs)
        rows[f"otter run, one complete (median of {args.otter_runs})"] = {
            "this": f"{wall:.2f} s ({cpu:.2f} CPU)"
        }

    names = [tree.name for tree in trees]
    width = max(map(len, rows)) + 2
    print(f"{'':{width}}" + "".join(f"{name:>40}" for name in names))
    for row, values in rows.items():
        print(f"{row:{width}}" + "".join(f"{values.get(name, ''):>40}" for name in names))
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
