"""The lemma stream of a document, shared by annotation (which stores it) and themes/topics/keyness.

Format of ``doc_lemmas.lemmas``: the lower-case lemmas of the document's word tokens (no
punctuation, spaces or numbers-only tokens), in order, joined by single spaces. ``tokens`` is
their count. A row is current while its ``content_sha256`` equals the document's.
"""
from __future__ import annotations

from typing import Iterable


def is_word_token(token) -> bool:
    """Return whether a spaCy token is a word of the lemma stream: not punctuation or space, and
    holding a letter (so numbers alone are left out)."""
    return not (token.is_punct or token.is_space) and any(ch.isalpha() for ch in token.text)


def lemma_stream(doc) -> list[str]:
    """Return the lower-case lemmas of the word tokens of a spaCy ``Doc`` (or span), in order."""
    lemmas = []
    for token in doc:
        if not is_word_token(token):
            continue
        lemma = (token.lemma_ or token.text).lower().strip()
        if lemma and " " not in lemma:
            lemmas.append(lemma)
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
