"""Time check_answer over a question file with correct, wrong and hostile answers.

    .venv/bin/python bench/bench_derivations.py [--repeats 3] [--questions FILE]

Prints the median and the slowest check per kind of answer, the one-off cost of preparing the
questions (deriving the truth: reverse-mode differentiation of each forward pass on three
instances, SymPy's derivatives), and whether any verdict changed between runs.
Targets: median under 20 ms, none over 1 s, no verdict that changes.
The correct answers of the built-in questions come from solutions/derivations.py (instructor
side); for another file only its misconceptions, variations of them and hostile text are timed.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import time

from autograder.derivations import QUESTIONS, check_answer, use

HOSTILE = [
    "__import__('os').system('ls')",
    "().__class__.__base__.__subclasses__()",
    "10**10**10",
    "x" * 100_000,
    "(" * 10_000 + "x" + ")" * 10_000,
    "(" * 190 + "x" + ")" * 190,
    "-" * 1900 + "x",
    "exp(exp(exp(exp(exp(x)))))",
    "+".join(["sigmoid(tanh(exp(log(x))))"] * 70),
    None,
    ...,
]


def answers() -> list[tuple[str, str, object]]:
    """(kind, question id, answer) for every question."""
    solved = importlib.import_module("solutions.derivations")
    out = []
    for qid, question in QUESTIONS.items():
        reference = getattr(solved, qid, None)
        if not isinstance(reference, str):  # another file: time its misconceptions only
            for wrong in question.misconceptions:
                out.append(("wrong", qid, wrong.formula))
                out.append(("wrong", qid, f"-({wrong.formula})"))
            out.extend(("hostile", qid, text) for text in HOSTILE)
            continue
        out.append(("correct", qid, reference))
        out.append(("correct", qid, f"({reference}) * 2 / 2"))
        out.append(("wrong", qid, f"-({reference})"))
        out.append(("wrong", qid, f"2 * ({reference})"))
        out.append(("wrong", qid, f"({reference}).T" if question.kind == "matrix" else "x"))
        out.extend(("wrong", qid, wrong.formula) for wrong in question.misconceptions)
        out.extend(("hostile", qid, text) for text in HOSTILE)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--questions", help="a question file (default: the built-in one)")
    args = parser.parse_args()
    if args.questions:
        use(args.questions)

    start = time.perf_counter()
    for qid in QUESTIONS:  # first checks: SymPy import, derivatives, reference values
        check_answer(qid, "0")
    prepare = time.perf_counter() - start
    cases = answers()

    times: dict[str, list[float]] = {"correct": [], "wrong": [], "hostile": []}
    verdicts: list[list[dict]] = []
    for _ in range(args.repeats):
        run = []
        for kind, qid, text in cases:
            tick = time.perf_counter()
            verdict = check_answer(qid, text)
            times[kind].append(time.perf_counter() - tick)
            run.append(verdict.to_dict())
        verdicts.append(run)
    changed = sum(any(run[i] != verdicts[0][i] for run in verdicts) for i in range(len(cases)))

    print(f"{len(QUESTIONS)} questions, {len(cases)} answers, {args.repeats} runs each")
    print(f"first check of every question (SymPy import + deriving the truth): {prepare:.2f} s")
    print(f"{'answers':<10}{'checks':>8}{'median ms':>12}{'p95 ms':>10}{'max ms':>10}")
    everything = []
    for kind, values in times.items():
        if not values:
            continue
        everything += values
        values = sorted(values)
        p95 = values[int(0.95 * (len(values) - 1))]
        print(
            f"{kind:<10}{len(values):>8}{statistics.median(values) * 1e3:>12.2f}"
            f"{p95 * 1e3:>10.2f}{values[-1] * 1e3:>10.2f}"
        )
    everything.sort()
    print(
        f"{'all':<10}{len(everything):>8}{statistics.median(everything) * 1e3:>12.2f}"
        f"{everything[int(0.95 * (len(everything) - 1))] * 1e3:>10.2f}{everything[-1] * 1e3:>10.2f}"
    )
    print(f"verdicts that changed between runs: {changed}")
    ok = statistics.median(everything) < 0.020 and everything[-1] < 1.0 and changed == 0
    print("targets (median < 20 ms, max < 1 s, stable verdicts):", "met" if ok else "NOT MET")


if __name__ == "__main__":
    main()
