"""PDF sheets with Typst (the `typst` wheel: a self-contained compiler, no TeX, no network).

Two halves:
- `to_typst(node, scalars)` turns a formula tree (parse.Node) into Typst math in the notes'
  notation: juxtaposition for matrix products and products with a scalar, ⊙ for elementwise
  ones, X^⊤, fractions, hat(y), the ones vector arrow(1).
- `pdf(document)` compiles the package's template (sheet.typ) with a document given as plain
  data (`Document` / `Item`): the template reads it as JSON through sys.inputs, prints every text
  as a string (never parsed as markup, so nothing in it needs escaping) and evaluates only the
  math strings this module made.

The writer does not know where questions come from: a caller turns its own questions into Items.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from importlib import resources

from autograder.derivations.parse import Node

_PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "matmul": 2, "prod": 2, "neg": 3, "pow": 4}

GREEK = frozenset(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma "
    "tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Phi Psi Omega".split()
)
_ALIASES = {"lam": "lambda", "lmbda": "lambda", "eps": "epsilon"}
_FUNCTIONS = {"sigmoid": "sigma", "tanh": "tanh", "exp": "exp", "log": "log"}


def quoted(value: str) -> str:
    """A Typst string literal (upright text in math)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _base(word: str) -> str:
    word = _ALIASES.get(word, word)
    if word in GREEK:
        return word
    if len(word) == 1 and word.isascii() and word.isalpha():
        return word
    return quoted(word)  # multi-letter names would be read as Typst identifiers


def typst_name(name: str) -> str:
    """yhat -> hat(y), ones -> arrow(1), W1 -> W_1, dW1 -> ∂L/∂W_1, lam -> λ."""
    if name == "ones":
        return "arrow(1)"
    # an upstream gradient, as the notes name them (dZ1, dyhat); not any word starting with d
    if re.fullmatch(r"d([A-Za-z]\d*|[A-Za-z]hat)", name):
        return f"frac(partial cal(L), partial {typst_name(name[1:])})"
    if name.endswith("hat") and len(name) > 3:
        return f"hat({typst_name(name[:-3])})"
    match = re.fullmatch(r"([A-Za-z]+?)_?(\d+)", name)
    if match:
        return f"{_base(match.group(1))}_{match.group(2)}"
    return _base(name)


def _number(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    return f"{sign}frac({abs(value.numerator)}, {value.denominator})"


def to_typst(node: Node, scalars: set[str] | frozenset[str] = frozenset()) -> str:
    """Typst math for a formula tree. `scalars` are the names that stand for numbers: products
    with them print as juxtaposition, other elementwise products as ⊙."""

    def scalar(n: Node) -> bool:
        return all(name in scalars for name in n.names())

    def wrap(n: Node, prec: int) -> str:
        inner = go(n)
        own = 5 if n.op == "div" else _PREC.get(n.op, 5)  # a fraction is self-delimiting
        if n.op == "num" and (n.value[0] < 0 or n.value[0].denominator != 1):
            own = 3
        return f"({inner})" if own < prec else inner

    def call(n: Node) -> str:
        arg = n.args[0]
        if isinstance(n.value, tuple):  # ("sum", axis)
            axis = n.value[1]
            if axis == 1:
                return f"({go(arg)}) arrow(1)"
            if axis == 0:
                return f"arrow(1)^top ({go(arg)})"
            if arg.op == "pow" and arg.args[1].op == "num" and arg.args[1].value[0] == 2:
                return f"norm({go(arg.args[0])})^2"  # the notes' ||yhat - y||^2
            return f"sum {wrap(arg, 5)}"
        if n.value == "step":
            return f"bb(1) [{go(arg)} > 0]"
        if n.value in _FUNCTIONS:
            return f"{_FUNCTIONS[n.value]} ({go(arg)})"
        return f"op({quoted(str(n.value))}) ({go(arg)})"

    def go(n: Node) -> str:
        op = n.op
        if op == "num":
            return _number(n.value[0])
        if op == "name":
            return typst_name(n.value)
        if op == "T":
            return f"{wrap(n.args[0], 5)}^top"
        if op == "call":
            return call(n)
        if op == "neg":
            return f"-{wrap(n.args[0], 3)}"
        left, right = n.args
        if op == "div":
            # -1/m: the sign before the fraction
            if left.op == "num" and left.value[0] < 0:
                return f"-frac({_number(-left.value[0])}, {go(right)})"
            if left.op == "neg":
                return f"-frac({go(left.args[0])}, {go(right)})"
            return f"frac({go(left)}, {go(right)})"
        if op == "pow":
            return f"{wrap(left, 5)}^({go(right)})"
        if op in ("add", "sub"):
            return f"{wrap(left, 1)} {'+' if op == 'add' else '-'} {wrap(right, 2)}"
        if op == "mul" and not (scalar(left) or scalar(right)):
            return f"{wrap(left, 2)} dot.o {wrap(right, 3)}"
        joiner = " dot " if left.op == "num" and right.op == "num" else " "
        return f"{wrap(left, 2)}{joiner}{wrap(right, 3)}"

    return go(node)


# ----------------------------------------------------------------------------------- documents


@dataclass
class Step:
    math: str  # Typst math
    why: str  # plain text


@dataclass
class Item:
    """One question as printed. Every `*math` field is Typst math (from to_typst / typst_name),
    every other field plain text."""

    title: str
    forward: list[str]  # one equation per line
    shapes: list[str]  # "X (n, m)"-like, as math
    ask: str  # the quantity to derive, as math
    answer_shape: str
    steps: list[Step] = field(default_factory=list)
    answer: str = ""  # math
    answer_text: str = ""  # the answer in the answer syntax


@dataclass
class Section:
    heading: str  # "" for a single sheet; "Version A" in an answer key
    items: list[Item]


@dataclass
class Document:
    title: str
    label: str  # on every page: "seed 12", "exam seed 12 · version B"
    intro: str
    sections: list[Section]
    solutions: bool = False  # print the worked steps and the answers
    room: str = "6.5cm"  # the space left to write under each question
    summary: bool = False  # a table of every section's answers first (an exam's answer key)


def pdf(document: Document) -> bytes:
    """The compiled PDF. Deterministic: the same document gives the same bytes."""
    import typst

    template = resources.files("autograder.derivations").joinpath("sheet.typ").read_bytes()
    data = json.dumps(asdict(document), ensure_ascii=False, sort_keys=True)
    return typst.compile(
        template,
        format="pdf",
        sys_inputs={"data": data},
        ignore_system_fonts=True,  # the wheel's own fonts: the same PDF on every machine
        timestamp=0,
    )
