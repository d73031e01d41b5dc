"""The process boundary: student code runs here, and only plain data comes back.

parent.py (the grader's side) boots a template zygote, clones it (a fork) for each child that
runs at once, and forks a jailed child per submission;
child.py is the runtime inside the child; jail.py locks the child down before it imports a
submission; plain.py is the codec for what crosses the pipe. child.py, jail.py and plain.py are
copied into the zygote's folder, so they import nothing from the package.
"""
