"""The class report's screenshot for the README: grade a made-up class laid out as a Gradescope
export (names from submission_metadata.yml, one group), make the report, and photograph it with
headless Chromium (Debian's `chromium` package).

    .venv/bin/python bench/report_screenshot.py [--out docs/img/report.png] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.corpus: the buggy, failing and tampering corpora

from tests.corpus.class_report import answers, attack, failure, solutions  # noqa: E402

FIRST = "Ada Alan Grace Edsger Barbara Donald John Frances Ken Radia Tim Margaret".split()
LAST = "Lovelace Turing Hopper Dijkstra Liskov Knuth Backus Allen Thompson Perlman Lee".split()

# (how many students, what they hand in)
CLASS = [
    (9, lambda d: solutions(d)),
    (6, lambda d: solutions(d, "sig-sigmoid-derivative-of-Z")),
    (4, lambda d: solutions(d, "uni-missing-2-over-m")),
    (3, lambda d: solutions(d, "logi-loss-missing-1-minus-y-term")),
    (2, lambda d: solutions(d, "multi-dw-transposed")),
    (2, lambda d: solutions(d, "perc-relu-derivative-missing")),
    (4, lambda d: answers(d, {"univariate_dw": "(yhat - y) @ x.T"})),
    (2, lambda d: answers(d, {"multivariate_dw": "2/m * X @ (yhat - y).T"})),
    (1, lambda d: failure(d, "os-exit-at-import")),
    (1, lambda d: failure(d, "infinite-loop-in-init-params")),
    (1, lambda d: failure(d, "syntax-error")),
]


def build(root: Path, marker: Path) -> Path:
    subs = root / "export"
    rng = random.Random(7)
    names = [f"{f} {l}" for f in FIRST for l in LAST]
    rng.shuffle(names)
    entries, number = [], 100001
    for count, make in CLASS:
        for _ in range(count):
            make(subs / f"submission_{number}")
            entries.append((number, [names.pop()]))
            number += 1
    attack(subs / f"submission_{number}", "import-solutions", marker)
    entries.append((number, [names.pop()]))
    entries[0] = (entries[0][0], [names.pop(), names.pop()])  # a group of two
    lines = []
    for number, members in entries:
        lines += [f"submission_{number}:", "  :submitters:"]
        for i, name in enumerate(members):
            email = name.lower().replace(" ", ".") + "@example.edu"
            lines += [f"  - :name: {name}", f"    :sid: '{number}{i}'", f"    :email: {email}"]
    (subs / "submission_metadata.yml").write_text("\n".join(lines) + "\n")
    return subs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "report.png")
    parser.add_argument("--keep", type=Path, help="Keep the graded folder here.")
    parser.add_argument("--height", type=int, default=1500)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("error: chromium is not installed (apt-get install chromium)")
    backprop = Path(sys.executable).with_name("backprop")
    with tempfile.TemporaryDirectory(prefix="report-shot-") as tmp:
        root = Path(tmp)
        (root / "marker").mkdir()
        subs = build(root, root / "marker")
        results = args.keep or root / "results"
        subprocess.run([backprop, "grade", subs, "--out", results], check=True)
        subprocess.run([backprop, "report", results], check=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--window-size=1100,{args.height}",
                f"--screenshot={args.out.resolve()}",
                (results / "report.html").resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
        )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
