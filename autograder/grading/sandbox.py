"""The grader side of the process boundary: run a job of calls on a submission in a child
process with time, memory and output limits, and collect plain-data results.

The child sees only a scratch directory holding the submission's files, the child runtime
(child.py, plain.py) and autograder/validation.py; solutions/ is not on its path. One call that
hangs or kills its process costs that call only: the child is restarted for the rest.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.grading import plain

HERE = Path(__file__).resolve().parent
VALIDATION = HERE.parent / "validation.py"
SITE = str(
    Path(np.__file__).resolve().parent.parent
)  # where numpy (and only installed packages) live

CALL_TIMEOUT = 5.0  # seconds for one call (the reference takes milliseconds)
IMPORT_TIMEOUT = 10.0  # seconds to start Python, import numpy and the student's module
TOTAL_TIMEOUT = 60.0  # seconds for a whole submission
MEMORY_BYTES = 2 * 1024**3  # address space per child
OUTPUT_BYTES = 10_000  # what is kept of what the student's code prints
FILE_BYTES = 16 * 1024**2  # largest file the child may write

BOOT = (
    "import sys; sys.path[:0] = [{sandbox!r}, {site!r}]; sys.argv = ['child.py', {fd!r}]; "
    "import child; child.main()"
)


@dataclass
class Outcome:
    """What came back from running a job: a record per call id, and what happened overall."""

    records: dict[str, dict] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)  # timeouts, crashes, in order
    output: str = ""  # the start of what the student's code printed

    def value(self, call_id: str):
        record = self.records.get(call_id)
        return plain.decode(record["value"]) if record and record.get("ok") else None


def prepare_sandbox(files: dict[str, Path]) -> Path:
    """A scratch directory with the submission's files and the child runtime."""
    sandbox = Path(tempfile.mkdtemp(prefix="backprop-"))
    for name, path in files.items():
        shutil.copyfile(path, sandbox / name)
    for runtime in ("child.py", "plain.py"):
        shutil.copyfile(HERE / runtime, sandbox / runtime)
    (sandbox / "autograder").mkdir(exist_ok=True)
    (sandbox / "autograder" / "__init__.py").write_text("")
    shutil.copyfile(VALIDATION, sandbox / "autograder" / "validation.py")
    return sandbox


def _limits() -> None:  # pragma: no cover - runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_BYTES, FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _drain(stream, sink: bytearray) -> None:
    while chunk := stream.read(65536):
        if len(sink) < OUTPUT_BYTES:
            sink.extend(chunk[: OUTPUT_BYTES - len(sink)])


def _spawn(sandbox: Path, calls: list[dict]):
    read_fd, write_fd = os.pipe()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(sandbox),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
    }
    boot = BOOT.format(sandbox=str(sandbox), site=SITE, fd=str(write_fd))
    proc = subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", boot],
        cwd=sandbox,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        pass_fds=(write_fd,),
        start_new_session=True,
        preexec_fn=_limits,
    )
    os.close(write_fd)
    printed = bytearray()
    threading.Thread(target=_drain, args=(proc.stdout, printed), daemon=True).start()
    # the child reads its job only after starting up: feed the pipe from a thread, not inline
    threading.Thread(target=_feed, args=(proc.stdin, _encode_job(calls)), daemon=True).start()
    return proc, os.fdopen(read_fd, "rb"), printed


_ENCODED: dict[str, str] = {}  # call id -> its JSON; calls are the same for every submission


def _encode_job(calls: list[dict]) -> bytes:
    parts = []
    for call in calls:
        if call["id"] not in _ENCODED:
            _ENCODED[call["id"]] = plain.dumps(call)
        parts.append(_ENCODED[call["id"]])
    return ("[" + ",".join(parts) + "]").encode()


def _feed(stream, data: bytes) -> None:
    try:
        stream.write(data)
        stream.close()
    except (BrokenPipeError, OSError):
        pass


def _kill(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _death(returncode: int) -> str:
    if returncode < 0:
        sig = signal.Signals(-returncode).name
        if sig == "SIGKILL":
            return "the process was killed (SIGKILL: out of memory, or killed itself)"
        if sig == "SIGXFSZ":
            return "the process wrote a file larger than the limit"
        return f"the process died from signal {sig}"
    return f"the process exited with code {returncode} (sys.exit or os._exit in the code?)"


def run_job(
    files: dict[str, Path], calls: list[dict], total_timeout: float = TOTAL_TIMEOUT
) -> Outcome:
    """Run every call; each gets a record, whatever the submission does."""
    outcome = Outcome()
    sandbox = prepare_sandbox(files)
    deadline = time.monotonic() + total_timeout
    printed = bytearray()
    try:
        pending = list(calls)
        while pending:
            if time.monotonic() > deadline:
                for c in pending:
                    outcome.records[c["id"]] = _failure(
                        c,
                        "Timeout",
                        f"skipped: the submission used up its {total_timeout:.0f} s time budget",
                    )
                outcome.events.append("total time budget exhausted")
                break
            _run_until_stuck(sandbox, pending, outcome, deadline, printed)
            pending = [c for c in pending if c["id"] not in outcome.records]
    finally:
        shutil.rmtree(sandbox, ignore_errors=True)
        outcome.output = printed.decode(errors="replace")
    return outcome


def _failure(call: dict, error: str, message: str) -> dict:
    return {"id": call["id"], "ok": False, "error": error, "message": message}


def _run_until_stuck(sandbox, pending, outcome, deadline, printed) -> None:
    proc, results, out = _spawn(sandbox, pending)
    selector = selectors.DefaultSelector()
    selector.register(results, selectors.EVENT_READ)
    importing, buffer, limit = None, b"", IMPORT_TIMEOUT
    try:
        while True:
            wait = min(limit, max(0.0, deadline - time.monotonic()))
            if not selector.select(timeout=wait):
                current = _current(pending, outcome)
                what = f"importing {importing}.py" if importing else "this call"
                message = f"timed out after {limit:.0f} s while {what} (an infinite loop?)"
                _blame(current, pending, outcome, importing, "Timeout", message)
                outcome.events.append(f"timeout in {current['id'] if current else importing}")
                return
            chunk = results.read1(1 << 20)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                record = _parse(line)
                if record is None:
                    continue
                if "importing" in record:
                    importing, limit = record["importing"], IMPORT_TIMEOUT
                elif record.get("id") in {c["id"] for c in pending}:
                    outcome.records[record["id"]] = record
                    importing, limit = None, CALL_TIMEOUT
        returncode = proc.wait(timeout=5)
        current = _current(pending, outcome)
        if current is not None:  # the child died before answering every call
            message = _death(returncode)
            _blame(current, pending, outcome, importing, "Crash", message)
            outcome.events.append(f"crash in {current['id']}: {message}")
    finally:
        selector.close()
        results.close()
        _kill(proc)
        printed.extend(out[: OUTPUT_BYTES - len(printed)])


def _parse(line: bytes):
    try:
        record = json.loads(line)
        return record if isinstance(record, dict) else None
    except ValueError:
        return None


def _current(pending, outcome):
    return next((c for c in pending if c["id"] not in outcome.records), None)


def _blame(current, pending, outcome, importing, error, message) -> None:
    """Charge a hang or crash to the call in progress, or to every call of a module whose
    import never finished (so a module that kills itself on import is tried once)."""
    if current is None:
        return
    victims = [current]
    if importing:
        victims = [
            c for c in pending if c["module"] == importing and c["id"] not in outcome.records
        ]
        message = f"{importing}.py could not be imported: {message}"
    for call in victims:
        outcome.records[call["id"]] = _failure(call, error, message)
