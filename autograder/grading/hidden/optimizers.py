"""Hidden cases of optimizers.py: each optimizer against the reference over several steps and
hyperparameters (named slips recognised), minibatches and train by the properties the contract
fixes, train on batches the grader chose (replayed by id). Instructors only: `backprop release`
leaves this folder out."""

from __future__ import annotations

import copy

import numpy as np

from autograder.feedback import Feedback
from autograder.grading.cases.compare import MODIFIES_INPUTS, as_numeric, close, mismatch
from autograder.grading.cases.inputs import id_data
from autograder.grading.cases.properties import check_batches
from autograder.grading.cases.question import OPTIMIZER_CLASSES, Case, make_call
from autograder.grading.hidden.reference import reference
from autograder.grading.sandbox.child import ProbeModel, ProbeOptimizer


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
    for cls in OPTIMIZER_CLASSES:
        questions[f"optimizers.{cls}"].cases += _optimizer_cases(cls)
    questions["optimizers.minibatches"].cases += _minibatches_cases()
    questions["optimizers.train"].cases += _train_cases()
