"""Find documents already in the corpus under another address: exact and near duplicates.

- **Exact**: the same clean text (equal ``content_sha256``), whatever the source.
- **Near**: Jaccard similarity of word 5-shingles of at least :data:`NEAR_DUPLICATE_THRESHOLD`
  (0.8), estimated with 128-permutation MinHash and an LSH index (datasketch). Only texts of
  :data:`MIN_WORDS_FOR_NEAR` words or more are compared this way (shorter ones only exactly).
  Near duplicates are looked for among documents written by the web collectors (their
  signatures are kept in the store's ``document_minhashes`` table) and earlier items of the run.

The first copy seen is kept; each later copy's address is recorded in ``duplicate_locations``
with the method and similarity, and counted as "duplicate" in the run's summary. An address that
held a document of its own and now serves a copy of another becomes one of that document's
locations (its own row is removed), so each text is stored once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, TypeVar

import numpy as np
from datasketch import MinHash, MinHashLSH

from policytext.collect.base import record_location
from policytext.records import Document
from policytext.store import Store, WriteReport

T = TypeVar("T")

NEAR_DUPLICATE_THRESHOLD = 0.8
SHINGLE_WORDS = 5
NUM_PERM = 128
MIN_WORDS_FOR_NEAR = 50
SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures are only comparable within one


@dataclass(frozen=True)
class DuplicateMatch:
    """The kept document that an item duplicates."""

    doc_id: str
    method: str  # "exact" or "near"
    similarity: float  # 1.0 for exact; the estimated Jaccard similarity for near


def shingle(text: str, *, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Return the set of lower-cased word ``size``-grams of ``text`` (as UTF-8 bytes).

    >>> sorted(shingle("A b c", size=2))
    [b'a b', b'b c']
    """
    words = re.findall(r"\w+", text.lower())
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def minhash_text(text: str, *, num_perm: int = NUM_PERM) -> MinHash:
    """Return the MinHash signature of ``text``'s word shingles."""
    signature = MinHash(num_perm=num_perm, scheme=SCHEME)
    signature.update_batch(list(shingle(text)))
    return signature


class DuplicateFinder:
    """Check documents against the corpus and the current run before they are written.

    Args:
        store: the corpus store (reads ``documents`` and ``document_minhashes``).
        threshold: the Jaccard similarity from which two texts are near duplicates.

    Example:
        >>> finder = DuplicateFinder(store)                 # doctest: +SKIP
        >>> match = finder.find(document)                   # doctest: +SKIP
        >>> finder.record(document, match) if match else finder.remember(document)  # doctest: +SKIP
    """

    def __init__(self, store: Store, *, threshold: float = NEAR_DUPLICATE_THRESHOLD,
                 num_perm: int = NUM_PERM):
        self.store = store
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._signatures: dict[str, MinHash] = {}
        self._run_hashes: dict[str, str] = {}
        self.found = 0
        self._dtype = MinHash(num_perm=num_perm, scheme=SCHEME).hashvalues.dtype
        rows = store.conn.execute(
            "SELECT m.doc_id, m.signature FROM document_minhashes m JOIN documents d "
            "ON d.id = m.doc_id AND d.content_sha256 = m.content_sha256 WHERE m.num_perm = ?",
            (num_perm,))
        for doc_id, blob in rows:
            values = np.frombuffer(blob, dtype=np.uint64).astype(self._dtype)
            self._add(doc_id, MinHash(num_perm=num_perm, hashvalues=values, scheme=SCHEME))

    def _add(self, doc_id: str, signature: MinHash) -> None:
        if doc_id in self._signatures:
            self._lsh.remove(doc_id)
        self._signatures[doc_id] = signature
        self._lsh.insert(doc_id, signature)

    def find(self, document: Document) -> DuplicateMatch | None:
        """Return the kept document that ``document`` duplicates, or ``None``."""
        digest, own = document.content_sha256, document.id
        kept = self._run_hashes.get(digest)
        if kept and kept != own:
            return DuplicateMatch(kept, "exact", 1.0)
        row = self.store.conn.execute(
            "SELECT id FROM documents WHERE content_sha256 = ? AND id != ? ORDER BY collected_at, id LIMIT 1",
            (digest, own)).fetchone()
        if row:
            return DuplicateMatch(row[0], "exact", 1.0)
        if document.words < MIN_WORDS_FOR_NEAR:
            return None
        signature = minhash_text(document.text, num_perm=self.num_perm)
        best: DuplicateMatch | None = None
        for candidate in self._lsh.query(signature):
            if candidate == own:
                continue
            similarity = float(signature.jaccard(self._signatures[candidate]))
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = DuplicateMatch(candidate, "near", round(similarity, 4))
        return best

    def remember(self, document: Document) -> None:
        """Index ``document`` as kept, so later copies of it are found."""
        self._run_hashes.setdefault(document.content_sha256, document.id)
        if document.words < MIN_WORDS_FOR_NEAR:
            return
        signature = minhash_text(document.text, num_perm=self.num_perm)
        self._add(document.id, signature)
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO document_minhashes (doc_id, content_sha256, num_perm, signature) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(doc_id) DO UPDATE SET "
                "content_sha256 = excluded.content_sha256, num_perm = excluded.num_perm, "
                "signature = excluded.signature",
                (document.id, document.content_sha256, self.num_perm,
                 np.asarray(signature.hashvalues, dtype=np.uint64).tobytes()))

    def record(self, document: Document, match: DuplicateMatch) -> None:
        """Record ``document``'s address as another location of the kept document."""
        self.found += 1
        with self.store.transaction() as conn:
            record_location(conn, document, match.doc_id, method=match.method, similarity=match.similarity)


def list_duplicates(store: Store, *, doc_id: str | None = None) -> list[dict[str, Any]]:
    """Return the recorded other locations: ``doc_id, source, source_id, url, method, similarity``.

    Args:
        store: the corpus store.
        doc_id: only the locations of this kept document.

    Example:
        >>> list_duplicates(corpus.store)[0]["method"]     # doctest: +SKIP
        'near'
    """
    sql = ("SELECT doc_id, source, source_id, url, method, similarity, recorded_at "
           "FROM duplicate_locations")
    params: list[Any] = []
    if doc_id:
        sql += " WHERE doc_id = ?"
        params.append(doc_id)
    sql += " ORDER BY doc_id, id"
    return [dict(row) for row in store.conn.execute(sql, params)]


def drop_duplicates(outcomes: Iterable[T], finder: DuplicateFinder) -> Iterator[T]:
    """Pass outcomes through, recording and holding back documents already in the corpus.

    Args:
        outcomes: what a collector yields (documents, failures, skips); only documents are checked.
        finder: the run's :class:`DuplicateFinder`; ``finder.found`` counts what was held back.
    """
    for outcome in outcomes:
        if isinstance(outcome, Document):
            match = finder.find(outcome)
            if match is not None:
                finder.record(outcome, match)
                continue
            finder.remember(outcome)
        yield outcome


def write_collected(corpus: Any, outcomes: Iterable[Any], *, stage: str,
                    progress: Callable[[Any], None] | None = None) -> WriteReport:
    """Write a web collector's outcomes as they come, keeping duplicates once; return the run's report.

    Each page is committed as soon as it is fetched (one small transaction per page costs
    nothing beside the fetch, which waits its turn under the rate limit), so a run that is
    interrupted, killed or left by a dying server keeps every page it fetched, and a re-run
    finds them unchanged. Documents whose text is already in the corpus (exactly, or nearly: see
    the module's docstring) are not written again; their address is recorded and
    counted in ``report.duplicate``.
    """
    finder = DuplicateFinder(corpus.store)
    report = corpus.write(drop_duplicates(outcomes, finder), stage=stage, progress=progress,
                          batch_size=1)
    report.duplicate = finder.found
    return report
