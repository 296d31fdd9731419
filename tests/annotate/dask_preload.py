"""Preloaded into each Dask worker of the engine's tests: a spaCy component that ends its process.

On a document holding :data:`MARKER` the component kills its own process with SIGKILL, as the
out-of-memory killer or a crash in compiled code would: the "document that keeps killing
workers" of the tests, put into a real pipeline saved to a folder (the ``model`` setting may
name one), never a stand-in for policytext's own code.
"""
from __future__ import annotations

import os
import signal

from spacy.language import Language

MARKER = "Xqzkillsworkerxqz"
NAME = "test_end_process_on_marker"


def end_process_on_marker(doc):
    if MARKER in doc.text:
        os.kill(os.getpid(), signal.SIGKILL)
    return doc


if not Language.has_factory(NAME):
    Language.component(NAME, func=end_process_on_marker)
