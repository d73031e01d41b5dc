"""A derivation question, as read from a question file (questionfile.py).

A matrix question is a forward pass (models.Model) and the variable `target` to differentiate L
against; a scalar question is a function of a few scalars and the variable. Neither stores its
answer: the truth is derived when the question is checked (autodiff.py for matrix questions,
sympy.diff for scalar ones). Misconceptions (wrong formulas with feedback and partial credit)
are the instructor's and are stripped from the student release.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autograder.derivations.models import Model
from autograder.derivations.shapes import fmt


@dataclass(frozen=True)
class Misconception:
    formula: str
    feedback: str
    credit: float = 0.5


@dataclass(frozen=True, eq=False)
class Question:
    id: str
    prompt: str
    points: float
    kind: str  # "matrix" or "scalar"
    target: str  # the variable differentiated against
    misconceptions: tuple = ()
    # matrix questions
    model: Model | None = None
    allowed: tuple = ()  # upstream gradients (dZ...) this question lets students use
    # scalar questions
    function: str = ""  # f, differentiated by sympy with respect to target
    variables: dict = field(default_factory=dict)  # name -> (low, high) sampling interval
    definitions: dict = field(default_factory=dict)  # e.g. {"yhat": "sigmoid(z)"}
    key: str = ""  # a digest of the definition: caches of derived values are keyed by it

    @property
    def names(self) -> frozenset:
        if self.kind == "scalar":
            return frozenset(self.variables) | frozenset(self.definitions)
        return (self.model.names - {"L"} - frozenset(self.model.grads)) | frozenset(self.allowed)

    @property
    def shapes(self) -> dict:
        if self.kind == "scalar":
            return {name: () for name in self.names}
        shapes = {n: self.model.shapes[n] for n in self.names if n in self.model.shapes}
        for grad in self.allowed:
            shapes[grad] = self.model.shapes[grad[1:]]
        return {**shapes, "m": (), "ones": ("m", 1)}

    @property
    def target_shape(self) -> tuple:
        return () if self.kind == "scalar" else self.model.shapes[self.target]

    @property
    def symbols(self) -> dict:
        """name -> shape description, for prompts and stubs."""
        described = {}
        shapes = self.shapes
        for name in sorted(self.names, key=self._symbol_order):
            shape = shapes[name]
            if name == "m":
                described[name] = "scalar: the number of examples"
            elif name == "ones":
                described[name] = "(m, 1): a column of ones, the notes' 1-vector"
            elif name in self.definitions:
                described[name] = f"scalar: {name} = {self.definitions[name]}"
            elif name in self.allowed:
                described[name] = f"{'scalar' if shape == () else fmt(shape)}: dL/d{name[1:]}"
            else:
                described[name] = "scalar" if shape == () else fmt(shape)
        return described

    def _symbol_order(self, name: str):
        """Inputs, then intermediates in forward order, then given gradients, m and ones."""
        if self.kind == "scalar":
            return (0, name)
        order = [*self.model.inputs, *(n for n, _ in self.model.forward), *self.allowed]
        tail = {"m": 1, "ones": 2}
        return (tail.get(name, 0), order.index(name) if name in order else len(order), name)
