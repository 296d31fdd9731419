"""Make sure every selected document has a current lemma stream, and read the streams.

The annotation stage stores ``doc_lemmas`` rows as a side effect. A corpus that was only collected
(or whose texts changed since) has none, so analysis computes the missing rows here with the
configured spaCy pipeline, loaded with only what lemmas need (tok2vec, tagger, attribute ruler,
lemmatizer), and commits them in batches: an interrupted run keeps what it did and a re-run
finishes the job.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterator

import pandas as pd

from policytext.spacy_model import load_spacy_model
from policytext.lemmas import is_word_token, lemma_stream, store_lemmas
from policytext.store import DocumentFilter
from policytext.store.filters import strict_options

LEMMA_FRAME_COLUMNS = ["id", "title", "date", "date_precision", "speaker", "party", "kind", "country",
                       "government", "role", "side", "speaker_role", "tokens", "lemmas"]
"""Columns of :func:`lemma_frame`: document metadata, ``tokens`` (lemma count) and ``lemmas``
(the lower-case lemma stream joined by single spaces, see :mod:`policytext.lemmas`)."""

_EXCLUDED_PIPES = ("parser", "ner", "senter")
_PARAGRAPH = re.compile(r"\n\s*\n")
_CHUNK_CHARS = 20_000


def load_lemmatizer(model: str):
    """Load spaCy pipeline ``model`` with only the components lemmas need.

    Raises:
        ModelNotInstalled: when the pipeline is not installed.
    """
    return load_spacy_model(model, exclude=_EXCLUDED_PIPES)


def split_lemma_chunks(text: str, *, size: int = _CHUNK_CHARS) -> list[tuple[int, str]]:
    """Split ``text`` into (offset, chunk) pieces of whole paragraphs, each at most ``size`` chars.

    Chunks end at blank lines where possible (a paragraph longer than ``size`` is cut at a space),
    so no chunk reaches spaCy's length limit; offsets map token positions back into ``text``.
    (Annotation chunks with :func:`policytext.annotate.document.split_chunks` instead, which never
    cuts inside a quotation and returns spans; the lemma stream needs neither.)

    >>> split_lemma_chunks("One.\\n\\nTwo.", size=8)
    [(0, 'One.\\n\\n'), (6, 'Two.')]
    """
    chunks: list[tuple[int, str]] = []
    start = 0
    cuts = [m.end() for m in _PARAGRAPH.finditer(text)] + [len(text)]
    position = 0
    for cut in cuts:
        if cut - start > size and position > start:
            chunks.append((start, text[start:position]))
            start = position
        while cut - start > size:
            space = text.rfind(" ", start, start + size)
            end = space if space > start else start + size
            chunks.append((start, text[start:end]))
            start = end
        position = cut
    if start < len(text):
        chunks.append((start, text[start:]))
    return [(offset, chunk) for offset, chunk in chunks if chunk.strip()]


def iter_lemma_tokens(nlp, text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(lemma, start, end)`` for each word token of ``text``, offsets into ``text``.

    The lemmas are exactly those of :func:`policytext.lemmas.lemma_stream`, so positions in a
    stored stream are positions in this sequence.
    """
    chunks = split_lemma_chunks(text)
    for (offset, _), doc in zip(chunks, nlp.pipe(chunk for _, chunk in chunks)):
        for token in doc:
            kept = lemma_stream([token])
            if kept:
                yield kept[0], offset + token.idx, offset + token.idx + len(token.text)


def load_tokenizer(model: str):
    """Load only the tokenizer of pipeline ``model`` (fast): word positions without lemmas."""
    return load_spacy_model(model, exclude=["tok2vec", "tagger", "attribute_ruler", "lemmatizer",
                                            "parser", "ner", "senter", "morphologizer"])


def word_spans(tokenizer, text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` character span of each word token of ``text``.

    Word tokens are those a lemma stream keeps, in the same order, so position ``i`` of a stored
    stream is span ``i`` here (callers check that the lengths agree).
    """
    spans = []
    for offset, chunk in split_lemma_chunks(text):
        for token in tokenizer(chunk):
            if not is_word_token(token):
                continue
            spans.append((offset + token.idx, offset + token.idx + len(token.text)))
    return spans


def lemmatise_text(nlp, text: str) -> list[str]:
    """Return the lemma stream of ``text`` (paragraph by paragraph)."""
    chunks = split_lemma_chunks(text)
    lemmas: list[str] = []
    for doc in nlp.pipe(chunk for _, chunk in chunks):
        lemmas.extend(lemma_stream(doc))
    return lemmas


def _stale_ids(corpus, filter_: DocumentFilter) -> list[str]:
    where, params = filter_.where("d")
    sql = (f"SELECT d.id FROM documents d LEFT JOIN doc_lemmas l ON l.doc_id = d.id "
           f"WHERE {where} AND (l.doc_id IS NULL OR l.content_sha256 != d.content_sha256) "
           f"ORDER BY d.date, d.id")
    if filter_.limit is not None:
        # The limit selects documents, so only look among the documents the limit keeps.
        sql = (f"SELECT id FROM (SELECT d.id, d.date FROM documents d WHERE {where} ORDER BY d.date, d.id LIMIT ?) s "
               f"WHERE NOT EXISTS (SELECT 1 FROM doc_lemmas l JOIN documents x ON x.id = l.doc_id "
               f"WHERE l.doc_id = s.id AND l.content_sha256 = x.content_sha256) ORDER BY s.date, s.id")
        params = params + [filter_.limit]
    return [row[0] for row in corpus.store.conn.execute(sql, params)]


@strict_options
def ensure_lemmas(corpus, *, progress: Callable[..., None] | None = None, batch_size: int = 20,
                  **filters: Any) -> int:
    """Compute and store the lemma stream of every selected document that lacks a current one.

    Args:
        corpus: an open corpus.
        progress: called once per document lemmatised (e.g. to advance a progress bar).
        batch_size: documents per committed transaction.
        filters: the shared document filters (speaker, party, government, kind, since, until…).

    Returns:
        How many documents were lemmatised (0 when every row was current).

    Example:
        >>> ensure_lemmas(corpus, since="1990")   # doctest: +SKIP
        6
    """
    filter_ = DocumentFilter.from_options(**filters)
    stale = _stale_ids(corpus, filter_)
    if not stale:
        return 0
    nlp = load_lemmatizer(corpus.config.model)
    conn = corpus.store.conn
    done = 0
    for first in range(0, len(stale), batch_size):
        batch = stale[first:first + batch_size]
        marks = ", ".join("?" for _ in batch)
        rows = conn.execute(f"SELECT id, text, content_sha256 FROM documents WHERE id IN ({marks})", batch).fetchall()
        computed = []
        for doc_id, text, sha in rows:
            computed.append((doc_id, sha, lemmatise_text(nlp, text)))
            if progress:
                progress()
        with corpus.store.transaction():
            for doc_id, sha, lemmas in computed:
                store_lemmas(conn, doc_id, sha, corpus.config.model, lemmas)
        done += len(computed)
    return done


@strict_options
def count_stale(corpus, **filters: Any) -> int:
    """Return how many selected documents have no current lemma stream (for a progress bar)."""
    return len(_stale_ids(corpus, DocumentFilter.from_options(**filters)))


@strict_options
def lemma_frame(corpus, *, ensure: bool = True, progress: Callable[..., None] | None = None,
                **filters: Any) -> pd.DataFrame:
    """Return the selected documents with their lemma streams, oldest first.

    Args:
        corpus: an open corpus.
        ensure: compute missing or stale lemma streams first (see :func:`ensure_lemmas`).
        progress: called once per document lemmatised.
        filters: the shared document filters.

    Returns:
        A DataFrame with :data:`LEMMA_FRAME_COLUMNS`.

    Example:
        >>> lemma_frame(corpus, since="1990")[["id", "tokens"]].head()   # doctest: +SKIP
    """
    if ensure:
        ensure_lemmas(corpus, progress=progress, **filters)
    filter_ = DocumentFilter.from_options(**filters)
    where, params = filter_.where("d")
    columns = ", ".join(f"d.{c}" for c in LEMMA_FRAME_COLUMNS[:-2])
    sql = (f"SELECT {columns}, COALESCE(l.tokens, 0), COALESCE(l.lemmas, '') FROM documents d "
           f"LEFT JOIN doc_lemmas l ON l.doc_id = d.id AND l.content_sha256 = d.content_sha256 "
           f"WHERE {where} ORDER BY d.date, d.id")
    if filter_.limit is not None:
        sql += " LIMIT ?"
        params = params + [filter_.limit]
    rows = corpus.store.conn.execute(sql, params).fetchall()
    return pd.DataFrame([tuple(r) for r in rows], columns=LEMMA_FRAME_COLUMNS)
