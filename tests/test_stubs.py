"""exercises/ is generated from solutions/, in sync, importable, and holds none of the answers."""

import ast
import inspect
from importlib import import_module

import numpy as np
import pytest

from autograder.paths import EXERCISES, MODEL_MODULES, SOLUTIONS
from autograder.stubs import StubError, make_stub, stale_stubs
from tests.secrets import solution_block_lines

MODULES = [*MODEL_MODULES, "optimizers"]


def test_committed_exercises_are_in_sync_with_solutions():
    stale = stale_stubs(SOLUTIONS, EXERCISES)
    assert not stale, f"exercises/ is out of date for {stale}: run `backprop stubs`"


def test_stale_stubs_notices_an_edited_stub(tmp_path):
    for path in EXERCISES.glob("*.py"):
        (tmp_path / path.name).write_text(path.read_text())
    (tmp_path / "optimizers.py").write_text("# edited\n")
    assert stale_stubs(SOLUTIONS, tmp_path) == ["optimizers.py"]


@pytest.mark.parametrize("name", MODULES)
def test_stub_holds_no_solution_line(name):
    solution = (SOLUTIONS / f"{name}.py").read_text()
    stub = (EXERCISES / f"{name}.py").read_text()
    hidden = solution_block_lines(solution)
    assert hidden, "the solution must mark its answer"
    stub_lines = {line.strip() for line in stub.splitlines()}
    leaked = [line for line in hidden if line in stub_lines and not line.startswith("return {")]
    assert not leaked, leaked
    assert "SOLUTION" not in stub


def _public_functions(module):
    for name, obj in vars(module).items():
        if inspect.isfunction(obj) and obj.__module__ == module.__name__:
            yield name, obj
        elif inspect.isclass(obj) and obj.__module__ == module.__name__:
            yield f"{name}.step", obj(lr=0.1).step


def _call_args(module_name, func_name):
    X, y = np.ones((3, 5)), np.full((1, 5), 0.5)
    model = import_module(f"solutions.{module_name}") if module_name != "optimizers" else None
    n = 1 if module_name == "univariate_regression" else 3
    if func_name == "init_params":
        return (n, 4, np.random.default_rng(0))
    if module_name == "optimizers":
        params = {"w": np.ones((1, 3)), "b": 0.0}
        if func_name == "minibatches":
            return (X, y, 2, np.random.default_rng(0))
        if func_name == "train":
            return (import_module("solutions.multivariate_regression"), params, X, y, None, 1)
        return (params, {"w": np.ones((1, 3)), "b": 1.0})
    params = model.init_params(n, 4, rng=np.random.default_rng(0))
    X = X[:n]
    _, cache = model.forward(params, X)
    return {
        "forward": (params, X),
        "loss": (cache["yhat"], y),
        "backward": (params, cache, X, y),
    }[func_name]


@pytest.mark.parametrize("name", MODULES)
def test_every_stub_imports_and_raises_not_implemented(name):
    stub = import_module(f"exercises.{name}")
    tasks = [(f, fn) for f, fn in _public_functions(stub) if f not in ("sigmoid", "relu")]
    assert tasks
    for func_name, fn in tasks:
        args = _call_args(name, func_name.removesuffix(".step") if "." not in func_name else "step")
        with pytest.raises(NotImplementedError, match=f"{name}.{func_name}"):
            result = fn(*args)
            if inspect.isgenerator(result):
                next(result)


@pytest.mark.parametrize("name", MODULES)
def test_stub_keeps_signatures_and_docstrings(name):
    stub, solution = import_module(f"exercises.{name}"), import_module(f"solutions.{name}")
    for func_name, fn in _public_functions(solution):
        target = getattr(stub, func_name.split(".")[0])
        if "." in func_name:
            fn, target = fn.__self__.__class__.step, target.step
        assert inspect.signature(target) == inspect.signature(fn), func_name
        assert target.__doc__ == fn.__doc__ and fn.__doc__, func_name


def test_make_stub_markers():
    source = (
        "def f(x):\n"
        '    """Doc."""\n'
        "    # BEGIN SOLUTION\n"
        "    return x + 1\n"
        "    # END SOLUTION\n"
        'ANSWER = "2/m"  # SOLUTION\n'
    )
    stub = make_stub(source, "mod")
    assert "return x + 1" not in stub and '"2/m"' not in stub
    assert 'raise NotImplementedError("mod.f is not implemented yet")' in stub
    assert "ANSWER = ...  # TODO" in stub
    ast.parse(stub)
    with pytest.raises(StubError, match="never closed"):
        make_stub("def f():\n    # BEGIN SOLUTION\n    pass\n", "mod")
    with pytest.raises(StubError, match="without BEGIN"):
        make_stub("def f():\n    pass\n    # END SOLUTION\n", "mod")
