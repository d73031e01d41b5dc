"""Question files: derivation questions written in TOML, the truth derived, never stored.

    [model.two_layer_sigmoid]           # optional: a forward pass shared by several questions
    forward = ["Z = W1 @ X + b1", "A = sigmoid(Z)", "yhat = w2 @ A + b2",
               "L = 1/m * sum((yhat - y)**2)"]
    shapes = { X = "(n, m)", y = "(1, m)", W1 = "(k, n)", b1 = "(k, 1)", w2 = "(1, k)",
               b2 = "scalar" }
    domain = { y = [0.05, 0.95] }       # sampling interval of an input (default [-2, 2])
    description = "..."                 # optional: shown before each question's prompt

    [[question]]
    id = "two_layer_sigmoid_dW1"        # letters, digits, underscores; unique
    points = 2                          # default 1
    model = "two_layer_sigmoid"         # or forward/shapes/domain written in the question
    wrt = "W1"                          # an input or an intermediate of the forward pass
    given = ["dZ"]                      # optional: upstream gradients the answer may use
    prompt = "Derive dL/dW1."           # optional: generated from the definition
    misconceptions = [{ formula = "...", feedback = "...", credit = 0.5 }]

    [[question]]                        # a scalar question: a function and its variable
    id = "power3"
    function = "x**3"
    wrt = "x"
    domain = { x = [-2.0, 2.0] }
    definitions = { yhat = "sigmoid(z)" }   # optional: names answers may use

Every name in `shapes` that the forward pass does not assign is an input, drawn uniformly from
its domain; the last line defines the scalar L; `m` is the number of examples and `ones` the
(m, 1) column of ones. Errors name the file, the question and the field.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from pathlib import Path

from autograder.derivations.models import Model
from autograder.derivations.parse import ALIASES, FUNCTIONS, ParseError, parse
from autograder.derivations.question import Misconception, Question
from autograder.derivations.shapes import ShapeError, fmt, infer, same

HERE = Path(__file__).resolve().parent / "questions"
BUILTIN = HERE / "builtin.toml"
COURSE = HERE / "course.toml"  # installed by `backprop release --questions FILE`
ENV = "BACKPROP_QUESTIONS"  # a question file for every command (set by --questions)

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
RESERVED = {"m", "ones", "L", "sum", "T", *FUNCTIONS, *ALIASES}
MODEL_FIELDS = {"forward", "shapes", "domain", "description"}
QUESTION_FIELDS = {
    *MODEL_FIELDS,
    "id",
    "points",
    "prompt",
    "model",
    "wrt",
    "given",
    "misconceptions",
    "function",
    "definitions",
}
MISCONCEPTION_FIELDS = {"formula", "feedback", "credit"}


class QuestionFileError(ValueError):
    """A question file that cannot be used; the message names the question and the field."""


def default_path() -> Path:
    """The question file commands use: $BACKPROP_QUESTIONS, else the course file a release
    installed, else the package's built-in questions."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    return COURSE if COURSE.is_file() else BUILTIN


def install_active(package: Path) -> None:
    """Copy the active question file ($BACKPROP_QUESTIONS, set by --questions) into a copy of
    the package as its course file, whole (for instructor-side copies such as the Gradescope
    autograder; the student release writes a stripped one instead)."""
    source = os.environ.get(ENV)
    if source:
        target = package / COURSE.relative_to(HERE.parent.parent)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(Path(source).read_bytes())


def load(path: Path | str, *, deep: bool = False) -> dict[str, Question]:
    """The questions of a file, by id, in file order. deep=True also checks that no
    misconception equals the derived truth (which needs the derivations: slower)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise QuestionFileError(
            f"{path}: cannot read the question file ({error.strerror})"
        ) from None
    except UnicodeDecodeError:
        raise QuestionFileError(f"{path}: not a UTF-8 text file") from None
    except tomllib.TOMLDecodeError as error:
        raise QuestionFileError(f"{path}: not valid TOML: {error}") from None
    questions = parse_data(data, str(path))
    if deep:
        check_misconceptions(questions, str(path))
    return questions


def parse_data(data: dict, where: str = "<questions>") -> dict[str, Question]:
    extra = set(data) - {"question", "model"}
    if extra:
        raise QuestionFileError(f"{where}: unknown top-level key {sorted(extra)[0]!r}")
    models = data.get("model", {})
    entries = data.get("question", [])
    if not isinstance(models, dict) or not isinstance(entries, list):
        raise QuestionFileError(
            f"{where}: write questions as [[question]] and models as [model.NAME]"
        )
    if not entries:
        raise QuestionFileError(f"{where}: no [[question]] in the file")
    questions: dict[str, Question] = {}
    built_models: dict = {}
    for number, entry in enumerate(entries, 1):
        qid = entry.get("id") if isinstance(entry, dict) else None
        label = f"{where}: question {qid if isinstance(qid, str) else f'#{number}'}"
        if not isinstance(entry, dict):
            raise QuestionFileError(f"{label}: each [[question]] must be a table")
        question = _question(entry, models, built_models, label)
        if question.id in questions:
            raise QuestionFileError(f"{label}: id: duplicate id {question.id!r}")
        questions[question.id] = question
    return questions


def _fail(label: str, field: str, message: str):
    return QuestionFileError(f"{label}: {field}: {message}")


def _question(entry: dict, models: dict, built: dict, label: str) -> Question:
    unknown = set(entry) - QUESTION_FIELDS
    if unknown:
        name = sorted(unknown)[0]
        raise _fail(label, name, f"unknown field (known: {', '.join(sorted(QUESTION_FIELDS))})")
    qid = entry.get("id")
    if not isinstance(qid, str) or not re.fullmatch(IDENT, qid):
        raise _fail(label, "id", "letters, digits and underscores, not starting with a digit")
    points = entry.get("points", 1)
    if isinstance(points, bool) or not isinstance(points, int | float) or not points > 0:
        raise _fail(label, "points", f"a positive number, not {points!r}")
    wrt = entry.get("wrt")
    if not isinstance(wrt, str) or not wrt:
        raise _fail(label, "wrt", "the variable to differentiate against is missing")
    prompt = entry.get("prompt", "")
    if not isinstance(prompt, str):
        raise _fail(label, "prompt", "a string")
    model = entry.get("model")
    shared = models.get(model) if isinstance(model, str) else None
    key = hashlib.sha256(
        json.dumps([entry, shared], sort_keys=True, default=str).encode()
    ).hexdigest()[:16]
    if "function" in entry:
        for name in ("forward", "shapes", "model", "given"):
            if name in entry:
                raise _fail(label, name, "a scalar question (function = ...) has no " + name)
        return _scalar(entry, qid, float(points), wrt, prompt, key, label)
    return _matrix(entry, models, built, qid, float(points), wrt, prompt, key, label)


# ------------------------------------------------------------------------------ matrix questions


def parse_shape(text, label: str, field: str) -> tuple:
    """ "(n, m)" -> ("n", "m"); "(k, 1)" -> ("k", 1); "scalar" or "()" -> ()."""
    if not isinstance(text, str):
        raise _fail(label, field, f'a shape in quotes such as "(n, m)" or "scalar", not {text!r}')
    inner = text.strip()
    if inner in ("scalar", "()"):
        return ()
    match = re.fullmatch(r"\(\s*([A-Za-z0-9_]+)\s*,\s*([A-Za-z0-9_]+)\s*\)", inner)
    if not match:
        raise _fail(label, field, f'{text!r} is not a shape: write "(rows, columns)" or "scalar"')
    out = []
    for dim in match.groups():
        if dim.isdigit() and int(dim) > 0:
            out.append(int(dim))
        elif re.fullmatch(IDENT, dim) and dim != "ones":
            out.append(dim)
        else:
            raise _fail(label, field, f"{dim!r} is not a dimension (a name such as n, or 1, 2...)")
    return tuple(out)


def _model_fields(entry: dict, models: dict, label: str) -> tuple[str, dict]:
    name = entry.get("model")
    if name is None:
        return f"{entry['id']}", {k: entry[k] for k in MODEL_FIELDS if k in entry}
    if not isinstance(name, str) or name not in models:
        known = ", ".join(sorted(models)) or "none"
        raise _fail(label, "model", f"no [model.{name}] in the file (known: {known})")
    if not isinstance(models[name], dict):
        raise _fail(label, "model", f"[model.{name}] must be a table")
    fields = dict(models[name])
    unknown = set(fields) - MODEL_FIELDS
    if unknown:
        raise _fail(f"{label} (model {name})", sorted(unknown)[0], "unknown field")
    for key in MODEL_FIELDS & set(entry):  # a question may override a field of its model
        fields[key] = entry[key]
    return name, fields


def _matrix(entry, models, built, qid, points, wrt, prompt, key, label) -> Question:
    name, fields = _model_fields(entry, models, label)
    cache_key = json.dumps(fields, sort_keys=True, default=str)
    model = built.get(cache_key) or _build_model(name, fields, label)
    built[cache_key] = model
    if wrt in ("L", "m", "ones") or wrt not in model.shapes:
        raise _fail(label, "wrt", f"{wrt!r} is not an input or an intermediate of the forward pass")
    given = entry.get("given", [])
    if not isinstance(given, list) or not all(isinstance(g, str) for g in given):
        raise _fail(label, "given", 'a list of gradient names such as ["dZ2", "dA1"]')
    for grad in given:
        if not (grad.startswith("d") and grad[1:] in model.shapes and grad[1:] != "L"):
            raise _fail(label, "given", f"{grad!r} is not d<name> of a name of the forward pass")
        if grad[1:] == wrt:
            raise _fail(label, "given", f"{grad!r} is the answer itself")
        if grad in model.shapes:
            raise _fail(label, "given", f"{grad!r} is already a name of the forward pass")
    if given:  # the gradients are derived alongside the forward pass, on the same instances
        model = Model(
            model.name,
            model.shapes,
            model.forward,
            tuple(dict.fromkeys((*model.grads, *given))),
            model.description,
            model.domain,
        )
    question = Question(qid, "", points, "matrix", wrt, (), model, tuple(given), key=key)
    if not prompt:
        prompt = f"Derive dL/d{wrt}" + (f" (you may use {', '.join(given)})." if given else ".")
    intro = model.description or ",  ".join(f"{n} = {f}" for n, f in model.forward)
    wrongs = _misconceptions(entry, question, label)
    return Question(
        qid,
        f"{intro}.  {prompt}",
        points,
        "matrix",
        wrt,
        wrongs,
        model,
        tuple(given),
        key=key,
    )


def _build_model(name: str, fields: dict, label: str) -> Model:
    forward, shapes_in = fields.get("forward"), fields.get("shapes", {})
    if not isinstance(forward, list) or not forward or not all(isinstance(f, str) for f in forward):
        raise _fail(label, "forward", 'a list of lines such as ["yhat = w @ X + b", "L = ..."]')
    if not isinstance(shapes_in, dict):
        raise _fail(label, "shapes", 'a table such as { X = "(n, m)", b = "scalar" }')
    shapes: dict = {}
    for symbol, text in shapes_in.items():
        if symbol in RESERVED or not re.fullmatch(IDENT, symbol):
            raise _fail(label, f"shapes.{symbol}", f"{symbol!r} cannot be a name here")
        shapes[symbol] = parse_shape(text, label, f"shapes.{symbol}")
    lines = []
    for number, line in enumerate(forward, 1):
        where = f"forward line {number} ({line.strip()!r})"
        target, sep, formula = line.partition("=")
        target = target.strip()
        if not sep or not re.fullmatch(IDENT, target) or formula.lstrip().startswith("="):
            raise _fail(label, where, "write each line as NAME = FORMULA")
        lines.append((target, formula.strip(), where))
    assigned = [target for target, _, _ in lines]
    inputs = {n: s for n, s in shapes.items() if n not in assigned}
    known = {**inputs, "m": (), "ones": ("m", 1)}
    for index, (target, formula, where) in enumerate(lines):
        last = index == len(lines) - 1
        if target in known or (target in RESERVED and not (last and target == "L")):
            raise _fail(label, where, f"{target!r} is already defined or reserved")
        if last and target != "L":
            raise _fail(label, where, "the last line must define the loss: L = ...")
        try:
            tree = parse(formula, frozenset(known))
            shape, _ = infer(tree, known)
        except ParseError as error:
            raise _fail(label, where, str(error).splitlines()[0]) from None
        except ShapeError as error:
            raise _fail(label, where, f"inconsistent shapes: {error}") from None
        declared = shapes.get(target)
        if declared is not None and not same(declared, shape):
            raise _fail(label, where, f"{target} is {fmt(shape)} but shapes says {fmt(declared)}")
        if last and not same(shape, ()):
            raise _fail(label, where, f"L must be a scalar, not {fmt(shape)} (sum it?)")
        known[target] = declared if declared is not None else shape
    for dims in known.values():
        if dims and len(dims) != 2:
            raise _fail(label, "shapes", "shapes are scalars or (rows, columns)")
    if "m" not in {d for s in inputs.values() for d in s}:
        raise _fail(label, "shapes", "no input has the dimension m (the number of examples)")
    domain = _domain(fields.get("domain", {}), set(inputs), label)
    description = fields.get("description", "")
    if not isinstance(description, str):
        raise _fail(label, "description", "a string")
    all_shapes = {n: s for n, s in known.items() if n not in ("m", "ones")}
    forward_pairs = tuple((t, f) for t, f, _ in lines)
    return Model(name, all_shapes, forward_pairs, (), description, domain)


def _domain(domain, names: set, label: str) -> dict:
    if not isinstance(domain, dict):
        raise _fail(label, "domain", "a table such as { y = [0.05, 0.95] }")
    out = {}
    for name, interval in domain.items():
        if name not in names:
            raise _fail(label, f"domain.{name}", f"{name!r} is not an input")
        ok = (
            isinstance(interval, list)
            and len(interval) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in interval)
            and interval[0] < interval[1]
        )
        if not ok:
            raise _fail(label, f"domain.{name}", "an interval [low, high] with low < high")
        out[name] = (float(interval[0]), float(interval[1]))
    return out


# ------------------------------------------------------------------------------ scalar questions


def _scalar(entry, qid, points, wrt, prompt, key, label) -> Question:
    function = entry["function"]
    if not isinstance(function, str) or not function.strip():
        raise _fail(label, "function", 'a formula in quotes, such as "x**3"')
    found = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", function)) - RESERVED
    domain_in = entry.get("domain", {})
    variables = sorted(found | {wrt} | set(domain_in if isinstance(domain_in, dict) else {}))
    if wrt in RESERVED or not re.fullmatch(IDENT, wrt):
        raise _fail(label, "wrt", f"{wrt!r} cannot be a variable")
    if wrt not in found:
        raise _fail(label, "wrt", f"{wrt!r} does not appear in the function")
    try:
        parse(function, frozenset(variables), scalar=True)
    except ParseError as error:
        raise _fail(label, "function", str(error).splitlines()[0]) from None
    domain = _domain(domain_in, set(variables), label)
    variables_with_domain = {name: domain.get(name, (-2.0, 2.0)) for name in variables}
    definitions = entry.get("definitions", {})
    if not isinstance(definitions, dict):
        raise _fail(label, "definitions", 'a table such as { yhat = "sigmoid(z)" }')
    for name, formula in definitions.items():
        if name in variables or name in RESERVED or not re.fullmatch(IDENT, name):
            raise _fail(label, f"definitions.{name}", f"{name!r} cannot be defined here")
        try:
            parse(str(formula), frozenset(variables), scalar=True)
        except ParseError as error:
            raise _fail(label, f"definitions.{name}", str(error).splitlines()[0]) from None
    if not prompt:
        prompt = f"f({', '.join(variables)}) = {function}. Derive df/d{wrt}."
    question = Question(
        qid,
        prompt,
        points,
        "scalar",
        wrt,
        (),
        function=function,
        variables=variables_with_domain,
        definitions={k: str(v) for k, v in definitions.items()},
        key=key,
    )
    wrongs = _misconceptions(entry, question, label)
    return Question(
        qid,
        prompt,
        points,
        "scalar",
        wrt,
        wrongs,
        function=function,
        variables=variables_with_domain,
        definitions=question.definitions,
        key=key,
    )


# ------------------------------------------------------------------------------ misconceptions


def _misconceptions(entry: dict, question: Question, label: str) -> tuple:
    items = entry.get("misconceptions", [])
    if not isinstance(items, list):
        raise _fail(label, "misconceptions", "a list of { formula, feedback, credit } tables")
    out = []
    for number, item in enumerate(items, 1):
        field = f"misconceptions[{number}]"
        if not isinstance(item, dict) or set(item) - MISCONCEPTION_FIELDS:
            raise _fail(label, field, "a table with formula, feedback and credit only")
        formula, feedback = item.get("formula"), item.get("feedback")
        credit = item.get("credit", 0.5)
        if not isinstance(formula, str) or not isinstance(feedback, str) or not feedback:
            raise _fail(label, field, "formula and feedback are both strings")
        if isinstance(credit, bool) or not isinstance(credit, int | float) or not 0 <= credit < 1:
            raise _fail(label, f"{field}.credit", "a number in [0, 1) (1 is the right answer)")
        try:
            tree = parse(formula, question.names, scalar=question.kind == "scalar")
            shape, _ = infer(tree, question.shapes)
        except ParseError as error:
            raise _fail(label, f"{field}.formula", str(error).splitlines()[0]) from None
        except ShapeError as error:
            raise _fail(label, f"{field}.formula", f"inconsistent shapes: {error}") from None
        if not same(shape, question.target_shape):
            raise _fail(
                label,
                f"{field}.formula",
                f"its shape {fmt(shape)} is not the answer's {fmt(question.target_shape)}",
            )
        out.append(Misconception(formula, feedback, float(credit)))
    return tuple(out)


def check_misconceptions(questions: dict, where: str) -> None:
    """What only the derivation shows: the truth must be finite on the sampled inputs (a log
    of a negative number needs a domain), L must depend on wrt, and no misconception may
    equal the derived truth (it would take credit from right answers)."""
    import mpmath
    import numpy as np

    from autograder.derivations import evaluate
    from autograder.derivations.check import _prepare, check_with

    for question in questions.values():
        label = f"{where}: question {question.id}"
        bare = strip(question)
        prepared = _prepare(bare)
        values = prepared.reference
        if question.kind == "matrix":
            finite = all(np.all(np.isfinite(np.asarray(v, dtype=float))) for v in values)
            finite = finite and all(np.isfinite(env["L"]) for env in prepared.envs)
            zero = finite and all(not np.any(np.asarray(v, dtype=float)) for v in values)
        else:
            function = parse(question.function, frozenset(question.variables), scalar=True)
            finite = all(mpmath.isfinite(v) for v in values)
            finite = finite and all(
                mpmath.isfinite(evaluate.precise(function, env)) for env in prepared.envs
            )
            zero = finite and all(v == 0 for v in values)
        if not finite:
            raise _fail(
                label,
                "domain",
                "L or its derivative is not finite on the sampled inputs (a log of a negative "
                "number, a division by zero?): give the inputs a domain",
            )
        if zero:
            raise _fail(label, "wrt", f"L does not depend on {question.target} (the answer is 0)")
        for number, wrong in enumerate(question.misconceptions, 1):
            verdict = check_with(bare, wrong.formula, time_limit=10.0)
            if verdict.correct:
                raise _fail(
                    label,
                    f"misconceptions[{number}].formula",
                    "equals the right answer (the derived gradient)",
                )


def strip(question: Question) -> Question:
    """The question without its misconceptions (what students get)."""
    from dataclasses import replace

    return replace(question, misconceptions=())
