"""The class report: `backprop report RESULTS` turns a `backprop grade --out RESULTS` folder
into RESULTS/report.html (one self-contained page) and its figures as PNG files.

load.py reads the folder (grades.csv and the per-submission JSONs), summary.py computes the
numbers, figures.py draws them (matplotlib), render.py fills the Jinja2 template
(templates/report.html.j2), commands.py is the CLI verb. Mistakes come from the structured
`extra_data.mistakes` of each test in the JSONs, never from the feedback prose.
"""
