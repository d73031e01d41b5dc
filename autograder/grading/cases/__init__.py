"""What is tested: one question per graded function, each a list of cases.

question.py holds the data types everyone shares (Case, Question, make_call); public.py the
public cases of every model family and optimizer; derivations.py the derivation questions;
compare.py how values are compared; assignment.py puts them together in the assignment's order.
"""
