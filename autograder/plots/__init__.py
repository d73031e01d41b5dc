"""See gradient descent: the data behind the figures (landscapes.py, plain numpy), the figures
(draw.py, matplotlib) and the `backprop plot ...` commands (commands.py).

Every number on a figure comes from the exercise modules themselves (forward, loss, backward,
the optimizers' step and train), loaded from solutions/ or, with --use-exercises, from the
student's exercises/, so the picture shows whichever code is being studied.
"""
