"""Worker processes of ``nlp.pipe(n_process=…)`` that end with the process that started them.

spaCy starts its workers with :mod:`multiprocessing`; they wait on a queue for texts. When the
parent is killed outright (SIGKILL, the out-of-memory killer, a job scheduler's hard limit) nothing
tells them, and each one (about 400 MB with the English pipeline) lives on. A worker forked while
:func:`workers_end_with_parent` is active asks the kernel to kill it when its parent dies (Linux's
``PR_SET_PDEATHSIG``); where ``prctl`` is missing, a thread in the worker watches for its parent to
change and exits then. This covers the ``fork`` start method, :mod:`multiprocessing`'s default on
Linux up to Python 3.13; workers started by ``spawn`` or ``forkserver`` run no after-fork hooks and
are not covered.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing.util
import os
import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator

PR_SET_PDEATHSIG = 1
"""The ``prctl`` option that sends a signal to a process when the thread that forked it ends."""

WATCH_SECONDS = 1.0
"""How often the fallback watcher thread checks that the worker's parent is still there."""


class _WorkerGuard:
    """Registered with :func:`multiprocessing.util.register_after_fork` while workers may start.

    ``multiprocessing`` keeps its after-fork hooks by weak reference, so the hook is gone once the
    guard is dropped at the end of the run.
    """

    def __init__(self, parent_pid: int):
        self.parent_pid = parent_pid

    def arm(self) -> None:
        """In the new worker: die with the parent (see the module docstring)."""
        if not _ask_kernel_for_death_signal():
            threading.Thread(target=_watch_parent, args=(self.parent_pid,), daemon=True,
                             name="policytext-parent-watch").start()
        if os.getppid() != self.parent_pid:  # the parent died before the request took effect
            os._exit(1)


@contextmanager
def workers_end_with_parent() -> Iterator[None]:
    """While the block runs, every process forked by :mod:`multiprocessing` dies with this one.

    Example:
        >>> with workers_end_with_parent():
        ...     pass
    """
    guard = _WorkerGuard(os.getpid())
    multiprocessing.util.register_after_fork(guard, _WorkerGuard.arm)
    try:
        yield
    finally:
        del guard


def _ask_kernel_for_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent ends; return whether it agreed."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux, or no prctl
        return False


def _watch_parent(parent_pid: int) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)
        time.sleep(WATCH_SECONDS)
