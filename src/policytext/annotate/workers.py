"""Worker processes of ``nlp.pipe(n_process=…)`` that end with the process that started them.

spaCy starts its workers with :mod:`multiprocessing`; they wait on a queue for texts. When the
parent is killed outright (SIGKILL, the out-of-memory killer, a job scheduler's hard limit) nothing
tells them, and each one (about 400 MB with the English pipeline) lives on. A worker forked while
:func:`workers_end_with_parent` is active calls :func:`~policytext.lifetime.end_with_parent`.
This covers the ``fork`` start method, :mod:`multiprocessing`'s default on Linux up to Python
3.13; workers started by ``spawn`` or ``forkserver`` run no after-fork hooks and are not covered.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import islice
from typing import Any, Callable, Iterable, Iterator

from policytext.errors import WorkerDied
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


_pipeline: dict[str, Any] = {}
"""In a worker process only: the pipeline and the reader it was forked with (set once, per process;
the executor of :mod:`concurrent.futures` has no other place for per-worker state)."""

IN_FLIGHT_PER_WORKER = 3
"""Batches sent ahead per worker: enough that none waits for the next, few enough that memory stays
bounded (the parent never reads the whole input ahead)."""


def can_fork_workers() -> bool:
    """Return whether worker processes can be forked here (they inherit the loaded pipeline)."""
    return "fork" in multiprocessing.get_all_start_methods()


def _start_worker(nlp: Any, read: Callable[[Any, Any], Any], parent_pid: int) -> None:
    """In a new worker: keep the pipeline and the reader, and die with the parent."""
    end_with_parent(parent_pid)
    _pipeline["nlp"], _pipeline["read"] = nlp, read


def _run_batch(batch: list[tuple[str, Any]], batch_size: int) -> list[tuple[Any, Any]]:
    """In a worker: pipe one batch of ``(text, context)`` and return ``(read(doc, context), context)``."""
    nlp, read = _pipeline["nlp"], _pipeline["read"]
    return [(read(doc, context), context) for doc, context in nlp.pipe(batch, as_tuples=True, batch_size=batch_size)]


def pipe_in_workers(nlp: Any, items: Iterable[tuple[str, Any]], *, read: Callable[[Any, Any], Any],
                    batch_size: int, workers: int) -> Iterator[tuple[Any, Any]]:
    """Yield ``(read(doc, context), context)`` for each ``(text, context)`` of ``items``, in order.

    Like ``nlp.pipe(items, as_tuples=True, n_process=workers)``, but each worker (forked, so it
    shares the loaded pipeline and never unpickles it) also runs ``read`` on its docs and sends back
    only what ``read`` returns: the parent never rebuilds a ``Doc``, which cost the parent most of a
    core with spaCy's own workers. Batches of ``batch_size`` texts go out at most
    :data:`IN_FLIGHT_PER_WORKER` per worker ahead of the one being read. ``read`` must be a
    module-level function; what it returns is pickled.

    Raises:
        WorkerDied: a worker process ended abruptly (killed, or out of memory).

    Example:
        >>> list(pipe_in_workers(nlp, [("Hi.", 0)], read=count_tokens, batch_size=8, workers=2))  # doctest: +SKIP
        [(2, 0)]
    """
    context = multiprocessing.get_context("fork")
    pending: deque[Future] = deque()
    source = iter(items)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                             initargs=(nlp, read, os.getpid())) as executor:
        try:
            while True:
                while len(pending) < workers * IN_FLIGHT_PER_WORKER:
                    batch = list(islice(source, batch_size))
                    if not batch:
                        break
                    pending.append(executor.submit(_run_batch, batch, batch_size))
                if not pending:
                    return
                try:
                    results = pending.popleft().result()
                except BrokenProcessPool as err:
                    raise WorkerDied("an annotation worker process ended abruptly (killed, or out of memory?); "
                                     "what was written so far is kept: run annotate again to finish, with "
                                     "fewer --workers if memory is short") from err
                yield from results
        finally:
            for future in pending:
                future.cancel()
