"""Worker processes of ``annotate --workers N`` end with the process that started them."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from policytext.annotate.workers import workers_end_with_parent
from policytext.corpus import open_corpus

CLI = "import sys; from policytext.cli import main; sys.exit(main(sys.argv[1:]))"


def _wait_for(condition, seconds: float, step: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.slow
def test_spacy_workers_die_when_annotate_is_killed(tmp_path):
    corpus = tmp_path / "corpus"
    with open_corpus(corpus, create=True) as opened:
        opened.collect_sotu(since=1990)
    parent = subprocess.Popen([sys.executable, "-c", CLI, "--corpus", str(corpus), "--quiet", "annotate",
                               "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:

        def two_workers():
            if parent.poll() is not None:
                return None
            alive = [c.pid for c in psutil.Process(parent.pid).children(recursive=True) if _alive(c.pid)]
            return alive if len(alive) >= 2 else None  # spaCy starts them one after the other

        workers = _wait_for(two_workers, 180)
        assert workers, f"annotate never started its two workers (exit code {parent.poll()})"
        time.sleep(1.0)  # let them take their first texts
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        gone = _wait_for(lambda: not any(_alive(pid) for pid in workers), 30)
        assert gone, f"workers {[pid for pid in workers if _alive(pid)]} outlived annotate"
    finally:
        if parent.poll() is None:
            parent.kill()
        for child in psutil.Process().children(recursive=True):
            child.kill()


def test_a_forked_worker_dies_with_its_parent_but_not_before(tmp_path):
    # A middle process forks a worker inside workers_end_with_parent(), then is killed: the worker,
    # which would otherwise sleep for a minute, must die with it.
    script = (
        "import multiprocessing, os, sys, time\n"
        "from policytext.annotate.workers import workers_end_with_parent\n"
        "def sleep():\n"
        "    time.sleep(60)\n"
        "if __name__ == '__main__':\n"
        "    with workers_end_with_parent():\n"
        "        worker = multiprocessing.get_context('fork').Process(target=sleep)\n"
        "        worker.start()\n"
        "    print(worker.pid, flush=True)\n"
        "    time.sleep(60)\n"
    )
    middle = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(middle.stdout.readline())
        time.sleep(0.5)
        assert _alive(worker), "the worker died before its parent"
        middle.kill()
        middle.wait(10)
        assert _wait_for(lambda: not _alive(worker), 10), "the worker outlived its parent"
    finally:
        middle.kill()
        try:
            os.kill(worker, signal.SIGKILL)
        except (ProcessLookupError, UnboundLocalError):
            pass


def test_the_guard_is_dropped_after_the_block():
    import multiprocessing.util

    before = len(multiprocessing.util._afterfork_registry)
    with workers_end_with_parent():
        assert len(multiprocessing.util._afterfork_registry) == before + 1
    assert len(multiprocessing.util._afterfork_registry) == before
