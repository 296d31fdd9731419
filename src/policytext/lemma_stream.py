"""The lemma stream of a document, shared by annotation (which stores it) and themes/topics/keyness.

Format of ``doc_lemmas.lemmas``: the lower-case lemmas of the document's word tokens (no
punctuation, spaces or numbers-only tokens), in order, joined by single spaces. ``tokens`` is
their count. A row is current while its ``content_sha256`` equals the document's.
"""
from __future__ import annotations

from typing import Any, Iterable


def is_word_token(token) -> bool:
    """Return whether a spaCy token is a word of the lemma stream: not punctuation or space, and
    holding a letter (so numbers alone are left out)."""
    return not (token.is_punct or token.is_space) and any(ch.isalpha() for ch in token.text)


def lemma_stream(doc, *, leave_out: Any = None) -> list[str]:
    """Return the lower-case lemmas of the word tokens of a spaCy ``Doc`` (or span, or tokens), in order.

    ``leave_out`` (anything with ``overlaps(start, end)`` of character offsets, such as the parts of
    a transcript that are not its speaker's words, :class:`~policytext.annotate.transcript.PartSpans`)
    drops the tokens with a character inside it ("Folks—[applause]—so" is one token).

    A whole ``Doc`` is read from its attribute arrays, each distinct (word, lemma) pair decided once:
    the same stream as the token by token loop for other inputs, at a fraction of the cost of a
    Python ``Token`` object per token (annotation reads the stream of every chunk).
    """
    if hasattr(doc, "to_array"):
        return _doc_lemma_stream(doc, leave_out)
    lemmas = []
    for token in doc:
        if not is_word_token(token) or (leave_out and leave_out.overlaps(token.idx, token.idx + len(token.text))):
            continue
        lemma = (token.lemma_ or token.text).lower().strip()
        if lemma and " " not in lemma:
            lemmas.append(lemma)
    return lemmas


def _doc_lemma_stream(doc, leave_out: Any = None) -> list[str]:
    """:func:`lemma_stream` of a whole ``Doc``, from ``doc.to_array`` (what :func:`is_word_token` reads is
    a property of the word, so a (word, lemma) pair always gives the same result)."""
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LEMMA, LENGTH, ORTH

    strings = doc.vocab.strings
    decided: dict[tuple[int, int], str | None] = {}
    lemmas = []
    for orth, lemma, punct, space, idx, length in doc.to_array([ORTH, LEMMA, IS_PUNCT, IS_SPACE, IDX, LENGTH]).tolist():
        if leave_out and leave_out.overlaps(idx, idx + length):
            continue
        key = (orth, lemma)
        if key in decided:
            kept = decided[key]
        else:
            kept = None
            text = strings[orth]
            if not (punct or space) and any(ch.isalpha() for ch in text):
                kept = (strings[lemma] or text).lower().strip()
                if not kept or " " in kept:
                    kept = None
            decided[key] = kept
        if kept is not None:
            lemmas.append(kept)
    return lemmas


def store_lemmas(conn, doc_id: str, content_sha256: str, model: str, lemmas: Iterable[str]) -> None:
    """Insert or replace the lemma stream of one document. Call inside a transaction."""
    items = list(lemmas)
    store_lemma_text(conn, doc_id, content_sha256, model, tokens=len(items), lemmas=" ".join(items))


def store_lemma_text(conn, doc_id: str, content_sha256: str, model: str, *, tokens: int, lemmas: str) -> None:
    """Insert or replace a document's lemma stream given already joined (``tokens`` lemmas in ``lemmas``)."""
    conn.execute(
        "INSERT OR REPLACE INTO doc_lemmas (doc_id, content_sha256, model, tokens, lemmas) VALUES (?, ?, ?, ?, ?)",
        (doc_id, content_sha256, model, tokens, lemmas),
    )
