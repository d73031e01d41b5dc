"""Which modules a submission may import, and what it gets for the others (runs in the child).

A chroot leaves nothing on disk to load once the jail has closed, so the child imports, while it
still can, the installed modules that the submission's files name in import statements: any
module of the standard library or of the grading environment's site-packages, except the grader's
own code and the reference solutions (refused by name and by where the file lies) and modules
that act when imported (a __main__ runs a program, antigravity opens a browser). These imports run
trusted library code only; the submission's own code runs after the jail has closed.

Inside the jail, an import that cannot be served does not fail: it yields a placeholder module,
and the first use of the placeholder raises an error naming the module and what to use instead.
So a file that imports torch at the top loses only the functions that use torch.
"""

from __future__ import annotations

import ast
import importlib
import importlib.machinery
import importlib.util
import os
import pkgutil
import re
import sys
import types

# never preloaded, and a placeholder that refuses, however a submission spells them
REFUSED = ("autograder", "solutions", "tests", "exercises")
# modules that do something when imported, not worth a root process's trust before the jail
# (site and the .pth hooks it runs would install an editable install's finder, too)
ACTS_ON_IMPORT = (
    "antigravity",
    "idlelib",
    "turtledemo",
    "test",
    "__main__",
    "this",
    "site",
    "sitecustomize",
    "usercustomize",
    "_distutils_hack",
    "_virtualenv",
)
# raw access the jail keeps out (see jail.NO_REIMPORT): not loaded for a submission that asks
RAW = ("ctypes", "_ctypes", "mmap", "multiprocessing", "_multiprocessing", "_posixsubprocess")
MAX_NAMES = 300  # import statements read per submission (a file of 10,000 imports is not honest)
SOURCE_BYTES = 2**20  # larger files are not scanned (the grader does not take them either)
HELPER_LIMITS = "at most 20 helper files of 256 kB each"  # runner.HELPER_COUNT, HELPER_BYTES

INSTALLED: frozenset[str] = frozenset()  # top-level names the grading environment has


def survey(skip: str) -> None:
    """Note the top-level modules installed here (the zygote does this once), for messages."""
    global INSTALLED
    paths = [p for p in sys.path if os.path.realpath(p) != os.path.realpath(skip)]
    found = {m.name for m in pkgutil.iter_modules(paths)}
    INSTALLED = frozenset(found | set(sys.builtin_module_names) | set(sys.stdlib_module_names))


def refused(name: str) -> bool:
    top = name.partition(".")[0]
    return top in REFUSED or top.startswith("__editable__")


# the fields of a statement that hold statements: imports are statements, so a walk through
# these finds every one of them without visiting an expression (20 times faster than ast.walk)
_BODIES = ("body", "handlers", "orelse", "finalbody", "cases")


def import_statements(tree: ast.Module):
    """Every Import and ImportFrom node of a module, at any depth (inside functions, classes,
    if/try/with/match blocks), in source order."""
    stack = list(reversed(tree.body))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        for name in reversed(_BODIES):  # pushed last, popped first: source order
            stack.extend(reversed(getattr(node, name, None) or ()))


# The import statements most files hold, each alone on its line: `import a.b as c, d` and
# `from a.b import c as d, e` (or `*`, or relative). A file whose every line that says `import`
# is one of these is read without the parser (ast.parse is most of the child's set-up time).
_NAME = rb"[A-Za-z_][A-Za-z0-9_]*"
_DOTTED = _NAME + rb"(?:\." + _NAME + rb")*"
_AS = rb"(?:[ \t]+as[ \t]+" + _NAME + rb")?"
_END = rb"[ \t]*(?:#[^\r\n]*)?"
_PLAIN_IMPORT = re.compile(
    rb"[ \t]*import[ \t]+(" + _DOTTED + _AS + rb"(?:[ \t]*,[ \t]*" + _DOTTED + _AS + rb")*)" + _END
)
_FROM_IMPORT = re.compile(
    rb"[ \t]*from[ \t]+(\.*)(" + _DOTTED + rb")?[ \t]+import[ \t]+"
    rb"(\*|" + _NAME + _AS + rb"(?:[ \t]*,[ \t]*" + _NAME + _AS + rb")*)" + _END
)
_IMPORT_WORD = re.compile(rb"\bimport\b")


def simple_imported_names(source: bytes) -> list[str] | None:
    """The names imported_names would take from a file, read line by line, or None when the
    file needs the parser: a line that says `import` in any other way (a continuation, a
    semicolon, parentheses, a comment or a string) or a backslash continuation anywhere. A
    line of this form inside a string counts too: one more installed module preloaded, never
    one fewer."""
    if b"\\\n" in source or b"\\\r" in source:
        return None
    names: list[str] = []
    for line in source.splitlines():
        if not _IMPORT_WORD.search(line):
            continue
        if plain := _PLAIN_IMPORT.fullmatch(line):
            for part in plain.group(1).split(b","):
                names.append(part.split()[0].decode())
        elif found := _FROM_IMPORT.fullmatch(line):
            dots, module, what = found.groups()
            if dots or module is None:
                continue  # relative: the submission's own module
            module = module.decode()
            names.append(module)
            if what != b"*":
                names += [f"{module}.{part.split()[0].decode()}" for part in what.split(b",")]
        else:
            return None
    return names


def imported_names(folder: str) -> list[str]:
    """Every absolute module name in an import statement of the folder's .py files (for `from a
    import b`, both a and a.b: b may be a submodule)."""
    names: dict[str, None] = {}
    for entry in sorted(os.listdir(folder)):
        path = os.path.join(folder, entry)
        if not entry.endswith(".py") or os.path.getsize(path) > SOURCE_BYTES:
            continue
        try:
            with open(path, "rb") as handle:
                source = handle.read()
            simple = simple_imported_names(source)
            if simple is not None:
                names.update(dict.fromkeys(simple))
                continue
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OSError):
            continue  # the import of this file fails anyway, with its own message
        for node in import_statements(tree):
            if isinstance(node, ast.Import):
                names.update((alias.name, None) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names[node.module] = None
                names.update((f"{node.module}.{a.name}", None) for a in node.names if a.name != "*")
    return list(names)[:MAX_NAMES]


def _inside(path: str, roots: list[str]) -> bool:
    full = os.path.join(os.path.realpath(path), "")
    return any(full.startswith(os.path.join(os.path.realpath(r), "")) for r in roots)


def may_preload(name: str, allowed: list[str], denied: list[str]) -> bool:
    """Whether `name` is an installed module the child may import before the jail closes: it
    lies in the standard library or site-packages (`allowed`), not in the grader's own folders
    (`denied`), and is not refused by name."""
    parts = name.split(".")
    if not all(p.isidentifier() for p in parts) or refused(name):
        return False
    if parts[0] in ACTS_ON_IMPORT + RAW or "__main__" in parts:
        return False
    if parts[0] in sys.modules:
        return True  # numpy, the standard modules preloaded already
    try:
        spec = importlib.util.find_spec(parts[0])
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    if spec.origin in ("built-in", "frozen"):
        return True
    places = [spec.origin] if spec.has_location and spec.origin else []
    places += list(spec.submodule_search_locations or [])
    return bool(places) and all(_inside(p, allowed) and not _inside(p, denied) for p in places)


def preload(folder: str, local: set[str], allowed: list[str], denied: list[str], progress) -> None:
    """Import the installed modules the files in `folder` name (their own modules, `local`, are
    served from the folder later). A module that fails to import here gets a placeholder later.
    `progress(name)` is called before each import (the grader restarts its clock)."""
    for name in imported_names(folder):
        if name.partition(".")[0] in local or name in sys.modules:
            continue
        if not may_preload(name, allowed, denied):
            continue
        progress(name)
        before = set(sys.modules)
        try:
            importlib.import_module(name)
        except BaseException:  # noqa: BLE001, S110 - a placeholder explains it on first use
            pass
        _check_origins(set(sys.modules) - before, denied)
    if "matplotlib.pyplot" in sys.modules:
        _quiet_plots()


def _check_origins(names: set[str], denied: list[str]) -> None:
    """An installed module that pulled the grader's own code in: stop here (never honest)."""
    for name in names:
        path = getattr(sys.modules.get(name), "__file__", None)
        if refused(name) or (isinstance(path, str) and _inside(path, denied)):
            os._exit(71)


def _quiet_plots() -> None:
    """Plots need no display and no writable folder: the Agg backend (MPLBACKEND is set), fonts
    loaded now, and plt.show() does nothing."""
    import io
    import warnings

    import matplotlib.pyplot as plt

    plt.switch_backend("agg")
    figure = plt.figure(figsize=(1, 1))
    figure.text(0.5, 0.5, "a")
    figure.savefig(io.BytesIO(), format="png")  # loads the backend's font before the chroot
    plt.close(figure)
    plt.show = lambda *args, **kwargs: None
    warnings.filterwarnings("ignore", message=".*non-interactive.*")


# ---------------------------------------------------------------- placeholders
class ModuleUnavailable(AttributeError):
    """Raised on the first use of a module the grader could not load (an AttributeError, so
    that `from x import y` makes a placeholder of y instead of failing at import)."""


class ModuleRefused(ModuleUnavailable):
    """Raised on the first use of the grader's own code or the reference solutions."""


def why(name: str, refusal: str) -> tuple[type, str]:
    top = name.partition(".")[0]
    if refused(top):
        return ModuleRefused, f"{refusal} importing {top} in a submission"
    if top in INSTALLED:
        return ModuleUnavailable, (
            f"module {top!r} could not be loaded while grading: import it by name in an "
            f"import statement (import {top}) and use numpy where you can"
        )
    return ModuleUnavailable, (
        f"No module named {top!r} where your work is graded (it has numpy, the standard "
        f"library and the packages installed with backprop): use numpy instead; if {top} is "
        f"your own file, put {top}.py beside your exercise files ({HELPER_LIMITS})"
    )


class Placeholder(types.ModuleType):
    """A module the jail could not serve: every use raises the reason."""

    def _fail(self, *args, **kwargs):
        error, message = why(self.__name__, self.__refusal__)
        raise error(message)

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        self._fail()

    __call__ = __iter__ = __getitem__ = __len__ = _fail


class PlaceholderFinder:
    """Last on sys.meta_path: a top-level module nothing else found, a submodule of a
    placeholder, or any part of the grader the child does not hold (the zygote's autograder
    package has only the exercises' input checks), becomes a placeholder."""

    def __init__(self, refusal: str):
        self.refusal = refusal

    def find_spec(self, name, path=None, target=None):
        parent = name.rpartition(".")[0]
        if parent and not isinstance(sys.modules.get(parent), Placeholder) and not refused(name):
            return None  # a missing submodule of a real package fails as usual
        return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec):
        module = Placeholder(spec.name)
        module.__refusal__ = self.refusal
        return module

    def exec_module(self, module):
        module.__path__ = []
