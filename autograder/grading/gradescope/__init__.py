"""Gradescope through otter-grader: test files, the plugin and the autograder zip.

export.py writes the otter test files and builds the zip with `otter generate`; plugin.py is
the otter plugin that grades in a sandbox; bridge.py is what the generated test files call.
"""
