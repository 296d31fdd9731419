"""Embed the labelled claim sets once and keep the vectors in a cache folder, resumable.

The sets are ClaimBuster, CLEF 2019 task 1 train and CLEF 2020 task 5 test, each in file order.
Embedding them all (about 47,600 sentences with all-MiniLM-L6-v2 on CPU) takes tens of CPU
minutes, so every evaluation of the embeddings model reads the vectors from ``cache_dir``:

- ``<set>-<digest>.npy``: float32 unit vectors, one row per sentence of the set, where ``digest``
  is the first 16 hex digits of the SHA-256 of the set's sentences (so a changed file never reads
  stale vectors);
- ``<set>-<digest>.part<k>.npy``: chunks written while embedding, so an interrupted run resumes
  where it stopped; they are joined and removed once the set is complete.

Run it: ``python -m policytext.evaluation.claims --embed-only --cache DIR [DATA_DIR]``.
"""
from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from policytext.errors import ConfigError

CHUNK = 512  # distinct sentences embedded and written per part file


@dataclass(frozen=True)
class EmbeddingRun:
    """What one call of :func:`cached_vectors` did: sentences embedded now, and their CPU and wall seconds."""

    name: str
    sentences: int
    embedded: int
    cpu_seconds: float
    wall_seconds: float

    @property
    def per_cpu_second(self) -> float:
        """Sentences embedded per CPU second of this process (0 when nothing was embedded)."""
        return self.embedded / self.cpu_seconds if self.cpu_seconds else 0.0


def sentences_digest(texts: Sequence[str]) -> str:
    """Return the first 16 hex digits of the SHA-256 of ``texts`` (each followed by a NUL).

    Example:
        >>> sentences_digest(["a", "b"]) == sentences_digest(["a", "b"]) != sentences_digest(["ab"])
        True
    """
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


def cached_vectors(name: str, texts: Sequence[str], cache_dir: str | Path, *,
                   encode: Callable[[list[str]], np.ndarray] | None = None,
                   log: Callable[[str], Any] | None = None) -> tuple[np.ndarray, EmbeddingRun]:
    """Return the embeddings of ``texts`` from ``cache_dir``, embedding (and caching) what is missing.

    Args:
        name: the set's name, the stem of its cache files (``"claimbuster"``, ``"clef2019"``, ...).
        texts: the sentences, in order.
        cache_dir: the cache folder (created when missing).
        encode: turns a list of sentences into a float array, one row each (default: the packaged
            all-MiniLM-L6-v2, loaded only when something is missing).
        log: called with a line of progress after each chunk.

    Returns:
        The vectors (float32, one row per text) and what this call embedded.

    Raises:
        ConfigError: a cached part does not match the chunk it stands for (remove the folder's files
            of this set and run again).
    """
    texts = list(texts)
    # transcripts repeat short lines ("Thank you.", "Yes."): each distinct sentence is embedded once
    distinct = list(dict.fromkeys(texts))
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{sentences_digest(texts)}"
    done = cache_dir / f"{stem}.npy"
    if done.is_file():
        vectors = np.load(done, allow_pickle=False)
        if vectors.shape[0] != len(texts):
            raise ConfigError(f"{done} holds {vectors.shape[0]} vectors for {len(texts)} sentences: remove it and "
                              f"embed again")
        return vectors, EmbeddingRun(name, len(texts), 0, 0.0, 0.0)
    parts = []
    embedded, cpu, wall = 0, 0.0, 0.0
    for k, start in enumerate(range(0, len(distinct), CHUNK)):
        chunk = distinct[start:start + CHUNK]
        part = cache_dir / f"{stem}.part{k}.npy"
        if part.is_file():
            vectors = np.load(part, allow_pickle=False)
        else:
            if encode is None:
                from policytext.annotate.claim_model import load_sentence_embedder

                encode = load_sentence_embedder().encode
            cpu0, wall0 = time.process_time(), time.perf_counter()
            vectors = np.asarray(encode(chunk), dtype=np.float32)
            cpu += time.process_time() - cpu0
            wall += time.perf_counter() - wall0
            embedded += len(chunk)
            _save_atomically(part, vectors)
            if log is not None:
                log(f"{name}: {start + len(chunk)}/{len(distinct)} distinct sentences embedded "
                    f"({embedded / max(cpu, 1e-9):.1f} per CPU second, {embedded / max(wall, 1e-9):.1f} per wall second)")
        if vectors.shape[0] != len(chunk):
            raise ConfigError(f"{part} holds {vectors.shape[0]} vectors for a chunk of {len(chunk)} sentences: "
                              f"remove the files {stem}.* of {cache_dir} and embed again")
        parts.append(vectors)
    unique = np.vstack(parts) if parts else np.zeros((0, 384), dtype=np.float32)
    row_of = {text: row for row, text in enumerate(distinct)}
    vectors = unique[[row_of[text] for text in texts]] if texts else unique
    _save_atomically(done, vectors)
    for k in range(len(parts)):
        (cache_dir / f"{stem}.part{k}.npy").unlink(missing_ok=True)
    return vectors, EmbeddingRun(name, len(texts), embedded, cpu, wall)


def _save_atomically(path: Path, array: np.ndarray) -> None:
    partial = path.with_name(path.name + ".tmp")
    with open(partial, "wb") as handle:
        np.save(handle, array, allow_pickle=False)
    partial.replace(path)


def log_to_stderr(message: str) -> None:
    """Write a progress line with the time to stderr."""
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


SETS = ("clef2019", "claimbuster", "clef2020")
"""The labelled claim sets embedded, in the order they are embedded (the training sets first: the
model choice needs only them)."""


def embed_claim_sets(data_dir: str | Path, cache_dir: str | Path, *, sets: Sequence[str] = SETS,
                     encode: Callable[[list[str]], np.ndarray] | None = None,
                     log: Callable[[str], Any] | None = log_to_stderr) -> tuple[dict[str, np.ndarray], list[EmbeddingRun]]:
    """Return the embeddings of every sentence of the three labelled claim sets, by set, cached in ``cache_dir``.

    ``"claimbuster"`` in file order, ``"clef2019"`` and ``"clef2020"`` transcript after transcript
    in the order :func:`~policytext.evaluation.claims.read_clef` returns them (file order).

    Example:
        >>> vectors, runs = embed_claim_sets("../shared/data/claims", "/tmp/claims-cache")  # doctest: +SKIP
        >>> vectors["clef2020"].shape  # doctest: +SKIP
        (21514, 384)
    """
    from policytext.evaluation.claims_data import CLAIMBUSTER_FILE, CLEF2020_FILE, CLEF_FILE, read_claimbuster, read_clef

    data_dir = Path(data_dir)
    texts = {"claimbuster": lambda: read_claimbuster(data_dir / CLAIMBUSTER_FILE)[0],
             "clef2019": lambda: [line.text for t in read_clef(data_dir / CLEF_FILE) for line in t.lines],
             "clef2020": lambda: [line.text for t in read_clef(data_dir / CLEF2020_FILE) for line in t.lines]}
    unknown = [name for name in sets if name not in SETS]
    if unknown:
        raise ConfigError(f"unknown claim set(s) {', '.join(unknown)}; choose among {', '.join(SETS)}")
    vectors, runs = {}, []
    for name in sets:
        vectors[name], run = cached_vectors(name, texts[name](), cache_dir, encode=encode, log=log)
        runs.append(run)
    return vectors, runs
