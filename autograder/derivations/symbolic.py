"""The SymPy side: scalar reference derivatives (sympy.diff of the question's function), their
values at the check points, and the rendering of scalar answers as SymPy reads them.

SymPy is imported here only, lazily, so `backprop check` and `import autograder.derivations`
stay fast. Every tree given to SymPy comes from the allow-listing parser, never raw text.
"""

from __future__ import annotations

from functools import cache

from autograder.derivations.evaluate import workdps
from autograder.derivations.parse import Node, parse

DIGITS = 50  # of the reference values (values_at)


def _sympy():
    import sympy

    return sympy


def to_sympy(node: Node, *, evaluate: bool, display: bool = False):
    """A SymPy expression of a scalar tree. evaluate=False keeps the student's order (for the
    echo); display=True keeps sigmoid/relu/step as named functions instead of their
    definitions (1/(1+exp(-x)), Max(0, x), Heaviside(x))."""
    sp = _sympy()

    def go(n: Node):
        op = n.op
        if op == "num":
            value = n.value[0]
            return sp.Integer(value.numerator) if value.denominator == 1 else sp.Rational(value)
        if op == "name":
            return sp.Symbol(n.value, real=True)
        args = [go(arg) for arg in n.args]
        if op == "neg":
            if n.args[0].op == "num":
                return -args[0]
            return sp.Mul(-1, args[0], evaluate=evaluate)
        if op == "T":
            return args[0]
        if op == "call":
            name = n.value[0] if isinstance(n.value, tuple) else n.value
            x = args[0]
            if name == "sum":
                return x
            if display and name in ("sigmoid", "relu", "step"):
                return sp.Function(name)(x)
            if name == "sigmoid":
                return sp.Pow(sp.Add(1, sp.exp(-x), evaluate=evaluate), -1, evaluate=evaluate)
            if name == "relu":
                return sp.Max(0, x)
            if name == "step":
                return sp.Heaviside(x)
            return {"exp": sp.exp, "log": sp.log, "tanh": sp.tanh}[name](x, evaluate=evaluate)
        left, right = args
        if op == "add":
            return sp.Add(left, right, evaluate=evaluate)
        if op == "sub":
            return sp.Add(left, sp.Mul(-1, right, evaluate=evaluate), evaluate=evaluate)
        if op in ("mul", "matmul", "prod"):
            return sp.Mul(left, right, evaluate=evaluate)
        if op == "div":
            return sp.Mul(left, sp.Pow(right, -1, evaluate=evaluate), evaluate=evaluate)
        return sp.Pow(left, right, evaluate=evaluate)

    return go(node)


def render(node: Node) -> str:
    """How SymPy reads a scalar answer, in the order it was typed."""
    sp = _sympy()
    return sp.sstr(to_sympy(node, evaluate=False, display=True), order="none")


@cache
def reference(function: str, target: str, names: frozenset):
    """d function / d target, computed by SymPy."""
    sp = _sympy()
    expr = to_sympy(parse(function, names), evaluate=True)
    return sp.diff(expr, sp.Symbol(target, real=True))


def reference_text(function: str, target: str, names: frozenset) -> str:
    sp = _sympy()
    expr = reference(function, target, names)
    # Print in the answer language: ** powers, Heaviside as step.
    text = sp.sstr(expr).replace("Heaviside", "step")
    return text


def mpmath_str(value) -> str:
    import mpmath

    return mpmath.nstr(value, 60, strip_zeros=False)


def values_at(expr, points: list[dict], digits: int = DIGITS) -> list:
    """mpmath values of a SymPy expression at each point (name -> Fraction-like mpf)."""
    sp = _sympy()
    import mpmath

    out = []
    # under the package's precision lock: sympy's evalf works through mpmath as well
    with workdps(digits):
        for point in points:
            subs = {
                sp.Symbol(name, real=True): sp.Float(mpmath_str(value), digits)
                for name, value in point.items()
            }
            value = expr.xreplace(subs).evalf(digits)
            out.append(mpmath.mpf(str(value)) if value.is_real else mpmath.nan)
    return out
