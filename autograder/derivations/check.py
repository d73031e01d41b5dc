"""Check one answer: parse, shapes, then values, with feedback in a fixed order.

    1. syntax (with the position)            credit 0
    2. shapes of every operation (the fix)   credit 0
    3. shape of the result; a transposed result that is otherwise right earns TRANSPOSED
    4. equivalent to the reference           credit 1
    5. a listed misconception                its credit (e.g. 0.5)
    6. a constant factor off (-1, 2, 1/2, m, 1/m, m/2, 2/m)   FACTOR
    7. not equivalent                        credit 0

Equivalence is decided by values, never by simplify()/equals() (slow, and false negatives on
sigmoid/tanh forms): matrix answers are evaluated with numpy on three random instances of a
consistent forward pass (sizes distinct and >= 3), and compared by the norm-relative error with
the gradient derived from the forward pass (autodiff.py); scalar answers at six random points
with 40-digit mpmath numbers, against SymPy's derivative of the function. No answer is stored.
Points and instances are seeded from the question id, so the same
text always gets the same verdict.

read_as: scalar answers are echoed as SymPy prints them, built with evaluate=False so the terms
stay in the student's order; matrix answers by this package's printer (parse.to_text), because
SymPy's matrix expressions cannot hold `1 - A`, elementwise sigmoid of a matrix, or shapes with
named dimensions without reordering or rejecting them. LaTeX answers are echoed in the
numpy-like form they were translated into, with each product resolved to `*` or `@`.

Time limit: the student-dependent work runs in a daemon thread joined with TIME_LIMIT seconds
(threads work wherever check_answer is called from: worker threads, forked processes, the main
thread; signal.alarm only works in the main thread). The evaluators also check a deadline at
every node, so a runaway check stops by itself instead of lingering. Question data (reference
values, SymPy's derivatives) is prepared before the clock starts: it is trusted and cached.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from fractions import Fraction

import numpy as np

from autograder.derivations import evaluate
from autograder.derivations.models import SIZES, compiled, instances, seed_of, truth
from autograder.derivations.parse import ParseError, parse, to_text
from autograder.derivations.question import Question
from autograder.derivations.shapes import ShapeError, fmt, infer, resolve, result_hint, same
from autograder.feedback import NOT_ANSWERED as NOT_ANSWERED_NAME

TIME_LIMIT = 1.0
TRANSPOSED = 0.5
FACTOR = 0.5
RTOL_MATRIX = 1e-7
SCALAR_POINTS = 6
RTOL_SCALAR = Fraction(1, 10**25)

NOT_ANSWERED = "not answered yet: replace ... with your formula in quotes"


@dataclass
class Verdict:
    question: str
    read_as: str
    correct: bool
    credit: float
    feedback: str
    # the diagnosis as a short name for the class report ("the 1/m of the mean is missing",
    # "transposed", a misconception's feedback...): never a formula; not in to_dict, whose keys
    # are documented
    mistake: str = ""

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["mistake"]
        return data


# the names of the diagnoses (Verdict.mistake) other than a misconception's
NOT_ANSWERED_MISTAKE = NOT_ANSWERED_NAME
SYNTAX = "syntax error"
SHAPES = "the shapes of an operation do not fit"
WRONG_SHAPE = "the result has the wrong shape"
TRANSPOSED_MISTAKE = "transposed"
NOT_EQUIVALENT = "not equivalent"

# the diagnosis of each constant factor (the factor's name, then its mistake)
FACTOR_MISTAKES = {
    "-1": "sign flipped",
    "2": "an extra factor 2",
    "1/2": "a factor 2 missing",
    "-2": "a factor -2",
    "-1/2": "a factor -1/2",
    "m": "missing 1/m",
    "1/m": "a 1/m too many",
    "m/2": "missing 2/m",
    "2/m": "a 2/m too many",
}


def _factors(scalar: bool):
    """(name, value as a function of m, feedback) of the constant factors we recognise."""
    common = [
        ("-1", lambda m: -1.0, "the sign is flipped (yhat - y versus y - yhat?)"),
        ("2", lambda m: 2.0, "it is twice the answer"),
        ("1/2", lambda m: 0.5, "it is half the answer (the 2 from the square is missing?)"),
        ("-2", lambda m: -2.0, "it is -2 times the answer"),
        ("-1/2", lambda m: -0.5, "it is -1/2 times the answer"),
    ]
    if scalar:
        return common
    return common + [
        ("m", lambda m: m, "it is m times the answer: the 1/m of the mean is missing"),
        ("1/m", lambda m: 1 / m, "it is 1/m times the answer: a 1/m too many"),
        ("m/2", lambda m: m / 2, "it is m/2 times the answer: the factor 2/m is missing"),
        ("2/m", lambda m: 2 / m, "it is 2/m times the answer: a 2/m too many"),
    ]


def check_answer(question_id, text, questions: dict | None = None, *, echo: bool = True) -> Verdict:
    """Check `text` as the answer to question `question_id` of `questions` (default: the
    active question file, autograder.derivations.QUESTIONS). Never raises.

    echo=False leaves a scalar answer's read_as empty: the credit without SymPy's echo (which
    needs `import sympy`), for the grader, which shows read_as only in the feedback of a case
    that fails."""
    qid = question_id if isinstance(question_id, str) else repr(question_id)
    try:
        return _check_answer(qid, text, questions, echo)
    except Exception as error:  # the last line of defence: a verdict, never a traceback
        return Verdict(
            qid, "", False, 0.0, f"the answer could not be checked ({type(error).__name__})"
        )


def _check_answer(qid: str, text, questions: dict | None, echo: bool = True) -> Verdict:
    if questions is None:
        from autograder.derivations.active import QUESTIONS as questions
    question = questions.get(qid)
    if question is None:
        return Verdict(qid, "", False, 0.0, f"unknown question {qid!r}")
    return check_with(question, text, echo=echo)


def check_with(
    question: Question, text, time_limit: float = TIME_LIMIT, *, echo: bool = True
) -> Verdict:
    """Check an answer to a Question object (a question file's, or a practice variant)."""
    qid = question.id
    if text is ...:
        return Verdict(qid, "", False, 0.0, NOT_ANSWERED, NOT_ANSWERED_MISTAKE)
    if not isinstance(text, str):
        return Verdict(
            qid,
            "",
            False,
            0.0,
            f'expected the formula as a string in quotes, like "2/m * (yhat - y)"; '
            f"got a value of type {type(text).__name__}",
        )
    text = str.__str__(text)  # a plain str, whatever subclass came in
    try:
        prepared = _prepare(question)
    except Exception as error:  # a broken question is a bug of ours, not the student's
        return Verdict(qid, "", False, 0.0, f"this question could not be prepared ({error})")
    if echo and question.kind == "scalar":
        from autograder.derivations.symbolic import _sympy

        _sympy()  # the echo's SymPy, imported before the clock starts (the cache spares prepare it)
    box: list = []
    deadline = time.monotonic() + time_limit

    def work() -> None:
        try:
            box.append(_check(question, prepared, text, deadline, echo))
        except evaluate.Timeout:
            box.append(None)
        except Exception as error:
            box.append(Verdict(qid, "", False, 0.0, f"the answer could not be checked ({error})"))

    worker = threading.Thread(target=work, daemon=True, name=f"check-{qid}")
    worker.start()
    worker.join(time_limit + 0.1)
    if not box or box[0] is None:
        return Verdict(
            qid, "", False, 0.0, f"checking took longer than {time_limit:g} s; simplify the formula"
        )
    return box[0]


# ------------------------------------------------------------------------------ preparation


class _Prepared:
    """envs: matrix: instance environments; scalar: points (name -> mpf). reference: the
    derived truth on each env (never a typed formula). wrongs: the values of each
    misconception, computed the first time an answer is not right (a right answer never
    needs them)."""

    def __init__(self, envs: list, reference: list, wrongs):
        self.envs, self.reference = envs, reference
        self._wrongs = wrongs  # a list, or a function that computes it
        self._lock = threading.Lock()

    @property
    def wrongs(self) -> list:
        with self._lock:
            if callable(self._wrongs):
                self._wrongs = self._wrongs()
            return self._wrongs


def _prepare(question: Question) -> _Prepared:
    # the same id may name different questions in different files, and the student release
    # holds a question without its misconceptions: the cache key covers both
    key = (question.id, question.key, tuple(w.formula for w in question.misconceptions))
    if question.kind == "scalar":
        return _prepare_scalar(key, question)
    return _prepare_matrix(key, question)


_CACHE: dict = {}
_LOCK = threading.Lock()


def _cached(key, build):
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = build()
        return _CACHE[key]


def _prepare_matrix(key: tuple, question: Question) -> _Prepared:
    def build():
        envs, derived = _matrix_values(question)
        names = question.names

        def values(formula):
            tree = compiled(formula, names)
            _, tree = infer(tree, question.shapes)
            with np.errstate(all="ignore"):
                return [np.asarray(evaluate.numeric(tree, env), dtype=float) for env in envs]

        def wrongs():
            return [values(wrong.formula) for wrong in question.misconceptions]

        return _Prepared(envs, derived, wrongs)

    return _cached(("matrix", key), build)


def _matrix_values(question: Question) -> tuple[list, list]:
    """The instances of a matrix question and dL/d(target) on each: from the on-disk cache
    when this installation computed them before (matrix_cache.py), else computed now."""
    from autograder.derivations import matrix_cache

    seed_key = question.model.name + "/" + question.id
    try:
        entry_key = matrix_cache.key(question, seed_key, SIZES)
    except Exception:  # noqa: BLE001 - no cache then: compute
        entry_key = None
    found = matrix_cache.load(entry_key, len(SIZES)) if entry_key else None
    if found is not None:
        return found
    envs = instances(question.model, seed_key)
    derived = [np.asarray(truth(question.model, question.target, env), dtype=float) for env in envs]
    if entry_key:
        matrix_cache.store(entry_key, envs, derived)
    return envs, derived


def _prepare_scalar(key: tuple, question: Question) -> _Prepared:
    qid = question.id

    def build():
        import mpmath

        from autograder.derivations import symbolic

        with evaluate.workdps(evaluate.DIGITS + 20):
            return _build_scalar(mpmath, symbolic)

    def _build_scalar(mpmath, symbolic):
        rng = np.random.default_rng(seed_of("scalar", qid))
        points = []
        for _ in range(SCALAR_POINTS):
            point = {}
            for name, (low, high) in sorted(question.variables.items()):
                # Rational points drawn from the interval, away from relu's kink at 0.
                value = Fraction(int(rng.integers(1, 10**6)), 10**6) * Fraction(high - low)
                value += Fraction(low)
                if value == 0:
                    value = Fraction(1, 7)
                point[name] = mpmath.mpf(value.numerator) / value.denominator
            points.append(point)
        ref_values = _scalar_reference(question, points, symbolic)
        envs = [_scalar_env(question, point) for point in points]

        def wrongs():
            with evaluate.workdps(evaluate.DIGITS + 20):
                return [
                    [evaluate.precise(compiled(w.formula, question.names), env) for env in envs]
                    for w in question.misconceptions
                ]

        return _Prepared(envs, ref_values, wrongs)

    return _cached(("scalar", key), build)


def _scalar_reference(question: Question, points: list[dict], symbolic) -> list:
    """SymPy's derivative at the points, from the on-disk cache when this installation derived
    it before (cache.py: keyed by the question's content and the code), else derived now."""
    from autograder.derivations import cache

    try:
        key = cache.key(question, points, symbolic.DIGITS)
    except Exception:  # noqa: BLE001 - no cache then: derive
        key = None
    values = cache.load(key, len(points)) if key else None
    if values is None:
        names = frozenset(question.variables)
        reference = symbolic.reference(question.function, question.target, names)
        values = symbolic.values_at(reference, points, symbolic.DIGITS)
        if key:
            cache.store(key, values)
    return values


def _scalar_env(question: Question, point: dict) -> dict:
    env = dict(point)
    for name, formula in question.definitions.items():
        env[name] = evaluate.precise(compiled(formula, frozenset(question.variables)), point)
    return env


# ------------------------------------------------------------------------------ the check


def _check(
    question: Question, prepared: _Prepared, text: str, deadline: float, echo: bool = True
) -> Verdict:
    qid, scalar = question.id, question.kind == "scalar"
    try:
        tree = parse(text, question.names, scalar=scalar)
    except ParseError as error:
        return Verdict(qid, "", False, 0.0, f"Syntax: {error}", SYNTAX)
    try:
        shape, tree = infer(tree, question.shapes)
    except ShapeError as error:
        read_as = to_text(resolve(tree, question.shapes))
        return Verdict(qid, read_as, False, 0.0, f"Shapes: {error}", SHAPES)
    read_as = _render(tree, scalar) if echo or not scalar else ""
    want = question.target_shape
    if not same(shape, want):
        if want and shape == tuple(reversed(want)):
            student = _values(question, prepared, tree, deadline)
            if all(_close(s.T, r) for s, r in zip(student, prepared.reference, strict=True)):
                return Verdict(
                    qid,
                    read_as,
                    False,
                    TRANSPOSED,
                    f"Transposed: your result is {fmt(shape)}, the transpose of "
                    f"dL/d{question.target} {fmt(want)}; otherwise it is right. Transpose it "
                    f"(the gradient always has the shape of {question.target}).",
                    TRANSPOSED_MISTAKE,
                )
            return Verdict(
                qid,
                read_as,
                False,
                0.0,
                f"Shapes: your result is {fmt(shape)}, the transpose of the shape of "
                f"{question.target} {fmt(want)}, and its values differ from the answer too.",
                WRONG_SHAPE,
            )
        return Verdict(
            qid,
            read_as,
            False,
            0.0,
            "Shapes: " + result_hint(shape, want, question.target, question.shapes),
            WRONG_SHAPE,
        )
    student = _values(question, prepared, tree, deadline)
    if _all_close(student, prepared.reference, scalar):
        return Verdict(qid, read_as, True, 1.0, "Correct.")
    for wrong, values in zip(question.misconceptions, prepared.wrongs, strict=True):
        if _all_close(student, values, scalar):
            return Verdict(
                qid,
                read_as,
                False,
                wrong.credit,
                f"Almost: {wrong.feedback}. (partial credit {wrong.credit:g})",
                f"misconception: {wrong.feedback}",
            )
    ms = [1.0] * len(student) if scalar else [env["m"] for env in prepared.envs]
    for name, factor, feedback in _factors(scalar):
        scaled = [
            _scale(ref, factor(m), scalar) for ref, m in zip(prepared.reference, ms, strict=True)
        ]
        if _all_close(student, scaled, scalar):
            return Verdict(
                qid,
                read_as,
                False,
                FACTOR,
                f"A constant factor off: {feedback} (your answer = {name} × the answer). "
                f"(partial credit {FACTOR:g})",
                FACTOR_MISTAKES[name],
            )
    return Verdict(
        qid,
        read_as,
        False,
        0.0,
        f"Not equivalent: your formula has the right shape but its values differ from "
        f"dL/d{question.target} on random instances{_size_hint(student, prepared.reference)}.",
        NOT_EQUIVALENT,
    )


def _size_hint(student: list, reference: list) -> str:
    """How the student's values compare with the truth, without saying what the truth is:
    the ratio of their sizes, and whether the difference is small (a term missing or extra)."""
    try:
        s = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in student])
        t = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in reference])
    except (TypeError, ValueError):
        return ""
    size, truth = float(np.linalg.norm(s)), float(np.linalg.norm(t))
    if not (np.all(np.isfinite(s)) and truth > 0 and size > 0):
        return ""
    off = float(np.linalg.norm(s - t)) / truth
    hint = f" (the size of your values is {size / truth:.2g} × the answer's"
    if off < 0.5:
        hint += (
            f", and they differ from it by {100 * off:.0f}% of its size: a term missing or extra?"
        )
    return hint + ")"


def _render(tree, scalar: bool) -> str:
    if scalar:
        from autograder.derivations.symbolic import render

        return render(tree)
    return to_text(tree)


def _values(question: Question, prepared: _Prepared, tree, deadline: float) -> list:
    if question.kind == "scalar":
        return [evaluate.precise(tree, env, deadline) for env in prepared.envs]
    with np.errstate(all="ignore"):
        return [
            np.asarray(evaluate.numeric(tree, env, deadline), dtype=float) for env in prepared.envs
        ]


def _scale(value, factor: float, scalar: bool):
    if scalar:
        import mpmath

        with evaluate.workdps(evaluate.DIGITS + 10):
            return value * mpmath.mpf(Fraction(factor).numerator) / Fraction(factor).denominator
    return value * factor


def _close(student: np.ndarray, reference: np.ndarray) -> bool:
    """Norm-relative error ‖a − b‖ / (‖a‖ + ‖b‖) below RTOL_MATRIX (with an absolute floor, since
    equivalent sigmoid forms can differ near 0), on values of the same size."""
    student, reference = np.asarray(student, float), np.asarray(reference, float)
    if student.size != reference.size or not np.all(np.isfinite(student)):
        return False
    student, reference = student.reshape(-1), reference.reshape(-1)
    error = np.linalg.norm(student - reference)
    scale = np.linalg.norm(student) + np.linalg.norm(reference)
    return bool(error <= RTOL_MATRIX * scale + 1e-12)


def _close_scalar(student, reference) -> bool:
    import mpmath

    if not (mpmath.isfinite(student) and mpmath.isfinite(reference)):
        return False
    with evaluate.workdps(evaluate.DIGITS + 10):
        tolerance = mpmath.mpf(RTOL_SCALAR.numerator) / RTOL_SCALAR.denominator
        return abs(student - reference) <= tolerance * max(1, abs(student), abs(reference))


def _all_close(student: list, reference: list, scalar: bool) -> bool:
    close = _close_scalar if scalar else _close
    return all(close(s, r) for s, r in zip(student, reference, strict=True))
