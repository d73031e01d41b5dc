"""Shape inference with named dimensions, before any value is computed.

A shape is a tuple of dimensions, each a name ("n", "m", "k") or 1; a scalar is (). Checking
with names rather than numbers is what catches `(yhat - y) @ X`: numpy would need the sizes to
differ to notice, and broadcasting would hide `(1, m) * (k, m)` altogether.

The rules (no silent broadcasting):
  * a scalar (or a (1, 1) result such as `(yhat - y) @ ones`) combines with anything;
  * `+ - * /` otherwise need equal shapes, with one exception: a column (d, 1) added to or
    subtracted from a (d, c) matrix is broadcast along the columns, the way the notes broadcast
    the bias b1 (k, 1) to (k, m) in Z = W1 X + b1;
  * `@` needs (a, b) @ (b, c); `**` needs a scalar exponent; sum(E, axis=1) is (a, 1), axis=0
    (1, b), no axis a scalar (sums keep their dimensions, like the notes' E 1).
Products typed in LaTeX by juxtaposition (`prod`) become `*` when a side is a scalar, else `@`.
"""

from __future__ import annotations

from autograder.derivations.parse import Node, to_text

Shape = tuple


class ShapeError(ValueError):
    """The formula does not type-check; the message says where and how to fix it."""


def fmt(shape: Shape) -> str:
    return "a scalar" if shape == () else "(" + ", ".join(str(d) for d in shape) + ")"


def is_scalar(shape: Shape) -> bool:
    return shape == () or shape == (1, 1)


def same(a: Shape, b: Shape) -> bool:
    return a == b or (is_scalar(a) and is_scalar(b))


def infer(node: Node, shapes: dict[str, Shape]) -> tuple[Shape, Node]:
    """The shape of `node` given the shapes of the names, and the tree with every `prod`
    resolved to `mul` or `matmul`. Raises ShapeError."""
    op = node.op
    if op == "num":
        return (), node
    if op == "name":
        return tuple(shapes[node.value]), node
    if op in ("neg", "T", "call"):
        shape, arg = infer(node.args[0], shapes)
        node = Node(op, (arg,), node.value, node.pos)
        if op == "T":
            return tuple(reversed(shape)), node
        if op == "call" and isinstance(node.value, tuple):
            axis = node.value[1]
            if shape == ():
                raise ShapeError(f"sum({to_text(arg)}): there is nothing to sum in a scalar")
            if axis is None:
                return (), node
            return ((shape[0], 1) if axis == 1 else (1, shape[1])), node
        return shape, node
    (a, left), (b, right) = infer(node.args[0], shapes), infer(node.args[1], shapes)
    if op == "prod":
        op = "mul" if a == () or b == () else "matmul"
    node = Node(op, (left, right), node.value, node.pos)
    where = f"in `{to_text(node)}`"
    if op == "pow":
        if b != ():
            raise ShapeError(f"{where}: the exponent must be a scalar, not {fmt(b)}")
        return a, node
    if op == "matmul":
        return _matmul(a, b, left, right, where), node
    if is_scalar(a) or is_scalar(b):
        return (b if is_scalar(a) and not (a == (1, 1) and b == ()) else a), node
    if a == b:
        return a, node
    if op in ("add", "sub"):
        for col, full in ((a, b), (b, a)):
            if col[1] == 1 and col[0] == full[0]:
                return full, node  # a bias column broadcast along the examples
    name = {"add": "add", "sub": "subtract", "mul": "multiply elementwise", "div": "divide"}[op]
    message = f"{where}: cannot {name} {fmt(a)} and {fmt(b)}: the shapes differ"
    if op == "mul" and a[1] == b[0]:
        message += (
            f". For the matrix product {fmt(a)} @ {fmt(b)} use @ (* is elementwise, the notes' ⊙)"
        )
    elif a == tuple(reversed(b)):
        message += "; one side needs a transpose (.T)"
    else:
        message += " (there is no broadcasting here; only a scalar combines with any shape)"
    raise ShapeError(message)


def resolve(node: Node, shapes: dict[str, Shape]) -> Node:
    """The tree with each `prod` made `mul` or `matmul`, as far as shapes allow: used to echo
    an answer whose shapes fail (infer raises before it can return the resolved tree)."""
    try:
        return infer(node, shapes)[1]
    except ShapeError:
        pass

    def go(n: Node) -> tuple[Shape | None, Node]:
        if n.op == "num":
            return (), n
        if n.op == "name":
            return tuple(shapes[n.value]), n
        parts = [go(arg) for arg in n.args]
        n = Node(n.op, tuple(p[1] for p in parts), n.value, n.pos)
        if n.op == "prod":
            scalar = any(p[0] == () for p in parts)
            n = Node("mul" if scalar else "matmul", n.args, n.value, n.pos)
        try:
            return infer(n, shapes)[0], n
        except ShapeError:
            return None, n

    return go(node)[1]


def _matmul(a: Shape, b: Shape, left: Node, right: Node, where: str) -> Shape:
    if a == () or b == ():
        raise ShapeError(
            f"{where}: @ is the matrix product of two matrices; for a number times a matrix use *"
        )
    if a[1] == b[0]:
        return (a[0], b[1])
    if a == b:
        raise ShapeError(
            f"{where}: {fmt(a)} @ {fmt(b)} does not match; @ is the matrix product; "
            "for the elementwise product (the notes' ⊙) use *"
        )
    fix = None
    if a[1] == b[1]:
        fix = f"{_name(right)}.T: {fmt(a)} @ {fmt(tuple(reversed(b)))}"
    elif a[0] == b[0]:
        fix = f"{_name(left)}.T: {fmt(tuple(reversed(a)))} @ {fmt(b)}"
    elif a[0] == b[1]:
        fix = f"the product in the other order: {fmt(b)} @ {fmt(a)}"
    message = f"{where}: {fmt(a)} @ {fmt(b)} does not match (the inner sizes differ)"
    raise ShapeError(message + (f"; it needs {fix}" if fix else ""))


def _name(node: Node) -> str:
    text = to_text(node)
    return text if node.op in ("name", "T", "call") else f"({text})"


def result_hint(got: Shape, want: Shape, target: str, shapes: dict[str, Shape]) -> str:
    """Why a well-formed answer has the wrong shape, and what would fix it."""
    message = f"your answer has shape {fmt(got)}, but dL/d{target} has the shape of {target}, "
    message += f"{fmt(want)}"
    over_examples = got and got[-1] == "m" and want != got
    if over_examples and (want == () or (want[-1] == 1 and want[0] == got[0])):
        return message + ": sum over the m examples (@ ones, or sum(..., axis=1))"
    if over_examples and want and want[0] == got[0]:
        return message + f": a factor (m, {want[-1]}) is missing on the right (a sum over examples)"
    alike = sorted(n for n, s in shapes.items() if tuple(s) == got and n not in ("m", "ones"))
    if alike:
        return message + (
            f". {fmt(got)} is the shape of {', '.join(alike)}: is this the derivative with "
            f"respect to another variable?"
        )
    return message
