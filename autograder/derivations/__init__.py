"""Derivation questions: students type gradient formulas (numpy-like text or LaTeX) and the
package checks them safely, symbolically and numerically, with feedback.

    from autograder.derivations import QUESTIONS, check_answer
    check_answer("two_layer_sigmoid_dW1", "((w2.T @ (2/m * (yhat - y))) * A * (1 - A)) @ X.T")

Importing this package does not import SymPy (only numpy); SymPy is loaded the first time a
scalar question is checked.
"""

from autograder.derivations.bank import QUESTIONS, Misconception, Question
from autograder.derivations.check import Verdict, check_answer

__all__ = ["QUESTIONS", "Misconception", "Question", "Verdict", "check_answer"]
