"""Lock a sandboxed child down before it imports a submission (runs inside the child).

The child holds nothing secret (no solution, no expected value, only the inputs of the question
at hand), so the jail's job is to keep the submission away from everything else on the machine:

1. As root (Gradescope, CI, containers): chroot into the scratch folder, then become a user of
   its own (JAIL_UID_BASE + pid) with no groups. The grader's files, the solutions, /proc and
   every other process are out of sight and out of reach, and the folder is read-only to it.
2. Always: resource limits (no new processes or threads for the jail user, memory, file size)
   and an audit hook (PEP 578) that refuses what an exercise never needs: starting processes,
   signals, sockets, ctypes, writing, listing or deleting files, reading outside the scratch
   folder, numpy and the standard library, and walking the garbage collector.

Without root the audit hook is the only fence, and a submission that corrupts the interpreter's
memory (numpy can make an array from a raw address) can switch it off; the README says so.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import resource
import sys

try:  # inside the sandbox this file sits beside jail_imports.py; in the package, a submodule
    from autograder.grading.sandbox import jail_imports
except ImportError:  # pragma: no cover - exercised in the sandbox
    import jail_imports

JAIL_UID_BASE = 200_000  # the jailed child runs as JAIL_UID_BASE + its pid: a uid of its own

# imported before the jail closes: in a chroot nothing more can be loaded from disk
PRELOADED = (
    "abc",
    "collections",
    "contextlib",
    "copy",
    "dataclasses",
    "decimal",
    "enum",
    "fractions",
    "functools",
    "itertools",
    "math",
    "numbers",
    "operator",
    "random",
    "re",
    "statistics",
    "string",
    "time",
    "typing",
    "warnings",
    # numpy loads these on first use
    "numpy.random",
    "numpy.linalg",
    "numpy.fft",
    "numpy.polynomial",
    "numpy.lib.stride_tricks",
)

# audit events (exact, or prefixes ending in ".") that an exercise has no business raising
FORBIDDEN = (
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "os.forkpty",
    "subprocess.",
    "pty.",
    "os.kill",
    "os.killpg",
    "signal.pthread_kill",
    "socket.",
    "ctypes.",
    "mmap.",
    "os.listdir",
    "os.scandir",
    "glob.",
    "os.mkdir",
    "os.remove",
    "os.rmdir",
    "os.rename",
    "os.link",
    "os.symlink",
    "os.truncate",
    "os.chmod",
    "os.chown",
    "os.chdir",
    "os.chflags",
    "os.utime",
    "os.putenv",
    "os.unsetenv",
    "shutil.",
    "resource.setrlimit",
    "resource.prlimit",
    "sys.addaudithook",
    "sys._current_frames",
    "sys.settrace",
    "sys.setprofile",
    "gc.get_objects",
    "gc.get_referrers",
    "gc.get_referents",
    "urllib.",
    "http.",
    "ftplib.",
    "smtplib.",
    "webbrowser.",
)
# functions that reach outside the process or onto the disk without raising an audit event:
# removed from their modules before student code runs (PEP 578 audits only some of posix)
DISARMED = {
    "posix": (
        "pidfd_open",
        "mkfifo",
        "mknod",
        "readlink",
        "chroot",
        "fchdir",
        "setsid",
        "setpgid",
        "setpgrp",
        "getpgid",
        "getsid",
        "tcsetpgrp",
        "sched_setaffinity",
        "sched_setscheduler",
        "sched_setparam",
        "setpriority",
        "nice",
        "openpty",
        "login_tty",
        "memfd_create",
        "eventfd",
        "copy_file_range",
        "sendfile",
        "splice",
        "posix_fallocate",
        "setuid",
        "setgid",
        "seteuid",
        "setegid",
        "setreuid",
        "setregid",
        "setresuid",
        "setresgid",
        "setgroups",
        "initgroups",
        "register_at_fork",
        "sync",
    ),
    "_signal": ("pidfd_send_signal", "pthread_kill"),
    # starts a process without an audit event; subprocess (which many packages import) holds it
    "_posixsubprocess": ("fork_exec",),
}
# built-in modules that a fresh import would restore (or that give raw access): never re-imported
NO_REIMPORT = (
    "posix",
    "_signal",
    "_posixsubprocess",
    "_socket",
    "_ctypes",
    "mmap",
    "_multiprocessing",
)
FORBIDDEN_EVENTS = frozenset(e for e in FORBIDDEN if not e.endswith("."))
FORBIDDEN_PREFIXES = tuple(e for e in FORBIDDEN if e.endswith("."))
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
REFUSAL = "the grader does not allow"  # how every ForbiddenOperation message starts


class ForbiddenOperation(PermissionError):
    """What a submission gets when it tries something the grader does not allow."""


def enter(
    sandbox: str,
    read_roots: list[str],
    chroot: bool = True,
    denied: tuple[str, ...] = (),
    progress=lambda name: None,
) -> str:
    """Preload, jail and hook this process; returns how it is jailed (for the grader's notes).

    `sandbox` holds the submission; `read_roots` are the other folders it may read from
    (the standard library and site-packages) when there is no chroot, which takes root;
    `chroot=False` leaves only the audit hook and the limits (what a grader without root gets).
    The installed modules the submission imports are loaded first (jail_imports.preload), from
    `read_roots` but never from `denied` (the grader's own folders and the solutions)."""
    for name in PRELOADED:
        importlib.import_module(name)
    local = {entry[:-3] for entry in os.listdir(sandbox) if entry.endswith(".py")}
    loaded = set(sys.modules)
    jail_imports.preload(sandbox, local, read_roots, list(denied), progress)
    mode = _chroot(sandbox) if chroot and os.geteuid() == 0 else "audit hook (no chroot: not root)"
    if mode.startswith("chroot"):
        sys.path[:] = ["/"]
        roots = ["/"]
    else:
        os.chdir(sandbox)
        sys.path[:] = [sandbox]
        roots = [sandbox, *read_roots]
    # no new process or thread for this user (an unprivileged one when jailed)
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    _disarm(set(sys.modules) - loaded)
    # list the submission's folder now: the import system's directory listing is refused later
    importlib.machinery.PathFinder.find_spec("_jail_primes_the_import_cache")
    sys.meta_path.append(jail_imports.PlaceholderFinder(REFUSAL))
    folders = lambda paths: tuple(os.path.join(os.path.realpath(r), "") for r in paths)  # noqa: E731
    sys.addaudithook(_hook(folders(roots), folders(denied)))
    return mode


def _chroot(sandbox: str) -> str:
    """Chroot into the sandbox and take a uid of its own; says what worked. A platform that
    refuses (a container without CAP_SYS_CHROOT, say) leaves the audit hook as the fence."""
    try:
        os.chroot(sandbox)
    except OSError as exc:
        return f"audit hook (chroot refused: {exc.strerror})"
    os.chdir("/")
    uid = JAIL_UID_BASE + os.getpid()
    try:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    except OSError as exc:
        return f"chroot + audit hook (uid change refused: {exc.strerror})"
    return "chroot + own uid + audit hook"


def _disarm(preloaded: set[str]) -> None:
    """Remove the DISARMED functions from their C modules and from the Python modules that
    re-export them under any name (os, signal, subprocess, and any module the submission's
    imports loaded)."""
    reexporters = ("os", "signal", "subprocess", *sorted(preloaded))
    reexporters = [m for m in map(sys.modules.get, reexporters) if isinstance(m, type(sys))]
    doomed = {}
    for module_name, names in DISARMED.items():
        module = sys.modules.get(module_name)
        if module is None and module_name in sys.builtin_module_names:
            module = importlib.import_module(module_name)
        if module is None:
            continue  # not loaded, and never loaded later (NO_REIMPORT)
        for name in names:
            function = getattr(module, name, None)
            if function is not None:
                doomed[id(function)] = function  # kept alive: ids stay unique while we look
                del module.__dict__[name]
    for exporter in reexporters:
        for key, value in list(exporter.__dict__.items()):
            if id(value) in doomed and value is doomed[id(value)]:
                del exporter.__dict__[key]


def _hook(roots: tuple[str, ...], denied: tuple[str, ...] = ()):
    def refuse(what: str):
        raise ForbiddenOperation(f"{REFUSAL} {what} in a submission")

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            if path is None or isinstance(path, int):
                return  # an already open descriptor
            name = os.fsdecode(path)
            if (mode and any(c in mode for c in "wax+")) or (flags or 0) & WRITE_FLAGS:
                refuse(f"writing files (open({name!r}, {mode or flags!r}))")
            full = os.path.join(os.path.abspath(name), "")
            if not full.startswith(roots) or _hidden(full, denied):
                refuse(f"reading {name!r}")
        elif event == "import" and args[0] in NO_REIMPORT:
            refuse(f"importing {args[0]} again")
        elif event in FORBIDDEN_EVENTS or event.startswith(FORBIDDEN_PREFIXES):
            refuse(event)

    return hook


def _hidden(full: str, denied: tuple[str, ...]) -> bool:
    """The grader's own folders, and the files of site-packages that point at them (an editable
    install's finder and .pth files)."""
    base = os.path.basename(full.rstrip(os.sep))
    if base.startswith("__editable__") or base.endswith(".pth"):
        return True
    return bool(denied) and os.path.join(os.path.realpath(full), "").startswith(denied)
