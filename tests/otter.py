"""Running `otter run` with the Gradescope zip on one upload, as the tests that compare its
scores with `backprop grade` do (slow: about 5-20 s a run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def otter_run(autograder: Path, submission: Path, out: Path) -> subprocess.CompletedProcess:
    """otter run -a autograder -o out submission; out is made (it must not exist)."""
    out.mkdir()
    command = [sys.executable, "-m", "otter", "run", "-a", str(autograder), "-o", str(out)]
    return subprocess.run(
        [*command, str(submission), "--no-logo"], capture_output=True, text=True, timeout=600
    )


def otter_scores(results: Path) -> dict[str, float]:
    """Scores by question id from a results.json, or from the folder that holds one."""
    if results.is_dir():
        results = results / "results.json"
    tests = json.loads(results.read_text())["tests"]
    return {t["name"]: t["score"] for t in tests if "score" in t}
