"""Hidden test cases: the student's functions against the reference solutions on seeded inputs
(distinct sizes >= 3, m = 1, continuous labels, |z| ~ 1000, saturated yhat). Instructors only:
`backprop release` leaves this file out, and nothing here is ever printed to a student.

Expected values are computed by the reference in the grader process; the student's code only
ever sees the inputs. Feedback names likely mistakes by recomputing the answer with each known
mistake ("mutants") and looking for the one the student's result matches.
"""

from __future__ import annotations

import copy
from functools import cache

import numpy as np

from autograder.contract import BCE, CACHE, LOSS, PARAMS, uses_hidden_layer
from autograder.feedback import Feedback
from autograder.grading.cases.compare import MODIFIES_INPUTS, as_numeric, close, mismatch
from autograder.grading.cases.public import (
    check_batches,
    check_forward_output,
    check_init,
    id_data,
    random_data,
    random_params,
    sizes_for,
)
from autograder.grading.cases.question import OPTIMIZER_CLASSES, Case, make_call
from autograder.grading.hidden.reference import reference
from autograder.grading.sandbox.child import ProbeModel, ProbeOptimizer
from autograder.paths import MODEL_MODULES

# (n, k, m, seed): every size >= 3 and distinct within a config, plus a single example.
CONFIGS = [(4, 5, 7, 1), (5, 3, 6, 2), (3, 6, 1, 3)]
SIGMOID_MODELS = {"two_layer_sigmoid", "logistic_regression", "two_layer_perceptron"}


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


@cache
def problems(module: str, x_scale: float = 1.0):
    """Seeded (dims, params, X, y, reference cache, reference grads) for each config."""
    out = []
    for n, k, m, seed in CONFIGS:
        rng = np.random.default_rng(1000 + seed)
        dims = sizes_for(module, n, k, m)
        params = random_params(module, dims, rng)
        X, y = random_data(dims, rng, x_scale)
        _, ref_cache = reference(module).forward(params, X)
        grads = reference(module).backward(params, ref_cache, X, y)
        out.append((dims, params, X, y, ref_cache, grads))
    return out


# ------------------------------------------------------------------ mistakes ("mutants")
def forward_mistakes(module, params, X, ref_cache) -> dict[str, np.ndarray]:
    """yhat as it comes out of each classic forward mistake."""
    p = params
    if module in ("two_layer_linear", "two_layer_sigmoid"):
        Z = p["W1"] @ X
        hidden = Z if module == "two_layer_linear" else sigmoid(Z)
        out = {"the bias b1 is not added": p["w2"] @ hidden + p["b2"]}
        if module == "two_layer_sigmoid":
            out["A = sigmoid(Z) is missing: the second layer must take A, not Z"] = (
                p["w2"] @ ref_cache["Z"] + p["b2"]
            )
        return out
    if module == "univariate_regression":
        return {"the bias b is not added: yhat = w x + b": p["w"] * X}
    if module == "multivariate_regression":
        return {"the bias b is not added: yhat = w X + b": p["w"] @ X}
    if module == "logistic_regression":
        return {
            "the sigmoid is missing: yhat = sigmoid(w X + b)": ref_cache["Z"],
            "the bias b is not added: yhat = sigmoid(w X + b)": sigmoid(p["w"] @ X),
        }
    if module == "two_layer_perceptron":
        no_b1 = np.maximum(p["W1"] @ X, 0.0)
        return {
            "the ReLU is missing: A1 = relu(Z1)": sigmoid(p["w2"] @ ref_cache["Z1"] + p["b2"]),
            "the sigmoid is missing: yhat = sigmoid(Z2)": ref_cache["Z2"],
            "the bias b1 is not added": sigmoid(p["w2"] @ no_b1 + p["b2"]),
        }
    return {}


def backward_mistakes(module, params, ref_cache, X, y) -> dict[str, dict[str, np.ndarray]]:
    """grads as they come out of each classic backward mistake: {mistake: {key: value}}."""
    m = y.shape[1]
    c = ref_cache
    out: dict[str, dict[str, np.ndarray]] = {}

    def layer1(dZ):
        return {"W1": dZ @ X.T, "b1": np.sum(dZ, axis=1, keepdims=True)}

    if module == "two_layer_sigmoid":
        dA = params["w2"].T @ ((2 / m) * (c["yhat"] - y))
        out["the sigmoid derivative A * (1 - A) is missing"] = layer1(dA)
        out["the sigmoid derivative was taken of Z (Z * (1 - Z)) instead of A (A * (1 - A))"] = (
            layer1(dA * c["Z"] * (1 - c["Z"]))
        )
        out["dL/dw2 uses Z where the notes use A (the second layer's input is A)"] = {
            "w2": (2 / m) * (c["yhat"] - y) @ c["Z"].T
        }
    if module in ("logistic_regression", "two_layer_perceptron"):
        dZ2 = (c["yhat"] - y) * c["yhat"] * (1 - c["yhat"]) / m
        label = (
            "the sigmoid derivative is applied on top of the cross-entropy's; they cancel: "
            "dL/dZ = (yhat - y) / m"
        )
        if module == "logistic_regression":
            out[label] = {"w": dZ2 @ X.T, "b": np.sum(dZ2)}
        else:
            dA1 = params["w2"].T @ dZ2
            out[label] = {"w2": dZ2 @ c["A1"].T, "b2": np.sum(dZ2), **layer1(dA1 * (c["Z1"] > 0))}
            dA1 = params["w2"].T @ ((c["yhat"] - y) / m)
            out["the ReLU derivative (Z1 > 0) is missing"] = layer1(dA1)
    return out


class Variant:
    """The reference optimizers with one classic slip switched on, for feedback."""

    def __init__(self, cls, slip, lr, beta=0.9, beta1=0.9, beta2=0.999, eps=1e-8):
        self.cls, self.slip, self.lr = cls, slip, lr
        self.b1 = beta if cls == "Momentum" else beta1
        self.b2 = beta if cls == "RMSprop" else beta2
        self.eps, self.t, self.v, self.s = eps, 0, {}, {}

    def step(self, params, grads):
        if self.slip != "t per key":
            self.t += 1
        for key, g in grads.items():
            if self.slip == "t per key":
                self.t += 1
            v = self.b1 * self.v.get(key, 0.0) + (1 - self.b1) * g
            if self.slip == "no 1 - beta":
                v = self.b1 * self.v.get(key, 0.0) + g
            s = self.b2 * self.s.get(key, 0.0) + (1 - self.b2) * g**2
            if self.slip == "no 1 - beta on s":
                s = self.b2 * self.s.get(key, 0.0) + g**2
            self.v[key], self.s[key] = v, s
            t = self.t
            if self.cls == "GD":
                update = g
            elif self.cls == "Momentum":
                update = v
            elif self.cls == "RMSprop":
                root = np.sqrt(s + self.eps) if self.slip == "eps inside" else np.sqrt(s) + self.eps
                update = g / root
            else:
                vhat, shat = v, s
                if self.slip != "no bias correction":
                    vhat, shat = v / (1 - self.b1**t), s / (1 - self.b2**t)
                root = (
                    np.sqrt(shat + self.eps)
                    if self.slip == "eps inside"
                    else np.sqrt(shat) + self.eps
                )
                update = vhat / root
            sign = -1.0 if self.slip == "sign" else 1.0
            params[key] = params[key] - sign * self.lr * update


SIGN = "the sign is flipped: p <- p - lr * update, not p + lr * update"
SLIPS = {
    "GD": {"sign": SIGN},
    "Momentum": {
        "no 1 - beta": "v <- beta v + g is missing the (1 - beta) factor on g",
        "sign": SIGN,
    },
    "RMSprop": {
        "eps inside": "eps belongs outside the square root: g / (sqrt(s) + eps)",
        "no 1 - beta on s": "s <- beta s + g^2 is missing the (1 - beta) factor on g^2",
        "sign": SIGN,
    },
    "Adam": {
        "no bias correction": "the bias correction vhat = v / (1 - beta1^t), "
        "shat = s / (1 - beta2^t) is missing",
        "t per key": "t is incremented once per key; it counts steps, once per call of step",
        "eps inside": "eps belongs outside the square root: vhat / (sqrt(shat) + eps)",
        "sign": SIGN,
    },
}
# No finite trace matches this one: with t = 0 the first bias correction divides by zero.
T_AFTER_USE = (
    "likely mistake: t is incremented after it is used: at the first step 1 - beta1^0 = 0 "
    "divides by zero; increment t first"
)


# ------------------------------------------------------------------ cases
def _init_case(module):
    dims = sizes_for(module, 5, 3, 4)
    k = dims["k"] if uses_hidden_layer(module) else None
    call = make_call(module, "init_params", n=dims["n"], k=k, seeds=[7, 7, 8])
    return Case(
        "hidden: other sizes", 0.5, True, [call], lambda values: check_init(values[0], module, dims)
    )


def _forward_cases(module):
    def case(name, points, x_scale):
        probs = large_problems(module) if x_scale is None else problems(module, x_scale)
        calls = [
            make_call(module, "call", func="forward", args=[params, X])
            for _, params, X, _, _, _ in probs
        ]

        def judge(values):
            for value, (dims, params, X, _, ref_cache, _) in zip(values, probs, strict=True):
                problem = check_forward_output(value, module, dims)
                if problem:
                    return problem
                yhat, got_cache = value["result"]
                mistakes = forward_mistakes(module, params, X, ref_cache)
                problem = mismatch(
                    f"{module}.forward: yhat",
                    yhat,
                    ref_cache["yhat"],
                    m=dims["m"],
                    mistakes=mistakes,
                )
                for key in CACHE[module]:
                    problem = problem or mismatch(
                        f"{module}.forward: cache[{key!r}]",
                        got_cache[key],
                        ref_cache[key],
                        m=dims["m"],
                    )
                if problem:
                    return problem + f" (m = {dims['m']})"
            return None

        return Case(name, points, True, calls, judge)

    edge = (
        "hidden: large inputs, |z| about 1000 (no overflow, no nan)"
        if module in SIGMOID_MODELS
        else "hidden: inputs ten times larger"
    )
    return [
        case("hidden: values on seeded inputs, m = 7, 6, 1", 1.0, 1.0),
        case(edge, 0.5, None if module in SIGMOID_MODELS else 10.0),
    ]


LARGE_Z = 1100.0  # exp(z) overflows above 709: exp(z) / (1 + exp(z)) is nan there


@cache
def large_problems(module: str):
    """The seeded problems with X scaled, per config, so that the largest z entering a sigmoid
    is about +LARGE_Z (positive, where a naive exp(z) overflows) and no |z| is much larger.
    z is linear in X (Z = W X + b), or nearly so for large X (Z2 = w2 relu(W1 X + b1) + b2),
    so a sign and a scale found far out are refined twice on the reference."""
    key = "Z2" if module == "two_layer_perceptron" else "Z"
    ref = reference(module)
    out = []
    for unit, zero in zip(problems(module, 1.0), problems(module, 0.0), strict=True):
        dims, params, X, y, _, _ = unit
        base = zero[4][key]

        def part(scale, X=X, params=params, base=base):
            return ref.forward(params, scale * X)[1][key] - base

        # probe far out, where the biases no longer matter and z grows linearly with the scale
        sign = 1.0 if part(1000.0).max() >= part(-1000.0).max() else -1.0
        unit_part = part(sign * 1000.0) / 1000.0
        # where no z can be made positive (a ReLU layer shut for this config), aim at |z|
        positive = unit_part.max() > 0.1 * np.abs(unit_part).max()

        def peak(z, positive=positive):
            return float(z.max() if positive else np.abs(z).max())

        scale = sign * LARGE_Z / max(peak(unit_part), 1e-12)
        for _ in range(2):
            scale *= LARGE_Z / max(peak(part(scale) + base), 1e-12)
        X_large = scale * X
        _, ref_cache = ref.forward(params, X_large)
        grads = ref.backward(params, ref_cache, X_large, y)
        out.append((dims, params, X_large, y, ref_cache, grads))
    return out


def _loss_cases(module):
    probs = problems(module)
    calls = [
        make_call(module, "call", func="loss", args=[c["yhat"], y]) for _, _, _, y, c, _ in probs
    ]

    def judge(values):
        for value, (dims, _, _, y, ref_cache, _) in zip(values, probs, strict=True):
            yhat = ref_cache["yhat"]
            expected = reference(module).loss(yhat, y)
            mistakes = {}
            if LOSS[module] == BCE:
                mistakes["only the y log(yhat) term: add (1 - y) log(1 - yhat)"] = (
                    -np.sum(y * np.log(yhat)) / dims["m"]
                )
            else:
                mistakes["the norm is not squared: L = (1/m) ||yhat - y||^2"] = (
                    np.linalg.norm(yhat - y) / dims["m"]
                )
            problem = mismatch(
                f"{module}.loss", value["result"], expected, m=dims["m"], mistakes=mistakes
            )
            if problem:
                return problem + f" (m = {dims['m']})"
        return None

    cases = [Case("hidden: values on seeded inputs, m = 7, 6, 1", 0.5, True, calls, judge)]
    if LOSS[module] == BCE:
        yhat = np.array([[0.0, 1.0, 0.3, 0.8]])
        y = np.array([[0.0, 1.0, 0.25, 0.6]])
        edge = make_call(module, "call", func="loss", args=[yhat, y])

        def judge_edge(values):
            got, problem = as_numeric(values[0]["result"], ())
            if problem:
                return (
                    f"{module}.loss with yhat exactly 0 or 1: {problem}; clip yhat to "
                    "[eps, 1 - eps] before taking the log"
                )
            expected = reference(module).loss(yhat, y)
            return (
                None
                if abs(got - expected) <= 1e-5 * expected
                else (f"{module}.loss with yhat exactly 0 or 1 has the wrong value")
            )

        cases.append(
            Case("hidden: yhat exactly 0 or 1 (finite loss)", 0.25, True, [edge], judge_edge)
        )
    else:
        cases[0].points = 0.75
    return cases


def _backward_cases(module):
    probs = problems(module)
    calls = [
        make_call(module, "call", func="backward", args=[params, c, X, y])
        for _, params, X, y, c, _ in probs
    ]
    mistakes = [backward_mistakes(module, params, c, X, y) for _, params, X, y, c, _ in probs]

    def judge_key(key):
        def judge(values):
            for value, (dims, _, _, _, _, grads), wrong in zip(
                values, probs, mistakes, strict=True
            ):
                if value["mutated"]:
                    return Feedback(
                        f"{module}.backward must not modify its inputs (params, cache, X or y)",
                        MODIFIES_INPUTS,
                    )
                got = value["result"]
                if not isinstance(got, dict) or key not in got:
                    return f"{module}.backward must return a dict with the key {key!r}"
                candidates = {label: alt[key] for label, alt in wrong.items() if key in alt}
                problem = mismatch(
                    f"{module}.backward: grads[{key!r}]",
                    got[key],
                    grads[key],
                    m=dims["m"],
                    mistakes=candidates,
                    key=key,
                )
                if problem:
                    return problem + f" (m = {dims['m']})"
            return None

        return judge

    shapes = PARAMS[module]
    return [
        Case(f"hidden: dL/d{key} on seeded inputs", 1.0, True, calls, judge_key(key))
        for key in shapes
    ]


def _optimizer_cases(cls):
    rng = np.random.default_rng(77)
    params = {"W": rng.standard_normal((3, 4)), "b": float(rng.normal())}
    grads = [{"W": rng.standard_normal((3, 4)), "b": float(rng.normal())} for _ in range(4)]
    settings = {
        "default": {"lr": 0.01},
        "other": {
            "lr": 0.05,
            **{
                "Momentum": {"beta": 0.5},
                "RMSprop": {"beta": 0.8, "eps": 1e-3},
                "Adam": {"beta1": 0.7, "beta2": 0.9, "eps": 1e-3},
            }.get(cls, {}),
        },
    }

    def expected_trace(kwargs, slip=None):
        opt = (
            Variant(cls, slip, **kwargs)
            if slip
            else getattr(reference("optimizers"), cls)(**kwargs)
        )
        p, trace = copy.deepcopy(params), []
        for g in grads:
            opt.step(p, copy.deepcopy(g))
            trace.append(dict(p))
        return trace

    def case(name, points, kwargs):
        call = make_call(
            "optimizers", "optimizer_trace", cls=cls, kwargs=kwargs, params=params, grads_seq=grads
        )
        expected = expected_trace(kwargs)
        variants = {label: expected_trace(kwargs, slip) for slip, label in SLIPS[cls].items()}

        def judge(values):
            label = f"optimizers.{cls}.step"
            if values[0]["grads_mutated"]:
                return Feedback(f"{label} must not modify grads", MODIFIES_INPUTS)
            for step, (got, want) in enumerate(zip(values[0]["trace"], expected, strict=True), 1):
                for key in want:
                    if not isinstance(got, dict) or key not in got:
                        return f"{label} lost the key {key!r} of params"
                    alts = {lab: v[step - 1][key] for lab, v in variants.items()}
                    if cls == "Adam" and step == 1 and not _finite(got[key]):
                        return Feedback(
                            f"{label}: params[{key!r}] after step 1 holds nan or inf; "
                            + T_AFTER_USE,
                            "t is incremented after it is used",
                        )
                    problem = mismatch(
                        f"{label}: params[{key!r}] after step {step}",
                        got[key],
                        want[key],
                        mistakes=alts,
                    )
                    if problem:
                        return problem
            return None

        return Case(name, points, True, [call], judge)

    return [
        case(
            "hidden: four steps, an array and a scalar key, default settings",
            1.0,
            settings["default"],
        ),
        case("hidden: four steps with other hyperparameters", 0.5, settings["other"]),
    ]


def _finite(value) -> bool:
    try:
        return bool(np.all(np.isfinite(np.asarray(value, dtype=float))))
    except (TypeError, ValueError):
        return True  # not a number at all: mismatch() says so


def _minibatches_cases():
    specs = [(13, 5, [5, 5, 6]), (4, 1, [1, 1, 2]), (6, 20, [2, 2, 3])]
    calls, data = [], []
    for m, batch_size, seeds in specs:
        X, y = id_data(m, seed=m)
        data.append((X, y, batch_size))
        calls.append(
            make_call("optimizers", "minibatches", X=X, y=y, batch_size=batch_size, seeds=seeds)
        )

    def judge(values):
        for value, (X, y, batch_size) in zip(values, data, strict=True):
            label = f"optimizers.minibatches(X of {X.shape[1]} examples, batch_size={batch_size})"
            first, again, _ = value
            problem = check_batches(first, X, y, batch_size, label)
            if problem:
                return problem
            if plain_order(first) != plain_order(again):
                return f"{label} gave different batches for two generators with the same seed"
        return None

    return [Case("hidden: sizes 13/5, 4/1 and a batch larger than m", 1.0, True, calls, judge)]


def plain_order(result):
    return [np.rint(b[0][0]).tolist() for b in result["batches"]]


def _train_cases():
    X, y = id_data(7, n=4, seed=11)
    params = {"w": np.full((1, 4), 0.2)}
    full = make_call(
        "optimizers",
        "train",
        X=X,
        y=y,
        params=params,
        epochs=4,
        batch_size=None,
        seed=None,
        lr=0.05,
    )
    p = copy.deepcopy(params)
    expected_losses = reference("optimizers").train(ProbeModel(), p, X, y, ProbeOptimizer(0.05), 4)

    def judge_full(values):
        label = "optimizers.train (full batch, 4 epochs)"
        losses = values[0]["losses"]
        if not isinstance(losses, list) or len(losses) != 4:
            return f"{label} must return 4 losses, one per step"
        got, _ = as_numeric(np.array(losses, dtype=float), (4,))
        if got is None or not close(got, np.array(expected_losses)):
            return (
                f"{label}: the losses differ from the expected run; each loss must be the one "
                "of the forward pass whose gradients that step applied"
            )
        return mismatch(
            f"{label}: params['w'] after training", values[0]["params"].get("w"), p["w"]
        )

    Xm, ym = id_data(10, seed=12)
    runs = [{"params": {"w": np.zeros((1, 3))}, "seed": s, "replay": _replay(s)} for s in (21, 22)]
    mini = [
        make_call("optimizers", "train", X=Xm, y=ym, epochs=2, batch_size=4, lr=0.05, **run)
        for run in runs
    ]
    expected = [_train_replayed(Xm, ym, run["params"], 0.05, run["replay"]) for run in runs]

    def judge_mini(values):
        label = "optimizers.train(..., epochs=2, batch_size=4) on 10 examples"
        if not isinstance(values[0]["losses"], list) or len(values[0]["losses"]) != 6:
            return f"{label} must take 3 steps per epoch (batches of 4, 4, 2): 6 losses"
        if not values[0]["replayed"]:  # it made batches without calling minibatches
            return _judge_own_batches(label, values[0]["seen"], values[1]["seen"])
        for value, run, (losses, w) in zip(values, runs, expected, strict=True):
            if len(value["replayed"]) != 2:
                return f"{label} must call minibatches once per epoch (2 epochs)"
            if not all(value["replayed"]):
                return f"{label} must pass its rng on to minibatches"
            if value["seen"] != [ids for epoch in run["replay"] for ids in epoch]:
                return f"{label} must take one step per batch that minibatches yields, in order"
            got, _ = as_numeric(np.array(value["losses"], dtype=float), (6,))
            if got is None or not close(got, np.array(losses)):
                return f"{label}: the losses differ from the expected run on the same batches"
            problem = mismatch(f"{label}: params['w'] after training", value["params"]["w"], w)
            if problem:
                return problem
        return None

    return [
        Case("hidden: full-batch run against the reference", 0.5, True, [full], judge_full),
        Case("hidden: minibatches, one step per batch, rng used", 0.5, True, mini, judge_mini),
    ]


def _replay(seed: int) -> list[list[list[int]]]:
    """Batches of 4, 4, 2 from 10 examples for 2 epochs, in an order the grader picks."""
    rng = np.random.default_rng(1000 + seed)
    epochs = [rng.permutation(10).tolist() for _ in range(2)]
    return [[order[0:4], order[4:8], order[8:10]] for order in epochs]


def _train_replayed(X, y, params, lr, replay):
    """The reference train on the replayed batches: (losses, final w)."""
    optimizers = reference("optimizers")
    own, epochs = optimizers.minibatches, iter(replay)
    optimizers.minibatches = lambda X, y, batch_size, rng=None: (
        (X[:, ids], y[:, ids]) for ids in next(epochs)
    )
    try:
        p = copy.deepcopy(params)
        rng = np.random.default_rng(0)
        losses = optimizers.train(ProbeModel(), p, X, y, ProbeOptimizer(lr), 2, 4, rng)
    finally:
        optimizers.minibatches = own
    return losses, p["w"]


def _judge_own_batches(label: str, seen: list, other: list) -> str | None:
    """A train that shuffles by itself: judged by the batches it used."""
    if [len(b) for b in seen] != [4, 4, 2, 4, 4, 2]:
        sizes = [len(b) for b in seen]
        return f"{label}: steps should use batches of 4, 4, 2 per epoch, got {sizes}"
    for epoch in (seen[:3], seen[3:]):
        if sorted(i for b in epoch for i in b) != list(range(10)):
            return f"{label}: every example must be used exactly once per epoch"
    if seen == other or seen[:3] == seen[3:]:
        return f"{label}: batches must be shuffled with the rng it is given, anew each epoch"
    return None


def add_cases(questions: dict) -> None:
    for module in MODEL_MODULES:
        questions[f"{module}.init_params"].cases.append(_init_case(module))
        questions[f"{module}.forward"].cases += _forward_cases(module)
        questions[f"{module}.loss"].cases += _loss_cases(module)
        questions[f"{module}.backward"].cases += _backward_cases(module)
    for cls in OPTIMIZER_CLASSES:
        questions[f"optimizers.{cls}"].cases += _optimizer_cases(cls)
    questions["optimizers.minibatches"].cases += _minibatches_cases()
    questions["optimizers.train"].cases += _train_cases()
