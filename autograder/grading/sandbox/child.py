"""The student side of grading: runs inside a sandboxed child process (and, for notebooks,
in-process on the student's own namespace). It holds no solution and no expected value: it
receives inputs, calls the student's functions and returns what they gave as plain data.

Usage (by autograder.grading.sandbox.parent): zygote(CONTROL_FD) forks a child per request,
which runs serve(CALLS_FD, RESULTS_FD, READ_ROOTS). The child jails itself (jail.py), writes
{"ready"} to RESULTS_FD, then reads calls from CALLS_FD ({"id", "module", "scenario", "args"};
one question's calls arrive together), each an 8-byte length and a pickle of the call as plain
data decodes it (the grader's own data: the child trusts only the grader; nothing comes back as
a pickle), and answers each, in order, with one JSON line: {"id", "ok": true, "value"} or {"id",
"ok": false, "error", "message"}, preceded by {"importing": name} and {"imported": name} the
first time a module is needed.
"""

from __future__ import annotations

import copy
import importlib
import os
import pickle
import sys
import time
import traceback

import numpy as np

try:  # inside the sandbox this file sits beside plain.py; in the package it is a submodule
    from autograder.grading.sandbox import plain
except ImportError:  # pragma: no cover - exercised in the sandbox
    import plain


# ---------------------------------------------------------------- probes for train()
class ProbeModel:
    """A model train() can drive without using any exercise answer: yhat = w X,
    L = (1/m) sum |yhat - y|^3. X's first row holds example ids, so the batches it sees
    tell which examples each step used; the labels it sees (`seen_y`) tell whether the y
    columns went with them."""

    def __init__(self):
        self.seen: list[list[int]] = []
        self.seen_y: list[list[float]] = []

    def forward(self, params, X):
        yhat = params["w"] @ X
        return yhat, {"yhat": yhat}

    def loss(self, yhat, y):
        return float(np.mean(np.abs(yhat - y) ** 3))

    def backward(self, params, cache, X, y):
        self.seen.append([int(i) for i in np.rint(X[0])])
        self.seen_y.append([float(v) for v in np.ravel(y)])
        d = cache["yhat"] - y
        return {"w": (3 / y.shape[1]) * (np.abs(d) * d) @ X.T}


class ProbeOptimizer:
    """Sign descent, p <- p - lr sign(g): not one of the exercise optimizers."""

    def __init__(self, lr):
        self.lr = lr

    def step(self, params, grads):
        for key, g in grads.items():
            params[key] = params[key] - self.lr * np.sign(g)


# ---------------------------------------------------------------- scenarios
def _same(a, b) -> bool:
    """Whether `b` (a copy the student's code had) still holds what `a` (the grader's inputs)
    holds, as plain data says it: arrays by dtype, shape and bytes, floats by repr, containers
    item by item. The inputs are plain (numbers, arrays, lists, str-keyed dicts); anything
    else the student put in its place is compared as plain data would encode it."""
    if type(a) is not type(b):
        return _same_encoded(a, b)
    if type(a) is np.ndarray or isinstance(a, np.generic):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if type(a) is dict:
        return list(a) == list(b) and all(_same(v, b[k]) for k, v in a.items())
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(map(_same, a, b))
    if type(a) is float:
        return repr(a) == repr(b)
    if a is None or type(a) in (bool, int, str):
        return a == b
    return _same_encoded(a, b)


def _same_encoded(a, b) -> bool:
    try:
        return plain.dumps(a) == plain.dumps(b)
    except Exception:
        return False


def call(module, func, args):
    """Call module.func(*args) on copies; report the result and which arguments it changed."""
    fn = getattr(module, func)
    given = copy.deepcopy(args)
    result = fn(*given)
    mutated = [i for i, (a, g) in enumerate(zip(args, given, strict=True)) if not _same(a, g)]
    return {"result": result, "mutated": mutated}


def init_params(module, n, k, seeds):
    """init_params with each seed in turn, plus one draw with rng=None must still work."""
    results = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        before = rng.bit_generator.state["state"]["state"]
        params = module.init_params(n, k, rng=rng)
        advanced = rng.bit_generator.state["state"]["state"] != before
        results.append({"params": params, "rng_used": advanced})
    return results


def optimizer_trace(module, cls, kwargs, params, grads_seq):
    """Steps of module.<cls>(**kwargs) over a gradient sequence: params after every step."""
    optimizer = getattr(module, cls)(**kwargs)
    params = copy.deepcopy(params)
    trace, grads_mutated = [], False
    for grads in grads_seq:
        given = copy.deepcopy(grads)
        optimizer.step(params, given)
        grads_mutated = grads_mutated or not _same(given, grads)
        trace.append(copy.deepcopy(params))  # arrays may be updated in place
    return {"trace": trace, "grads_mutated": grads_mutated}


def minibatches(module, X, y, batch_size, seeds):
    """The batches of one minibatches() call per seed (at most 10,000)."""
    out = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        before = rng.bit_generator.state["state"]["state"]
        batches = []
        for i, batch in enumerate(module.minibatches(np.array(X), np.array(y), batch_size, rng)):
            if i >= 10_000:
                break
            batches.append(list(batch) if isinstance(batch, tuple) else batch)
        after = rng.bit_generator.state["state"]["state"]
        out.append({"batches": batches, "rng_used": after != before})
    return out


def train(module, X, y, params, epochs, batch_size, seed, lr, replay=None):
    """module.train on the probe model and optimizer; the losses, batches seen and params.

    With `replay` (per epoch, the example ids of each batch, chosen by the grader), the
    module's own minibatches is swapped for one that yields those batches, so that train is
    judged on its own: a broken minibatches costs only its own question. `replayed` says, per
    call of minibatches, whether train passed on its rng."""
    model = ProbeModel()
    params = copy.deepcopy(params)
    rng = None if seed is None else np.random.default_rng(seed)
    replayed: list[bool] = []
    own = getattr(module, "minibatches", None)
    if replay is not None and own is not None:
        epochs_left = iter(replay)

        def minibatches(X, y, batch_size, rng_given=None):
            replayed.append(rng_given is rng)
            for ids in next(epochs_left, []):
                yield X[:, ids], y[:, ids]

        module.minibatches = minibatches  # train looks minibatches up in its module's globals
    try:
        losses = module.train(model, params, X, y, ProbeOptimizer(lr), epochs, batch_size, rng)
    finally:
        if own is not None:
            module.minibatches = own
    return {
        "losses": losses,
        "seen": model.seen,
        "seen_y": model.seen_y,
        "params": params,
        "replayed": replayed,
    }


def gradcheck(module, params, X, y, h=1e-5):
    """The student's backward and central differences of the student's own forward and loss."""

    def loss_at(p):
        yhat, _ = module.forward(p, X)
        return float(module.loss(yhat, y))

    _, cache = module.forward(params, X)
    grads = module.backward(params, cache, X, y)
    numeric = {}
    for key, value in params.items():
        base = np.array(value, dtype=float)
        num = np.zeros_like(base)
        for index in np.ndindex(base.shape):
            diffs = []
            for sign in (1, -1):
                p = base.copy()
                p[index] += sign * h
                diffs.append(loss_at(dict(params, **{key: p if p.ndim else float(p)})))
            num[index] = (diffs[0] - diffs[1]) / (2 * h)
        numeric[key] = num
    return {"grads": grads, "numeric": numeric}


def answers(module, ids):
    """The typed answers of a derivations file: the value of each variable (or missing)."""
    return {i: getattr(module, i) if hasattr(module, i) else {"missing": True} for i in ids}


SCENARIOS = {
    "call": call,
    "init_params": init_params,
    "optimizer_trace": optimizer_trace,
    "minibatches": minibatches,
    "train": train,
    "gradcheck": gradcheck,
    "answers": answers,
}


# ---------------------------------------------------------------- running calls
def describe_exception(exc: BaseException) -> tuple[str, str]:
    """(error type, message with the student's last line) for feedback."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if not f.filename.endswith(("child.py", "plain.py", "jail_imports.py"))
    ]
    where = (
        f" (at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}: "
        f"{(frames[-1].line or '').strip()[:120]})"
        if frames
        else ""
    )
    message = str(exc).strip()[:500]
    return type(exc).__name__, f"{type(exc).__name__}: {message}{where}"


def run_call(modules: dict, call_spec: dict) -> dict:
    """Run one call against the loaded modules; always returns a result record."""
    name = call_spec["module"]
    module = modules.get(name)
    record = {"id": call_spec["id"]}
    if isinstance(module, str):  # the import failed; the string says why
        return dict(record, ok=False, error="ImportError", message=module)
    started = time.perf_counter()
    try:
        value = SCENARIOS[call_spec["scenario"]](module, **call_spec["args"])
        record.update(ok=True, value=plain.encode(value))
    except NotImplementedError as exc:
        record.update(ok=False, error="NotImplementedError", message=str(exc) or "not implemented")
    except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt too
        record["ok"] = False
        record["error"], record["message"] = describe_exception(exc)
    record["seconds"] = time.perf_counter() - started
    return record


def load_module(name: str):
    """Import a student module, or return a string saying why it could not be imported."""
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return f"{name}.py is not in the submission"
        return f"{name}.py could not be imported: {describe_exception(exc)[1]}"
    except BaseException as exc:  # noqa: BLE001
        return f"{name}.py could not be imported: {describe_exception(exc)[1]}"
    if type(module).__name__ == "Placeholder":  # see jail_imports: nothing was found
        return f"{name}.py is not in the submission"
    return module


def serve(  # pragma: no cover - runs in the child
    calls_fd: int,
    results_fd: int,
    read_roots: list[str],
    chroot: bool = True,
    denied: tuple[str, ...] = (),
) -> None:
    """Jail this process, then answer calls in the order they come: the grader sends one
    question's calls at a time, the next question's only after this one's answers."""
    import json

    import jail

    calls = os.fdopen(calls_fd, "rb")
    out = os.fdopen(results_fd, "w", buffering=1)

    def progress(name: str) -> None:
        out.write(json.dumps({"preloading": name}) + "\n")

    mode = jail.enter(os.getcwd(), read_roots, chroot, tuple(denied), progress)
    out.write(json.dumps({"ready": mode}) + "\n")
    modules: dict = {}
    while len(header := calls.read(8)) == 8:
        call_spec = pickle.loads(calls.read(int.from_bytes(header, "big")))
        name = call_spec["module"]
        if name not in modules:
            out.write(json.dumps({"importing": name}) + "\n")
            modules[name] = load_module(name)
            out.write(json.dumps({"imported": name}) + "\n")
        record = run_call(modules, call_spec)
        _flush_printed()
        out.write(json.dumps(record) + "\n")
    os._exit(0)  # skip interpreter teardown: a student's atexit or __del__ must not linger


def _flush_printed() -> None:  # pragma: no cover - in the child
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001, S110 - a student may have closed or replaced it
            pass


def zygote(control_fd: int) -> None:  # pragma: no cover - runs in the zygote process
    """Fork a fresh child for each request on the control socket, with numpy and the runtime
    already imported (a submission then costs a fork, not a Python start). Requests carry the
    child's three pipe ends; the zygote answers {"pid"}, then {"returncode"} when it exits.
    A request {"clone": true} carries one socket instead: the zygote forks a copy of itself
    that serves that socket, and answers {"pid"}. The zygote never runs student code and holds
    nothing secret."""
    import gc
    import json
    import socket

    import jail
    import jail_imports

    importlib.import_module("autograder.validation")  # the exercises' input checks
    for name in jail.PRELOADED:
        importlib.import_module(name)
    jail_imports.survey(skip=sys.path[0])  # the runtime folder holds nothing a student imports
    # what is loaded now stays out of every collection in the children: a collection would
    # touch (and so copy) each forked page of it, and none of it is garbage
    gc.freeze()
    control = socket.socket(fileno=control_fd)
    clones: set[int] = set()
    while True:
        message, fds, _, _ = socket.recv_fds(control, 1 << 16, 3)
        if not message:  # the grader is gone (or done with this zygote)
            _reap(clones)
            os._exit(0)
        request = json.loads(message)
        if request.get("clone"):  # a new zygote: a fork of this one, on the socket sent
            pid = os.fork()
            if pid == 0:
                control.close()
                control, clones = socket.socket(fileno=fds[0]), set()
                continue
            os.close(fds[0])
            clones.add(pid)
            clones -= {p for p in clones if os.waitpid(p, os.WNOHANG)[0]}  # reap ended ones
            control.sendall(json.dumps({"pid": pid}).encode() + b"\n")
            continue
        pid = os.fork()
        if pid == 0:
            control.close()
            _become_child(request, fds)
        for fd in fds:
            os.close(fd)
        control.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        control.sendall(json.dumps({"returncode": code}).encode() + b"\n")


def _reap(clones: set[int], seconds: float = 2.0) -> None:  # pragma: no cover - in the zygote
    """Wait (a little) for the clones to end, so that their CPU time is counted where this
    zygote's is (the grader stops the clones first, then the template)."""
    deadline = time.monotonic() + seconds
    while clones and time.monotonic() < deadline:
        try:
            clones -= {p for p in clones if os.waitpid(p, os.WNOHANG)[0]}
        except ChildProcessError:
            return
        time.sleep(0.005)


def _become_child(request: dict, fds: list[int]) -> None:  # pragma: no cover - forked child
    import resource

    try:
        calls_fd, results_fd, output_fd = fds
        os.setsid()  # its own process group: the grader kills the group
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        keep = sorted({0, 1, 2, calls_fd, results_fd})
        for low, high in zip(keep, [*keep[1:], 1 << 16], strict=True):
            os.closerange(low + 1, high)  # nothing of the zygote's stays open
        for name, value in request["limits"].items():
            limit = getattr(resource, name)
            resource.setrlimit(limit, (value, value))
        os.chdir(request["sandbox"])
        serve(calls_fd, results_fd, request["roots"], request["chroot"], request["denied"])
    finally:
        os._exit(70)
