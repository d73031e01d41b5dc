"""Grading: what is tested, how student code runs, and where grades go.

- cases/: the questions and their public cases (ship to students), the shared data types;
- hidden/: the hidden cases and the loader of the reference solutions (instructors only; the
  student release leaves this folder out);
- sandbox/: the process boundary (the parent side, the child runtime, the jail, the plain-data
  codec that is all that crosses it);
- gradescope/: otter test files, the otter plugin and the autograder zip;
- runner.py grades one submission, batch.py a folder of them, check.py is `backprop check`,
  release.py `backprop release`, commands.py the CLI verbs over all of them.
"""
