"""What is tested: one question per graded function, each a list of cases.

question.py holds the data types everyone shares (Case, Question, make_call); inputs.py the
sizes and seeded inputs, properties.py the contract's property checks (both shared with the
hidden cases); public_models.py and public_optimizers.py the public cases of the six model
modules and of optimizers.py; derivations.py the derivation questions; compare.py how values
are compared; assignment.py puts them together in the assignment's order.
"""
