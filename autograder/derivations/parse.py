"""Read a typed formula into a small, safe expression tree.

Student text is never given to eval, sympify or parse_expr (all three run Python). It goes
through `ast.parse(text, mode="eval")`, which only builds a syntax tree, and the tree is walked
with an allow-list: numbers, the question's symbols, the functions below, the operators
+ - * / @ ** (or ^), unary minus, `.T`, `sum(..., axis=...)` and `(Z > 0)`, and numpy's spellings
of the products: `a.dot(b)`, `np.dot(a, b)` (numpy: a product with a scalar is elementwise, else
the matrix product), `np.matmul(a, b)` (@), `np.multiply(a, b)` (*), `a.transpose()` and
`np.transpose(a)` (.T). Anything else (calls of other names, attribute chains, subscripts,
lambdas, strings...) is rejected with a message; a symbol "called" like a function, as in
`2/m (yhat - y)`, is a missing operator and the message says where to put it.
Limits keep every later step cheap: MAX_CHARS characters, MAX_DEPTH levels of nesting, no number
above MAX_NUMBER and only small constant exponents (so `10**10**10` never gets computed).

LaTeX (the subset in LATEX_HELP) is translated into the same numpy-like text first.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from fractions import Fraction

MAX_CHARS = 2000
MAX_DEPTH = 60
MAX_NUMBER = 10**6
MAX_EXPONENT = 64

# Elementwise functions; `step` is relu's derivative (1 where the input is > 0, else 0).
FUNCTIONS = ("sigmoid", "relu", "tanh", "exp", "log", "step")
ALIASES = {"ln": "log", "heaviside": "step", "relu_prime": "step", "σ": "sigmoid"}
SUM = "sum"
# numpy's product spellings: np.<name>(a, b) -> op, np.transpose(a) / a.transpose() -> T,
# a.dot(b) -> prod (numpy's dot: elementwise when a side is a scalar, else the matrix product).
NUMPY_PRODUCTS = {"dot": "prod", "matmul": "matmul", "multiply": "mul"}
METHODS = {"dot": "prod", "transpose": "T"}
# Univariate questions call their input x; the code exercise for the same model calls it X.
NAME_ALIASES = {"X": "x"}

LATEX_HELP = r"""LaTeX accepted: \frac{a}{b}, \hat{y}, X^\top / X^T / X^{T} / X^\intercal
(transpose),
\odot (elementwise product), \cdot or juxtaposition (product), \sigma(...), \tanh, \exp, \log,
\operatorname{relu}(...), e^{...}, W_1 / w_{2} subscripts, \left( \right), \vec{1} (ones),
\mathbb{1}[Z > 0] (relu's derivative)."""


class ParseError(ValueError):
    """The text is not a formula we accept; the message says why and where."""

    def __init__(self, message: str, text: str = "", pos: int | None = None):
        if pos is not None and text:
            pos = max(0, min(pos, len(text)))
            snippet = text if len(text) <= 80 else text[max(0, pos - 40) : pos + 40]
            caret = pos if len(text) <= 80 else min(pos, 40)
            message = f"{message} (at character {pos + 1})\n    {snippet}\n    {' ' * caret}^"
        super().__init__(message)
        self.pos = pos


@dataclass(frozen=True)
class Node:
    """One node of an expression: op in
    num (value: (Fraction, text)), name (value: str), neg, add, sub, mul (elementwise),
    div, matmul, prod (a product whose kind the shapes decide: LaTeX juxtaposition), pow,
    T (transpose), call (value: function name; for sum, value: ("sum", axis))."""

    op: str
    args: tuple = ()
    value: object = None
    pos: int = 0

    def names(self) -> set[str]:
        found = {self.value} if self.op == "name" else set()
        for arg in self.args:
            found |= arg.names()
        return found


_BINOPS = {
    ast.Add: "add",
    ast.Sub: "sub",
    ast.Mult: "mul",
    ast.Div: "div",
    ast.MatMult: "matmul",
    ast.Pow: "pow",
}

_UNICODE = {
    "⊙": "*",
    "∘": "*",
    "·": "*",
    "×": "*",
    "−": "-",
    "ŷ": "yhat",
    "ᵀ": ".T",
    "σ": "sigmoid",
    "²": "**2",
}


def parse(text: str, names: set[str] | frozenset[str], *, scalar: bool = False) -> Node:
    """Parse student text (numpy-like or LaTeX) into a Node tree.

    Args:
        text: the answer as typed.
        names: the symbols the question allows (e.g. {"X", "y", "yhat", "m"}).
        scalar: True for questions on scalars (then `^T` is ambiguous and rejected).

    Raises:
        ParseError: with a message for the student.
    """
    if len(text) > MAX_CHARS:
        raise ParseError(f"the answer is {len(text):,} characters long; the limit is {MAX_CHARS:,}")
    if "\x00" in text:
        raise ParseError("the answer contains a NUL character")
    _check_characters(text)
    stripped = _restore_escapes(text).strip()
    if not stripped:
        raise ParseError("the answer is empty")
    latex = "\\" in stripped or "{" in stripped or stripped.startswith("$")
    if latex:
        source = latex_to_text(stripped.strip("$ "), names, scalar=scalar)
        offsets = None
    else:
        source, offsets = _normalize_text(stripped)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        pos = (error.offset or 1) - 1
        if offsets is not None:
            missing = _juxtaposition(source, names)
            if missing is not None:
                left, right, at = missing
                operators = "*" if scalar else "* or @"
                raise ParseError(
                    f"an operator is missing: write {operators} between {left} and {right}",
                    stripped,
                    offsets[at],
                ) from None
            pos = offsets[min(pos, len(offsets) - 1)] if offsets else 0
        hint = " (write products with * or @)" if re.search(r"\d[A-Za-z(]", source) else ""
        where = "" if offsets is not None else f" in the translated form `{source}`"
        raise ParseError(
            f"syntax error{where}: {error.msg}{hint}", stripped if offsets else "", pos
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise ParseError("the answer is nested too deeply") from None
    walker = _Walker(source, names, latex, offsets, stripped, scalar)
    try:
        return walker.visit(tree.body, 0)
    except RecursionError:
        raise ParseError("the answer is nested too deeply") from None


# In a plain (not raw) Python string, "\frac" is a form feed then "rac", "\top" a tab then "op"...
# A control character right before a letter can only be such a LaTeX command: put it back.
_ESCAPES = {
    "\f": "\\f",
    "\t": "\\t",
    "\b": "\\b",
    "\a": "\\a",
    "\r": "\\r",
    "\n": "\\n",
    "\v": "\\v",
}


def _juxtaposition(source: str, names) -> tuple[str, str, int] | None:
    """The first two factors written side by side (`2x`, `(yhat - y) X.T`, `2/m (yhat - y) X`)
    in text that Python could not parse: (left, right, where the right one starts), or None."""
    import io
    import keyword
    import tokenize

    try:
        tokens = [
            t
            for t in tokenize.generate_tokens(io.StringIO(source).readline)
            if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER)
        ]
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    if any(t.start[0] != 1 or t.end[0] != 1 for t in tokens):
        return None  # columns below are those of the first line

    def operand(t) -> bool:
        name = t.type == tokenize.NAME and not keyword.iskeyword(t.string)
        return t.type == tokenize.NUMBER or name

    def factor_end(t) -> bool:  # can end a factor that a "(" after it would multiply
        symbol = ALIASES.get(t.string, t.string)
        symbol = NAME_ALIASES.get(symbol, symbol) if symbol not in names else symbol
        return t.type == tokenize.NUMBER or t.string == ")" or symbol in names

    for i in range(1, len(tokens)):
        a, b = tokens[i - 1], tokens[i]
        side_by_side = (operand(a) or a.string == ")") and operand(b)
        if side_by_side or (b.string == "(" and factor_end(a)):
            start = _factor_start(tokens, i - 1)
            while start >= 2 and tokens[start - 1].string == "/":  # 2/m (yhat - y): name 2/m
                start = _factor_start(tokens, start - 2)
            left = source[tokens[start].start[1] : a.end[1]]
            return left, _factor(source, tokens, i), b.start[1]
    return None


def _factor_start(tokens: list, last: int) -> int:
    """The index of the token that starts the factor ending with tokens[last]: back over a
    (...) group, a call's name and attribute chains (X.T, exp(x), (yhat - y))."""
    import tokenize

    i = last
    while True:
        if tokens[i].string == ")":
            depth = 0
            while i > 0:
                depth += {")": 1, "(": -1}.get(tokens[i].string, 0)
                if depth == 0:
                    break
                i -= 1
            if i > 0 and tokens[i - 1].type == tokenize.NAME:
                i -= 1  # a call: exp(x)
        if i >= 2 and tokens[i - 1].string == "." and tokens[i - 2].type == tokenize.NAME:
            i -= 2
            continue
        return i


def _factor(source: str, tokens: list, first: int) -> str:
    """The factor starting at tokens[first]: a name or number, or a (...) group, with its
    .attributes and one call's (...): X.T, exp(3x), (yhat - y)."""
    import tokenize

    i, group = first, tokens[first].string != "("
    if group:
        i += 1  # the name or number; a "(" after it is its call
    while i < len(tokens):
        text = tokens[i].string
        if text == "." and i + 1 < len(tokens) and tokens[i + 1].type == tokenize.NAME:
            i += 2
        elif text == "(" and (i == first or group):
            group = False
            depth = 0
            while i < len(tokens):
                depth += {"(": 1, ")": -1}.get(tokens[i].string, 0)
                i += 1
                if depth == 0:
                    break
        else:
            break
    return source[tokens[first].start[1] : tokens[i - 1].end[1]]


def _check_characters(text: str) -> None:
    """Refuse what no formula holds and a terminal should not print back: lone surrogates (bytes
    that were not UTF-8, as Python decodes command-line arguments) and control characters
    other than whitespace and the escapes _restore_escapes puts back."""
    for index, char in enumerate(text):
        if "\ud800" <= char <= "\udfff":
            raise ParseError(
                f"the answer is not valid UTF-8 text (an undecodable byte at character {index + 1})"
            )
        escape = char in _ESCAPES and text[index + 1 : index + 2].isalpha()
        if (ord(char) < 32 or 127 <= ord(char) < 160) and not (char.isspace() or escape):
            raise ParseError(
                f"the answer contains the control character U+{ord(char):04X} "
                f"(at character {index + 1})"
            )


def _restore_escapes(text: str) -> str:
    return re.sub(r"[\f\t\b\a\r\n\v](?=[A-Za-z])", lambda c: _ESCAPES[c.group()], text)


def _normalize_text(text: str) -> tuple[str, list[int]]:
    """`^` -> `**` and a few unicode symbols -> ASCII; returns the text and, for every character
    of the result, its position in the original (so errors point at what the student typed)."""
    out, offsets = [], []
    for i, char in enumerate(text):
        replacement = "**" if char == "^" else _UNICODE.get(char, char)
        out.append(replacement)
        offsets.extend([i] * len(replacement))
    offsets.append(len(text))
    return "".join(out), offsets


class _Walker:
    def __init__(self, source, names, latex, offsets, original, scalar=False):
        self.source, self.names, self.latex = source, names, latex
        self.offsets, self.original, self.scalar = offsets, original, scalar
        self.aliases = {
            alias: name
            for alias, name in NAME_ALIASES.items()
            if name in names and alias not in names
        }
        self.encoded = source.encode()  # ast offsets count UTF-8 bytes

    def char_index(self, byte_offset: int) -> int:
        return len(self.encoded[:byte_offset].decode(errors="ignore"))

    def segment(self, start: int, end: int) -> str:
        """The source between two ast (byte) offsets."""
        return self.encoded[start:end].decode(errors="replace").strip()

    def error(self, message: str, node: ast.AST | None = None, pos: int | None = None):
        if pos is None:
            pos = getattr(node, "col_offset", None)
            pos = None if pos is None else self.char_index(pos)
        if self.offsets is not None:
            if pos is not None:
                pos = self.offsets[min(pos, len(self.offsets) - 1)]
            return ParseError(message, self.original, pos)
        return ParseError(f"{message} (in the translated form `{self.source}`)", self.source, pos)

    def visit(self, node: ast.AST, depth: int, term: int | None = None) -> Node:
        """`term`: where the quotient that ends with this node starts (byte offset), to name the
        left factor in a missing-operator hint (`2/m (yhat - y)`)."""
        if depth > MAX_DEPTH:
            raise self.error(f"the answer is nested more than {MAX_DEPTH} levels deep", node)
        pos = getattr(node, "col_offset", 0)
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.visit(node.operand, depth + 1)
            return Node("neg", (inner,), pos=pos) if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Mod) and self.latex:
                op = "prod"
            elif type(node.op) in _BINOPS:
                op = _BINOPS[type(node.op)]
            else:
                symbol = {ast.BitXor: "^", ast.Mod: "%", ast.FloorDiv: "//"}.get(type(node.op))
                what = f"the operator {symbol}" if symbol else "this operator"
                raise self.error(f"{what} is not allowed; use + - * / @ **", node)
            left = self.visit(node.left, depth + 1)
            # After a / the hint names the quotient (2/m), after * or @ the factor only.
            start = (node.col_offset if term is None else term) if op == "div" else None
            right = self.visit(node.right, depth + 1, start)
            if op == "pow":
                self.check_exponent(right, node)
            return Node(op, (left, right), pos=pos)
        if isinstance(node, ast.Attribute):
            if node.attr == "T":
                return Node("T", (self.visit(node.value, depth + 1),), pos=pos)
            if node.attr in METHODS:
                raise self.error(f"`.{node.attr}` is a method: write .{node.attr}(...)", node)
            raise self.error(
                f"`.{node.attr}` is not allowed; the only attribute is .T "
                "(and the methods .dot(...) and .transpose())",
                node,
            )
        if isinstance(node, ast.Call):
            return self.call(node, depth, term)
        if isinstance(node, ast.Compare):
            return self.compare(node, depth)
        kind = type(node).__name__
        raise self.error(f"{kind} is not allowed in a formula", node)

    def number(self, node: ast.Constant) -> Node:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(f"{value!r} is not a number; only numbers and symbols", node)
        if not abs(value) <= MAX_NUMBER:
            raise self.error(f"numbers above {MAX_NUMBER:,} are not needed here", node)
        exact = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
        return Node("num", value=(exact, repr(value)), pos=node.col_offset)

    def name(self, node: ast.Name) -> Node:
        name = ALIASES.get(node.id, node.id)
        name = self.aliases.get(name, name)
        if name in self.names:
            return Node("name", value=name, pos=node.col_offset)
        if name in FUNCTIONS or name == SUM:
            raise self.error(f"{name} is a function: write {name}(...)", node)
        allowed = ", ".join(sorted(self.names))
        hint = ""
        if name == "T":
            hint = "; for a transpose write X.T"
        elif name == "e":
            hint = "; for e^x write exp(x)"
        elif name.lower() in {n.lower() for n in self.names}:
            hint = "; names are case-sensitive"
        raise self.error(f"unknown name {name!r}{hint}; the symbols are: {allowed}", node)

    def check_exponent(self, exponent: Node, node: ast.AST) -> None:
        if _contains(exponent, "pow"):
            raise self.error("powers inside an exponent are not allowed (e.g. 10**10**10)", node)
        value = _constant(exponent)
        if value is not None and abs(value) > MAX_EXPONENT:
            raise self.error(f"exponents above {MAX_EXPONENT} are not needed here", node)

    def call(self, node: ast.Call, depth: int, term: int | None = None) -> Node:
        func = node.func
        numpy = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
        numpy = numpy and func.value.id in ("np", "numpy")
        if numpy and (func.attr in NUMPY_PRODUCTS or func.attr == "transpose"):
            return self.numpy_product(node, func.attr, depth)
        if isinstance(func, ast.Attribute) and func.attr in METHODS and not numpy:
            return self.method(node, depth)
        if self.juxtaposed(func):
            raise self.missing_operator(node, depth, term)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if not numpy:
                raise self.error("only np.<function> calls are allowed", node)
            fname = func.attr
        elif isinstance(func, ast.Name):
            fname = func.id
        else:
            raise self.error("only calls of the listed functions are allowed", node)
        fname = ALIASES.get(fname, fname)
        if fname not in FUNCTIONS and fname != SUM:
            listed = ", ".join((*FUNCTIONS, "sum"))
            raise self.error(f"unknown function {fname!r}; the functions are: {listed}", node)
        if len(node.args) != 1:
            raise self.error(f"{fname}(...) takes exactly one argument", node)
        if fname == "step" and isinstance(node.args[0], ast.Compare):
            return self.compare(node.args[0], depth + 1)  # \mathbb{1}[Z > 0]
        arg = self.visit(node.args[0], depth + 1)
        if fname != SUM:
            if node.keywords:
                raise self.error(f"{fname}(...) takes no keyword arguments", node)
            return Node("call", (arg,), fname, pos=node.col_offset)
        axis = None
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg == "axis" and isinstance(value, ast.Constant) and value.value in (0, 1):
                axis = value.value
            elif keyword.arg == "keepdims" and isinstance(value, ast.Constant):
                pass  # sums always keep their dimensions here, like the notes' X 1
            else:
                raise self.error("sum(...) accepts only axis=0 or axis=1 (and keepdims)", node)
        return Node("call", (arg,), (SUM, axis), pos=node.col_offset)

    def numpy_product(self, node: ast.Call, fname: str, depth: int) -> Node:
        """np.dot / np.matmul / np.multiply (a, b) and np.transpose(a), as numpy reads them."""
        count = 1 if fname == "transpose" else 2
        if len(node.args) != count or node.keywords:
            what = "one argument (no axes)" if count == 1 else "exactly two arguments"
            raise self.error(f"np.{fname}(...) takes {what} here", node)
        args = tuple(self.visit(arg, depth + 1) for arg in node.args)
        op = "T" if fname == "transpose" else NUMPY_PRODUCTS[fname]
        return Node(op, args, pos=node.col_offset)

    def method(self, node: ast.Call, depth: int) -> Node:
        """a.dot(b) (numpy's dot) and a.transpose() (a.T)."""
        fname = node.func.attr
        count = 0 if fname == "transpose" else 1
        if len(node.args) != count or node.keywords:
            what = "no arguments" if count == 0 else "exactly one argument"
            raise self.error(f".{fname}(...) takes {what} here", node)
        receiver = self.visit(node.func.value, depth + 1)
        args = tuple(self.visit(arg, depth + 1) for arg in node.args)
        return Node(METHODS[fname], (receiver, *args), pos=node.col_offset)

    def juxtaposed(self, func: ast.AST) -> bool:
        """Is `func(...)` a factor followed by a parenthesis, not a call? True for a number, a
        symbol of the question, a parenthesised expression, a call, a transpose."""
        if isinstance(func, ast.Name):
            name = ALIASES.get(func.id, func.id)
            return self.aliases.get(name, name) in self.names
        if isinstance(func, ast.Attribute):
            return func.attr == "T"
        return isinstance(func, (ast.Constant, ast.BinOp, ast.UnaryOp, ast.Call, ast.Compare))

    def missing_operator(self, node: ast.Call, depth: int, term: int | None) -> ParseError:
        """`2/m (yhat - y)`, `2(yhat - y)`, `(a)(b)`: Python reads a call; the student meant a
        product. Each side is checked first, so their own errors come before the hint."""
        self.visit(node.func, depth + 1)
        for arg in node.args:
            self.visit(arg, depth + 1)
        func_end = node.func.end_col_offset or node.col_offset
        opening = self.encoded.find(b"(", func_end)
        start = node.col_offset if term is None else term
        left = self.segment(start, opening)
        right = self.segment(opening, node.end_col_offset or len(self.encoded))
        operators = "*" if self.scalar else "* or @"
        return self.error(
            f"an operator is missing: write {operators} between {left} and {right}",
            pos=self.char_index(opening),
        )

    def compare(self, node: ast.Compare, depth: int) -> Node:
        right = node.comparators[0] if len(node.comparators) == 1 else None
        if (
            len(node.ops) != 1
            or not isinstance(node.ops[0], (ast.Gt, ast.GtE))
            or not isinstance(right, ast.Constant)
            or right.value != 0
        ):
            raise self.error("the only comparison allowed is (Z > 0), relu's derivative", node)
        arg = self.visit(node.left, depth + 1)
        return Node("call", (arg,), "step", pos=node.col_offset)


def _contains(node: Node, op: str) -> bool:
    return node.op == op or any(_contains(arg, op) for arg in node.args)


def _constant(node: Node) -> Fraction | None:
    """The value of a purely numeric exponent (2, -1, 1/2), else None."""
    if node.op == "num":
        return node.value[0]
    if node.op == "neg":
        inner = _constant(node.args[0])
        return None if inner is None else -inner
    if node.op in ("div", "mul", "add", "sub"):
        left, right = _constant(node.args[0]), _constant(node.args[1])
        if left is None or right is None:
            return None
        if node.op == "div":
            return None if right == 0 else left / right
        return {"mul": left * right, "add": left + right, "sub": left - right}[node.op]
    return None


# ----------------------------------------------------------------------------------- LaTeX

_SPACING = {",", ";", "!", " ", ":", "quad", "qquad", "displaystyle", "left", "right"}
_SIZES = {"big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr"}
_FONTS = {"mathbf", "boldsymbol", "bm", "mathit", "mathrm", "mathsf", "text", "operatorname"}
_LATEX_FUNCS = {"sigma": "sigmoid", "tanh": "tanh", "exp": "exp", "log": "log", "ln": "log"}
_TRANSPOSE = {"T", r"\top", r"\intercal", r"\mathsf{T}", r"\mathrm{T}", r"\mathbf{T}", "{T}"}


class _Latex:
    """A small recursive translator: LaTeX -> tokens -> numpy-like text with `%` marking the
    products whose kind (matrix or scalar) the shapes will decide."""

    def __init__(self, text: str, names, scalar: bool):
        self.text, self.i, self.names, self.scalar = text, 0, names, scalar
        self.tokens: list[tuple[str, str]] = []

    def fail(self, message: str):
        return ParseError(f"LaTeX: {message}", self.text, self.i)

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def command(self) -> str:
        start = self.i = self.i + 1  # skip the backslash
        while self.i < len(self.text) and self.text[self.i].isalpha():
            self.i += 1
        if self.i == start and self.i < len(self.text):
            self.i += 1  # \, \; \{ ...
        return self.text[start : self.i]

    def group(self) -> str:
        """The raw text of the next argument: {...} or one character / one command."""
        while self.peek() == " ":
            self.i += 1
        if self.peek() == "{":
            depth, start = 0, self.i
            while self.i < len(self.text):
                char = self.text[self.i]
                depth += char == "{"
                depth -= char == "}"
                self.i += 1
                if depth == 0:
                    return self.text[start + 1 : self.i - 1]
            raise self.fail("unbalanced braces")
        if self.peek() == "\\":
            start = self.i
            self.command()
            return self.text[start : self.i]
        if not self.peek():
            raise self.fail("an argument is missing at the end")
        self.i += 1
        return self.text[self.i - 1]

    def sub(self, raw: str) -> list[tuple[str, str]]:
        inner = _Latex(raw, self.names, self.scalar)
        inner.run()
        return inner.tokens

    def emit_group(self, tokens):
        self.tokens.append(("open", "("))
        self.tokens.extend(tokens)
        self.tokens.append(("close", ")"))

    def run(self) -> None:
        text = self.text
        while self.i < len(text):
            char = text[self.i]
            if char.isspace():
                self.i += 1
            elif char == "\\":
                self.latex_command()
            elif char == "^":
                self.i += 1
                self.superscript(self.group())
            elif char == "_":
                self.i += 1
                raw = self.group().strip()
                if not raw.isalnum() or not self.tokens or self.tokens[-1][0] != "name":
                    raise self.fail(f"subscript _{{{raw}}} is not understood")
                kind, name = self.tokens.pop()
                self.tokens.append((kind, name + raw))
            elif char in "{[":
                self.tokens.append(("open", "("))
                self.i += 1
            elif char in "}]":
                self.tokens.append(("close", ")"))
                self.i += 1
            elif char in "()":
                self.tokens.append(("open" if char == "(" else "close", char))
                self.i += 1
            elif char in "+-*/":
                self.tokens.append(("op", char))
                self.i += 1
            elif char == ">":
                self.tokens.append(("op", ">"))
                self.i += 1
            elif char.isdigit() or char == ".":
                start = self.i
                while self.i < len(text) and (text[self.i].isdigit() or text[self.i] == "."):
                    self.i += 1
                self.tokens.append(("num", text[start : self.i]))
            elif char.isalpha():
                self.word()
            elif char == "'":
                raise self.fail("primes (σ') are ambiguous: write the derivative out")
            elif char == "|":
                raise self.fail("norms |...| are not supported: write sums with \\vec{1}")
            else:
                raise self.fail(f"the character {char!r} is not understood")

    def word(self) -> None:
        text, start = self.text, self.i
        while self.i < len(text) and text[self.i].isalnum():
            self.i += 1
        word = text[start : self.i]
        if word in self.names or word in FUNCTIONS or word in ALIASES:
            self.tokens.append(("func" if word in FUNCTIONS else "name", ALIASES.get(word, word)))
            return
        # LaTeX names are single letters: "wx" is w times x.
        for offset, letter in enumerate(word):
            self.i = start + offset + 1
            if letter == "e" and letter not in self.names:
                rest = text[self.i :].lstrip()
                if offset == len(word) - 1 and rest.startswith("^"):
                    self.i = len(text) - len(rest) + 1
                    self.tokens.append(("func", "exp"))
                    self.emit_group(self.sub(self.group()))
                    return
                raise self.fail("a bare e is ambiguous: write e^{...} or \\exp(...)")
            self.tokens.append(("num" if letter.isdigit() else "name", letter))
        self.i = start + len(word)

    def latex_command(self) -> None:
        name = self.command()
        if name in _SPACING or name in _SIZES:
            return
        if name in ("frac", "dfrac", "tfrac"):
            top, bottom = self.sub(self.group()), self.sub(self.group())
            self.tokens.append(("open", "("))
            self.emit_group(top)
            self.tokens.append(("op", "/"))
            self.emit_group(bottom)
            self.tokens.append(("close", ")"))
        elif name == "hat":
            raw = self.group().strip()
            if raw != "y":
                raise self.fail(f"\\hat{{{raw}}} is not a symbol here (only \\hat{{y}})")
            self.tokens.append(("name", "yhat"))
        elif name in _LATEX_FUNCS:
            self.tokens.append(("func", _LATEX_FUNCS[name]))
        elif name in ("odot", "circ"):
            self.tokens.append(("op", "*"))
        elif name in ("cdot", "times"):
            self.tokens.append(("op", "%"))
        elif name in ("vec", "mathbb") or name in _FONTS:
            raw = self.group().strip()
            if raw == "1":
                self.one_vector()
            elif raw.lower() in ("relu", "sigmoid", "tanh", "exp", "log", "step"):
                self.tokens.append(("func", raw.lower()))
            elif raw.isalnum():
                self.tokens.append(("name", raw))
            else:
                self.tokens.extend(self.sub(raw))
        elif name in ("{", "}"):
            self.tokens.append(("open" if name == "{" else "close", "(" if name == "{" else ")"))
        elif name in ("sum", "partial", "nabla"):
            raise self.fail(f"\\{name} is not supported: write sums with \\vec{{1}} or sum(...)")
        else:
            raise self.fail(f"\\{name} is not understood. {LATEX_HELP}")

    def one_vector(self) -> None:
        # \mathbb{1}[Z > 0] is the indicator, relu's derivative; \vec{1} alone is the ones vector.
        rest = self.text[self.i :].lstrip()
        if rest.startswith(("[", "_")) or rest.startswith("\\{"):
            self.tokens.append(("func", "step"))
        else:
            self.tokens.append(("name", "ones"))

    def superscript(self, raw: str) -> None:
        compact = raw.replace(" ", "")
        if compact in _TRANSPOSE or "{" + compact + "}" in _TRANSPOSE:
            if self.scalar:
                raise self.fail("^T on a scalar question is ambiguous (power or transpose?)")
            if not self.tokens or self.tokens[-1][0] not in ("name", "close", "post"):
                raise self.fail("^T must follow a symbol or a parenthesis")
            self.tokens.append(("post", ".T"))
            return
        self.tokens.append(("op", "**"))
        self.emit_group(self.sub(raw))


def latex_to_text(text: str, names, *, scalar: bool = False) -> str:
    """Translate the LaTeX subset (LATEX_HELP) into numpy-like text; `%` marks a product
    (juxtaposition, \\cdot) whose kind is decided from the shapes."""
    translator = _Latex(text, set(names), scalar)
    translator.run()
    tokens = translator.tokens
    out: list[str] = []
    opener_before: list[str] = []  # for each open paren: the token before it
    before_operand: list[str] = []
    for index, (kind, value) in enumerate(tokens):
        prev = tokens[index - 1] if index else ("", "")
        if prev[0] == "func" and kind != "open":
            raise ParseError(f"LaTeX: write {prev[1]}(...) with parentheses around its argument")
        if prev[0] in ("num", "name", "close", "post") and kind in ("num", "name", "open", "func"):
            # Juxtaposition: a product. After a division it is ambiguous (1/2x).
            if before_operand and before_operand[-1] == "/":
                raise ParseError(
                    "LaTeX: a product right after / is ambiguous (1/2x): use \\frac{..}{..}"
                )
            out.append("%")
            before_operand = []
        if kind == "open":
            opener_before.append(out[-1] if out else "")
        if kind in ("num", "name", "func"):
            before_operand.append(out[-1] if out else "")
        if kind == "close":
            before_operand.append(opener_before.pop() if opener_before else "")
        out.append(value)
    text = ""
    for index, piece in enumerate(out):
        glued = index == 0 or piece in (")", ".T") or out[index - 1] == "("
        glued = glued or (piece == "(" and out[index - 1] in FUNCTIONS)
        text += piece if glued else " " + piece
    return text


# ----------------------------------------------------------------------------------- printing

_PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "matmul": 2, "prod": 2, "neg": 3, "pow": 4}
_SYMBOL = {"add": "+", "sub": "-", "mul": "*", "div": "/", "matmul": "@", "prod": "*", "pow": "**"}


def to_text(node: Node) -> str:
    """Numpy-like text of a tree, in the order it was typed, with only the needed parentheses."""
    op = node.op
    if op == "num":
        return node.value[1]
    if op == "name":
        return node.value
    if op == "T":
        return f"{_wrap(node.args[0], 5)}.T"
    if op == "call":
        if isinstance(node.value, tuple):
            axis = node.value[1]
            return f"sum({to_text(node.args[0])}{'' if axis is None else f', axis={axis}'})"
        return f"{node.value}({to_text(node.args[0])})"
    if op == "neg":
        return f"-{_wrap(node.args[0], 3)}"
    left, right = node.args
    prec = _PREC[op]
    if op == "pow":
        return f"{_wrap(left, 5)}**{_wrap(right, 5)}"
    # Left-associative: the right operand needs parentheses at equal precedence; so does a left
    # operand mixing @ with * or / (correct without them, but hard to read).
    mixed = (
        prec == 2
        and left.op in ("mul", "div", "matmul")
        and (left.op == "matmul") != (op == "matmul")
    )
    return f"{_wrap(left, prec + mixed)} {_SYMBOL[op]} {_wrap(right, prec + 1)}"


def _wrap(node: Node, prec: int) -> str:
    inner = to_text(node)
    own = _PREC.get(node.op, 5)
    if node.op == "num" and node.value[0] < 0:
        own = 3
    return f"({inner})" if own < prec else inner


_LATEX_NAMES = {"yhat": r"\hat{y}", "ones": r"\vec{1}"}


def latex_name(name: str) -> str:
    if name in _LATEX_NAMES:
        return _LATEX_NAMES[name]
    if name.startswith("d") and len(name) > 1 and name[1:] not in ("",):
        return r"\frac{\partial \mathcal{L}}{\partial " + latex_name(name[1:]) + "}"
    match = re.fullmatch(r"([A-Za-z]+?)(\d+)", name)
    return f"{match.group(1)}_{match.group(2)}" if match else name


def to_latex(node: Node, scalars: set[str] = frozenset()) -> str:
    """LaTeX in the notes' notation: juxtaposition for products with a scalar and matrix
    products, \\odot for elementwise ones, ^\\top, \\frac, \\vec{1}. `scalars` are the names
    that stand for numbers (so their products print as juxtaposition, not \\odot)."""

    def scalar(n: Node) -> bool:
        return all(name in scalars for name in n.names())

    def wrap(n: Node, prec: int) -> str:
        inner = go(n)
        own = _PREC.get(n.op, 5)
        if n.op == "div":
            own = 5  # \frac is self-delimiting
        return rf"\left({inner}\right)" if own < prec else inner

    def go(n: Node) -> str:
        op = n.op
        if op == "num":
            value = n.value[0]
            return (
                str(value)
                if value.denominator == 1
                else rf"\frac{{{value.numerator}}}{{{value.denominator}}}"
            )
        if op == "name":
            return latex_name(n.value)
        if op == "T":
            return rf"{wrap(n.args[0], 5)}^\top"
        if op == "call":
            arg = go(n.args[0])
            if isinstance(n.value, tuple):
                return (
                    rf"\left({arg}\right)\vec{{1}}"
                    if n.value[1] == 1
                    else rf"\sum {wrap(n.args[0], 5)}"
                )
            if n.value == "step":
                return rf"\mathbb{{1}}[{arg} > 0]"
            fn = {"sigmoid": r"\sigma", "relu": r"\operatorname{relu}"}.get(n.value, "\\" + n.value)
            return rf"{fn}\left({arg}\right)"
        if op == "neg":
            return f"-{wrap(n.args[0], 3)}"
        left, right = n.args
        if op == "div":
            return rf"\frac{{{go(left)}}}{{{go(right)}}}"
        if op == "pow":
            return f"{wrap(left, 5)}^{{{go(right)}}}"
        if op in ("add", "sub"):
            return f"{wrap(left, 1)} {'+' if op == 'add' else '-'} {wrap(right, 2)}"
        if op == "mul" and not (scalar(left) or scalar(right)):
            return rf"{wrap(left, 2)} \odot {wrap(right, 3)}"
        joiner = r" \cdot " if left.op == "num" and right.op == "num" else " "
        return f"{wrap(left, 2)}{joiner}{wrap(right, 3)}"

    return go(node)
