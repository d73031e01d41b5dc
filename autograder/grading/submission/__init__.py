"""What a submission hands in: which file is graded for each module (names.py), and how a
notebook becomes the module source that is graded (notebook.py)."""
