"""The lines of answer code in solutions/: what no student-facing file may contain."""

from autograder.paths import SOLUTIONS


def solution_block_lines(source: str) -> list[str]:
    """The non-blank lines between `# BEGIN SOLUTION` and `# END SOLUTION`, stripped."""
    lines, inside = [], False
    for line in source.splitlines():
        if "# BEGIN SOLUTION" in line:
            inside = True
        elif "# END SOLUTION" in line:
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def all_solution_lines() -> set[str]:
    """Every substantial line of answer code in solutions/ (blocks and `# SOLUTION` one-liners),
    leaving out lines that also appear outside the answers (docstrings state some steps)."""
    lines = set()
    for path in SOLUTIONS.glob("*.py"):
        source = path.read_text()
        one_liners = [line.strip() for line in source.splitlines() if "  # SOLUTION" in line]
        answers = [line for line in solution_block_lines(source) + one_liners if len(line) > 30]
        public = "\n".join(line for line in source.splitlines() if line.strip() not in answers)
        lines |= {s.split("  # SOLUTION")[0] for s in answers if s not in public}
    return lines
