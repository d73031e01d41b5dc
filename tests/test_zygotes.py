"""Zygotes: one template boots (numpy, the runtime); every zygote that forks children is a
clone of it. A batch pays for one boot, and stopping leaves no process behind, with the clones
reaped by the template (so their CPU time is counted where the grader's children's is)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from autograder.grading.batch import grade_all
from autograder.grading.cases.assignment import build_questions
from autograder.grading.sandbox import parent
from autograder.grading.sandbox.parent import Clone, Zygote
from autograder.paths import SOLUTIONS


@pytest.fixture
def fresh(monkeypatch):
    """Zygote bookkeeping of this test only (the worker's own zygotes are left alone)."""
    monkeypatch.setattr(Zygote, "_idle", [])
    monkeypatch.setattr(Zygote, "_all", [])
    monkeypatch.setattr(Zygote, "_template", None)
    yield
    parent._stop_zygotes()


def _zygote_pids() -> set[int]:
    pids = set()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"child.zygote" in (entry / "cmdline").read_bytes():
                pids.add(int(entry.name))
        except OSError:
            pass
    return pids


def test_a_batch_boots_one_zygote_and_clones_the_others(tmp_path, fresh):
    for i in range(4):
        (tmp_path / f"s{i}").mkdir()
        shutil.copy(SOLUTIONS / "optimizers.py", tmp_path / f"s{i}" / "optimizers.py")
    possible = sum(q.points for q in build_questions() if q.module == "optimizers")
    results = grade_all(sorted(tmp_path.iterdir()), jobs=2)
    assert [sum(q.score for q in r.questions) for r in results] == [possible] * 4
    booted = [z for z in Zygote._all if isinstance(z.proc, subprocess.Popen)]
    clones = [z for z in Zygote._all if isinstance(z.proc, Clone)]
    assert booted == [Zygote._template]
    assert 1 <= len(clones) <= 2  # one per child running at once, none for the template


def test_stopping_leaves_no_zygote_and_the_template_reaps_its_clones(fresh):
    before = _zygote_pids()
    Zygote.prestart()
    clones = [Zygote.acquire(), Zygote.acquire()]
    ours = {Zygote._template.proc.pid, *(z.proc.pid for z in clones)}
    assert ours <= _zygote_pids() - before
    parent._stop_zygotes()
    assert Zygote._template.proc.returncode == 0  # it ended by itself, after reaping
    assert not ours & _zygote_pids()
    for pid in ours - {Zygote._template.proc.pid}:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # reaped: no zombie left


def test_a_dead_clone_is_replaced_by_a_new_clone(fresh):
    Zygote.prestart()
    first = Zygote.acquire()
    first.proc.kill()
    deadline = time.monotonic() + 5
    while first.proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # the signal takes a moment; then its socket reads as closed
    assert first.proc.poll() is not None
    first.release()  # a dead one is not kept as idle...
    second = Zygote.acquire()  # ...and the next is a fresh clone of the same template
    assert second is not first and isinstance(second.proc, Clone)
    assert second.proc.poll() is None
