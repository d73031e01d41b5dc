"""The grader side of the process boundary: run a submission's calls in a jailed child
process, one question at a time, with time, memory and output limits, and collect plain data.

Children are forked by zygotes (one per child running at once) that have numpy and the runtime
imported already, so a submission costs a fork rather than a Python start. One template zygote
boots; the others are forks of it (a clone costs a fork, not a boot). Zygotes run no student
code. A child sees only a scratch folder with the submission's files (jail.py says how
it is fenced in); one call that hangs or kills its process costs that call only: a new child
serves the rest, and every process of the old one is killed first.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import pickle
import select
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

from autograder import paths
from autograder.grading.sandbox.jail import JAIL_UID_BASE

HERE = Path(__file__).resolve().parent
VALIDATION = HERE.parent.parent / "validation.py"
# where numpy is installed (found, not imported: `backprop check` starts a zygote before the
# grader loads numpy, so that both load at once)
NUMPY = Path(find_spec("numpy").origin).resolve().parent
SITE = str(NUMPY.parent)
STDLIB = str(Path(os.__file__).resolve().parent)
NUMPY_DIRS = [str(NUMPY), str(Path(SITE) / "numpy.libs")]
# what a submission may import from and read (no chroot) or preload (chroot), and never that
# (the grader's own code, its tests and the solutions, wherever site-packages is)
READ_ROOTS = [STDLIB, *NUMPY_DIRS, SITE]
DENIED = [
    str(p.resolve())
    for p in (paths.ROOT / "autograder", paths.SOLUTIONS, paths.ROOT / "tests", paths.EXERCISES)
]

CALL_TIMEOUT = 5.0  # seconds for one call (the reference takes milliseconds)
REPEAT_TIMEOUT = 1.0  # seconds for each other call of a function that already timed out
IMPORT_TIMEOUT = 10.0  # seconds to start a child, or to import one student module
TOTAL_TIMEOUT = 60.0  # seconds for a whole submission
MEMORY_BYTES = 2 * 1024**3  # address space per child
OUTPUT_BYTES = 10_000  # what is kept of what the student's code prints
FILE_BYTES = 16 * 1024**2  # largest file the child may write
CHROOT = True  # chroot + own uid when the grader is root (False: the audit hook alone, as without)

ZYGOTE_BOOT = (
    "import sys; sys.path[:0] = [{runtime!r}, {site!r}]; import child; child.zygote({fd!r})"
)
RECORD_BYTES = 64 * 1024**2  # most one answer may send (arrays stop at plain.MAX_ELEMENTS)
# the fields of a child's record the grader reads: (name, type, longest string kept)
FIELDS = (
    ("id", str, 200),
    ("ok", bool, 0),
    ("error", str, 100),
    ("message", str, 2000),
    ("seconds", float, 0),
    ("ready", str, 200),
    ("importing", str, 200),
    ("imported", str, 200),
    ("preloading", str, 200),
)
# what the zygote imports: nothing secret
RUNTIME = ("child.py", "plain.py", "jail.py", "jail_imports.py")
ENV = {
    "PATH": "/usr/bin:/bin",
    "HOME": "/",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "Agg",  # plots need no display (and plt.show() does nothing)
}


@dataclass
class Outcome:
    """What came back from running a job: a record per call id, and what happened overall."""

    records: dict[str, dict] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)  # timeouts, crashes, in order
    output: str = ""  # the start of what the student's code printed
    jail: str = ""  # how the child was fenced in (jail.enter's answer)

    def value(self, call_id: str):
        from autograder.grading.sandbox import plain

        record = self.records.get(call_id)
        return plain.decode(record["value"]) if record and record.get("ok") else None


def prepare_sandbox(files: dict[str, Path]) -> Path:
    """A scratch folder holding the submission's files, readable (not writable) by the jail's
    own user once the child chroots into it."""
    sandbox = Path(tempfile.mkdtemp(prefix="backprop-"))
    for name, path in files.items():
        shutil.copyfile(path, sandbox / name)
        (sandbox / name).chmod(0o644)
    sandbox.chmod(0o755)
    return sandbox


def _runtime() -> Path:
    """A folder with the child runtime (and the exercises' input checks) for zygotes."""
    folder = Path(tempfile.mkdtemp(prefix="backprop-runtime-"))
    for name in RUNTIME:
        shutil.copyfile(HERE / name, folder / name)
    (folder / "autograder").mkdir()
    (folder / "autograder" / "__init__.py").write_text("")
    shutil.copyfile(VALIDATION, folder / "autograder" / "validation.py")
    (folder / "mplconfig").mkdir()  # matplotlib's font cache, written before the jail closes
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


class Clone:
    """The process handle of a cloned zygote (a fork of the template, so not this process's
    child: the template reaps it). Alive while its control socket has nothing to say: a clone
    is asked nothing while idle, so a readable socket means it closed."""

    def __init__(self, pid: int, control: socket.socket):
        self.pid, self._control = pid, control

    def poll(self) -> int | None:
        watch = select.poll()  # poll, not select: any descriptor number, however many are open
        try:
            watch.register(self._control, select.POLLIN)
            return -1 if watch.poll(0) else None
        except (OSError, ValueError):  # a closed socket
            return -1

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def wait(self) -> None:
        """Nothing to wait for: the template reaps its clones."""


class Zygote:
    """A process that forks jailed children on request (see child.zygote)."""

    _runtime_folder: Path | None = None
    _lock = threading.Lock()
    _idle: list[Zygote] = []  # zygotes with no child, ready to fork
    _all: list[Zygote] = []
    _template: Zygote | None = None  # boots once, forks no child: clones itself on request
    _template_lock = threading.Lock()

    @classmethod
    def acquire(cls) -> Zygote:
        """An idle zygote (there are as many as children running at once), or a new clone."""
        with cls._lock:
            while cls._idle:
                zygote = cls._idle.pop()
                if zygote.proc.poll() is None:
                    return zygote
        return cls.clone()

    @classmethod
    def prestart(cls) -> None:
        """Start the template zygote without waiting for it: it imports numpy and the runtime
        while the grader does its own start-up (a zygote runs no student code, so one started
        early is as safe as one started on demand). The zygotes that fork children are its
        clones, made on demand, one per child running at once."""
        with cls._template_lock:
            if cls._template is None or cls._template.proc.poll() is not None:
                cls._template = cls.boot()

    @classmethod
    def clone(cls) -> Zygote:
        """A fork of the template (started, or restarted, if need be): a zygote in a few
        milliseconds once the template has booted."""
        with cls._template_lock:
            template = cls._template
            if template is None or template.proc.poll() is not None:
                template = cls._template = cls.boot()
            try:
                return template._fork_clone()
            except (ZygoteLost, OSError):  # the template died: one more boot
                template = cls._template = cls.boot()
                return template._fork_clone()

    def release(self) -> None:
        if self.proc.poll() is None:
            with Zygote._lock:
                Zygote._idle.append(self)

    def __init__(self, proc: subprocess.Popen | Clone, control: socket.socket):
        self.proc, self.control = proc, control
        self._replies = control.makefile("rb")
        self.cloned = 0  # clones forked from this one (a template with none has none to reap)
        Zygote._all.append(self)

    @classmethod
    def boot(cls) -> Zygote:
        """A new zygote process: a fresh Python that imports numpy and the runtime."""
        if Zygote._runtime_folder is None:
            Zygote._runtime_folder = _runtime()
        ours, theirs = socket.socketpair()
        boot = ZYGOTE_BOOT.format(
            runtime=str(Zygote._runtime_folder), site=SITE, fd=theirs.fileno()
        )
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", boot],
            env=dict(ENV, MPLCONFIGDIR=str(Zygote._runtime_folder / "mplconfig")),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
            start_new_session=True,  # its children must not find the grader's process group
        )
        theirs.close()
        return cls(proc, ours)

    def _fork_clone(self) -> Zygote:
        """A copy of this zygote (the template), serving a socket of its own."""
        ours, theirs = socket.socketpair()
        try:
            socket.send_fds(self.control, [b'{"clone": true}'], [theirs.fileno()])
            pid = self._reply("pid")
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.cloned += 1
        return Zygote(Clone(pid, ours), ours)

    def fork(self, sandbox: Path, fds: tuple[int, int, int]) -> int:
        """A new child in `sandbox` using the three pipe ends (calls, results, output)."""
        request = {
            "sandbox": str(sandbox),
            "roots": READ_ROOTS,
            "denied": DENIED,
            "chroot": CHROOT,
            "limits": {
                "RLIMIT_AS": MEMORY_BYTES,
                "RLIMIT_FSIZE": FILE_BYTES,
                "RLIMIT_CORE": 0,
            },
        }
        socket.send_fds(self.control, [json.dumps(request).encode()], list(fds))
        return self._reply("pid")

    def returncode(self) -> int:
        """The exit status of the last child (the zygote reports it once the child is reaped)."""
        return self._reply("returncode")

    def _reply(self, key: str) -> int:
        self.control.settimeout(IMPORT_TIMEOUT)
        try:
            reply = json.loads(self._replies.readline() or b"{}")
        except (OSError, ValueError):
            reply = {}
        if key not in reply:  # the zygote died or lost step: never use it again
            self.stop()
            raise ZygoteLost(f"the zygote stopped answering (exit code {self.proc.poll()})")
        return reply[key]

    def stop(self) -> None:
        self._replies.close()  # the socket's descriptor stays open while its file is
        self.control.close()  # a zygote exits when its socket closes (the template reaps first)
        if isinstance(self.proc, subprocess.Popen) and self.cloned:
            try:
                self.proc.wait(timeout=3)
                return
            except subprocess.TimeoutExpired:
                pass
        self.proc.kill()
        self.proc.wait()


class ZygoteLost(RuntimeError):
    """The zygote process is gone (it is restarted for the next child)."""


@atexit.register
def _stop_zygotes() -> None:
    """The clones first, then the booted ones (the template), which reap them before exiting."""
    for zygote in sorted(Zygote._all, key=lambda z: isinstance(z.proc, subprocess.Popen)):
        if zygote.proc.poll() is None:
            zygote.stop()


def _drain(stream, sink: bytearray) -> None:
    while chunk := stream.read(65536):
        if len(sink) < OUTPUT_BYTES:
            sink.extend(chunk[: OUTPUT_BYTES - len(sink)])


class Stuck(Exception):
    """The child hung or died: `error` is Timeout or Crash, `importing` the module whose import
    was under way (if any)."""

    def __init__(self, error: str, message: str, importing: str | None):
        super().__init__(message)
        self.error, self.message, self.importing = error, message, importing


def _fork(sandbox: Path, fds: tuple[int, int, int]) -> tuple[Zygote, int]:
    """A child from an idle zygote, retried once with a new clone if that zygote is gone."""
    try:
        zygote = Zygote.acquire()
        return zygote, zygote.fork(sandbox, fds)
    except (ZygoteLost, OSError):
        zygote = Zygote.clone()
        return zygote, zygote.fork(sandbox, fds)


class Child:
    """One jailed child process, forked by an idle zygote, asked one question's calls at a
    time."""

    def __init__(self, sandbox: Path, deadline: float):
        calls_read, self._calls = os.pipe()
        results_read, results_write = os.pipe()
        output_read, output_write = os.pipe()
        self._exit: int | None = None
        try:
            self.zygote, self.pid = _fork(sandbox, (calls_read, results_write, output_write))
        except (ZygoteLost, OSError) as exc:
            for fd in (self._calls, results_read, output_read):
                os.close(fd)
            message = f"the grader could not start a child process ({exc})"
            raise Stuck("Crash", message, None) from exc
        finally:
            for fd in (calls_read, results_write, output_write):
                os.close(fd)
        self.printed = bytearray()
        output = os.fdopen(output_read, "rb")
        self._drainer = threading.Thread(target=_drain, args=(output, self.printed), daemon=True)
        self._drainer.start()
        self._results = os.fdopen(results_read, "rb")
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._results, selectors.EVENT_READ)
        self._buffer = bytearray()
        self._lines: deque[bytes] = deque()  # complete lines not yet read
        try:
            # each installed module the submission imports restarts the clock (see jail_imports)
            ready = lambda r: "restart-clock" if "preloading" in r else "ready" in r  # noqa: E731
            self.mode = self._wait(ready, IMPORT_TIMEOUT, deadline, None)["ready"]
        except Stuck:
            self.close()
            raise

    def ask(
        self, calls: list[dict], answers: dict, deadline: float, timeout: float | None = None
    ) -> None:
        """Send the calls at once, then put the child's record of each, in turn, in `answers`
        (id -> record); raises Stuck on the first call that hangs or dies, the records of the
        calls before it in `answers`. Each call has `timeout` seconds from the previous answer."""
        self._send(b"".join(map(_encoded, calls)))
        for call in calls:
            answers[call["id"]] = self._answer(call, deadline, timeout)

    def _answer(self, call: dict, deadline: float, timeout: float | None) -> dict:
        importing = None

        def answered(record):
            nonlocal importing
            if "importing" in record:
                importing = record["importing"]
                return "restart-clock"
            if "imported" in record:
                importing = None
                return "restart-clock"
            return record.get("id") == call["id"]

        timeout = CALL_TIMEOUT if timeout is None else timeout
        limit = lambda: IMPORT_TIMEOUT if importing else timeout  # noqa: E731
        return self._wait(answered, limit, deadline, lambda: importing)

    def _send(self, data: bytes) -> None:
        try:
            os.write(self._calls, data) if len(data) < 60_000 else self._send_large(data)
        except (BrokenPipeError, OSError):
            pass  # the child is gone; _wait reports how it died

    def _send_large(self, data: bytes) -> None:
        # a pipe holds 64 KiB: write big calls from a thread while the child reads them
        threading.Thread(target=_write_all, args=(self._calls, data), daemon=True).start()

    def _wait(self, answered, limit, deadline, importing) -> dict:
        limit = limit if callable(limit) else (lambda value=limit: value)
        importing = importing or (lambda: None)
        started = time.monotonic()
        while True:
            while self._lines:
                record = _parse(self._lines.popleft())
                verdict = record is not None and answered(record)
                if verdict == "restart-clock":
                    started = time.monotonic()
                elif verdict:
                    return record
            budget = min(started + limit() - time.monotonic(), deadline - time.monotonic())
            if budget <= 0 or not self._selector.select(timeout=budget):
                what = f"importing {importing()}.py" if importing() else "this call"
                message = f"timed out after {limit():.0f} s while {what} (an infinite loop?)"
                raise Stuck("Timeout", message, importing())
            chunk = self._results.read1(1 << 20)
            if not chunk:
                raise Stuck("Crash", _death(self._returncode()), importing())
            self._buffer += chunk
            if b"\n" in chunk:  # a long record is not rescanned chunk by chunk
                *lines, self._buffer = self._buffer.split(b"\n")
                self._lines.extend(lines)
            if len(self._buffer) > RECORD_BYTES:
                message = f"sent the grader more than {RECORD_BYTES >> 20} MiB for one call"
                raise Stuck("Crash", message, importing())

    def _returncode(self) -> int:
        if self._exit is None:
            try:
                self._exit = self.zygote.returncode()
            except (ZygoteLost, OSError):
                self._exit = -signal.SIGKILL
        return self._exit

    def close(self) -> bytes:
        """Kill the child and everything it started; returns what it printed."""
        _kill(self.pid)
        self._returncode()  # reaped by the zygote, which is then ready for the next child
        self.zygote.release()
        self._drainer.join(timeout=5)
        self._selector.close()
        self._results.close()
        os.close(self._calls)
        return bytes(self.printed)


_ENCODED: dict[str, bytes] = {}  # call id -> its frame; calls are the same for everyone


def _encoded(call: dict) -> bytes:
    """A call as the child reads it: an 8-byte length, then the pickle of the call as plain
    data decodes it (the very values a JSON line would give the child, loaded in a third of
    the time; the child unpickles only what the grader sends)."""
    if call["id"] not in _ENCODED:
        from autograder.grading.sandbox import plain

        data = pickle.dumps(plain.loads(plain.dumps(call)), protocol=pickle.HIGHEST_PROTOCOL)
        _ENCODED[call["id"]] = len(data).to_bytes(8, "big") + data
    return _ENCODED[call["id"]]


def _write_all(fd: int, data: bytes) -> None:
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError:
        pass


def _kill(pid: int) -> None:
    """SIGKILL the child's process group and, when jailed, every process of its own uid (one
    that left the group with setsid, had it managed to start one)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if os.geteuid() == 0:
        _kill_uid(JAIL_UID_BASE + pid)


def _kill_uid(uid: int) -> None:
    with os.scandir("/proc") as entries:
        for entry in entries:
            try:  # /proc/<pid> belongs to the process's user
                if entry.name.isdigit() and entry.stat().st_uid == uid:
                    os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                pass


def _death(returncode: int) -> str:
    if returncode < 0:
        sig = signal.Signals(-returncode).name
        if sig == "SIGKILL":
            return "the process was killed (SIGKILL: out of memory, or killed itself)"
        if sig == "SIGXFSZ":
            return "the process wrote a file larger than the limit"
        return f"the process died from signal {sig}"
    return f"the process exited with code {returncode} (sys.exit or os._exit in the code?)"


def _parse(line: bytes) -> dict | None:
    """A record from the child, keeping only the fields the grader reads, of the right types
    (the child runs student code: anything it writes is untrusted)."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(record, dict):
        return None
    clean = {}
    for key, kind, cap in FIELDS:
        value = record.get(key)
        if kind is float and type(value) in (int, float):
            clean[key] = float(value)
        elif type(value) is kind:
            clean[key] = value[:cap] if kind is str else value
    if "value" in record:
        clean["value"] = record["value"]  # decoded and validated by plain.decode when judged
    return clean


def question_of(call: dict) -> str:
    """The question a call belongs to (`module.function`): its id up to the '#'."""
    return call["id"].partition("#")[0]


def batches(calls: list[dict]) -> list[list[dict]]:
    """The calls in the order given, cut into runs of one question's calls: what the child is
    sent at once. So the child never holds another question's inputs while it answers (a
    backward case's input holds the reference's forward values, which would answer forward's
    cases); the calls of one question are of one function, and no input of one holds an
    expected value of another (tests/test_sandbox_batches.py checks this of every question)."""
    return [list(run) for _, run in itertools.groupby(calls, key=question_of)]


def run_job(
    files: dict[str, Path], calls: list[dict], total_timeout: float = TOTAL_TIMEOUT
) -> Outcome:
    """Run every call, one question at a time; each gets a record, whatever the submission
    does."""
    outcome = Outcome()
    sandbox = prepare_sandbox(files)
    deadline = time.monotonic() + total_timeout
    printed, child, hung = bytearray(), None, set()
    try:
        for batch in batches(calls):
            # charged already: its module never imported, or a call hung or crashed
            while pending := [c for c in batch if c["id"] not in outcome.records]:
                if time.monotonic() > deadline:
                    _out_of_time(pending, outcome, total_timeout)
                    break
                # a function that hung once gets less time for its other calls: a hang costs
                # its calls either way, and one hung function must not hold up the batch
                question = question_of(pending[0])
                timeout = REPEAT_TIMEOUT if question in hung else CALL_TIMEOUT
                try:
                    child = child or Child(sandbox, deadline)
                    outcome.jail = outcome.jail or child.mode
                    child.ask(pending, outcome.records, deadline, timeout)
                except Stuck as stuck:
                    call = next(c for c in pending if c["id"] not in outcome.records)
                    _blame(call, calls, outcome, stuck)
                    if stuck.error == "Timeout":
                        hung.add(question)
                    if child is not None:
                        printed.extend(child.close())
                    child = None
    finally:
        if child is not None:
            printed.extend(child.close())
        shutil.rmtree(sandbox, ignore_errors=True)
        outcome.output = printed[:OUTPUT_BYTES].decode(errors="replace")
    return outcome


def _out_of_time(calls: list[dict], outcome: Outcome, total_timeout: float) -> None:
    message = f"skipped: the submission used up its {total_timeout:.0f} s time budget"
    for call in calls:
        outcome.records[call["id"]] = _failure(call, "Timeout", message)
    if "total time budget exhausted" not in outcome.events:
        outcome.events.append("total time budget exhausted")


def _failure(call: dict, error: str, message: str) -> dict:
    return {"id": call["id"], "ok": False, "error": error, "message": message}


def _blame(call, calls, outcome, stuck: Stuck) -> None:
    """Charge a hang or crash to the call in progress, or to every call of a module whose
    import never finished (so a module that kills itself on import is tried once)."""
    victims, message = [call], stuck.message
    if stuck.importing:
        message = f"{stuck.importing}.py could not be imported: {message}"
        victims = [
            c for c in calls if c["module"] == stuck.importing and c["id"] not in outcome.records
        ]
    for victim in victims:
        outcome.records[victim["id"]] = _failure(victim, stuck.error, message)
    outcome.events.append(f"{stuck.error.lower()} in {call['id']}: {stuck.message}")
