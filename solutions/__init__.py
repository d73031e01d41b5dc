"""Reference solutions (instructors only). `exercises/` is generated from these files."""
