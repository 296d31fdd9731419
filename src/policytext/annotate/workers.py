"""Worker processes of ``nlp.pipe(n_process=…)`` that end with the process that started them.

spaCy starts its workers with :mod:`multiprocessing`; they wait on a queue for texts. When the
parent is killed outright (SIGKILL, the out-of-memory killer, a job scheduler's hard limit) nothing
tells them, and each one (about 400 MB with the English pipeline) lives on. A worker forked while
:func:`workers_end_with_parent` is active calls :func:`~policytext.lifetime.end_with_parent`.
This covers the ``fork`` start method, :mod:`multiprocessing`'s default on Linux up to Python
3.13; workers started by ``spawn`` or ``forkserver`` run no after-fork hooks and are not covered.
"""
from __future__ import annotations

import multiprocessing.util
import os
from contextlib import contextmanager
from typing import Iterator

from policytext.lifetime import end_with_parent


class _WorkerGuard:
    """Registered with :func:`multiprocessing.util.register_after_fork` while workers may start.

    ``multiprocessing`` keeps its after-fork hooks by weak reference, so the hook is gone once the
    guard is dropped at the end of the run.
    """

    def __init__(self, parent_pid: int):
        self.parent_pid = parent_pid

    def arm(self) -> None:
        """In the new worker: die with the parent (see the module docstring)."""
        end_with_parent(self.parent_pid)


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
