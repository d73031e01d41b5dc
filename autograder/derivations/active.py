"""The active derivation questions, by id: the package fills this at import with the default
question file (questionfile.default_path), and `use()` (--questions) replaces its contents in
place, so every module holding this dict sees the new questions. A leaf module (no imports), so
that the checker can reach it without an import cycle."""

QUESTIONS: dict = {}
