"""Hidden cases (instructors only): compared with the reference solutions.

models.py adds the hidden cases of the six model modules, optimizers.py those of
optimizers.py; reference.py imports the solutions. This
folder is what `backprop release` leaves out, so nothing here may be imported by the rest of
the grader except through build_questions, which copes with its absence.
"""
