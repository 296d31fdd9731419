"""Start the fork server of a local Dask cluster's workers early: its imports overlap the coordinator's.

``annotate --engine dask`` without a scheduler starts a ``LocalCluster`` whose worker processes are
forked from one fork server that imported spaCy (with thinc and torch) and the annotate modules
once (see :func:`policytext.annotate.dask_engine.local_cluster`). That import is about 5 s of CPU.
Started when the cluster starts, it came after the coordinator's own import of the same modules,
one after the other; started here, first, it runs on another core while the coordinator imports,
opens the store and selects the documents.

This module imports nothing of spaCy, Dask or the annotate package (which imports spaCy), so the
command line can call :func:`start_fork_server` before those imports.
"""
from __future__ import annotations

import importlib.util
import multiprocessing
from typing import Sequence

WORKER_IMPORTS = ("policytext.annotate.runner", "policytext.annotate.shards", "policytext.annotate.model")
"""Modules the local cluster's fork server imports once (spaCy, thinc, torch with them: about 5 s
of CPU), so each worker process forked from it only loads the pipeline."""


def fork_server_available() -> bool:
    """Return whether worker processes can be forked from a fork server here (Linux, macOS)."""
    return "forkserver" in multiprocessing.get_all_start_methods()


def start_fork_server(imports: Sequence[str] = WORKER_IMPORTS) -> bool:
    """Start the fork server of local Dask workers, importing ``distributed`` and ``imports``; return whether one runs.

    Returns at once: the server imports in its own process. Once per process: a server already
    running is kept as it is (with the modules it was started with). Nothing is started where
    processes cannot be forked from a server, or without Dask distributed (the ``dask`` extra).

    Example:
        >>> start_fork_server()   # doctest: +SKIP
        True
    """
    if not fork_server_available() or importlib.util.find_spec("distributed") is None:
        return False
    from multiprocessing import forkserver

    # Dask's own list starts with "distributed" (it imports dask, tornado, msgpack, cloudpickle);
    # once the server runs, Dask setting its list again has no effect.
    multiprocessing.get_context("forkserver").set_forkserver_preload(
        ["distributed", *[name for name in imports if name != "distributed"]])
    forkserver.ensure_running()
    return True
