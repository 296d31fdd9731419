"""Processes that end with the process that started them, even when it is killed outright.

A parent killed with SIGKILL (by the out-of-memory killer, a job scheduler's hard limit, ``kill
-9``) runs no clean-up, and the processes it forked would live on: spaCy's annotation workers
(about 400 MB each) or the search page's serving processes, still holding the port. Each such
process calls :func:`end_with_parent` first: Linux's ``PR_SET_PDEATHSIG`` asks the kernel to kill it
when its parent ends; where ``prctl`` is missing, a thread watches for the parent to change.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import threading
import time

PR_SET_PDEATHSIG = 1
"""The ``prctl`` option that sends a signal to a process when the thread that forked it ends."""

WATCH_SECONDS = 1.0
"""How often the fallback watcher thread checks that the parent is still there."""


def end_with_parent(parent_pid: int) -> None:
    """In a forked child of ``parent_pid``: make sure this process ends when that parent does.

    Exits at once if the parent is already gone (it may die before the request takes effect).

    Example:
        >>> end_with_parent(os.getppid())  # in a child process  # doctest: +SKIP
    """
    if not _ask_kernel_for_death_signal():
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True,
                         name="policytext-parent-watch").start()
    if os.getppid() != parent_pid:
        os._exit(1)


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
