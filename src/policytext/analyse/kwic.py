"""Keyword in context: every match of a theme or a term, with the original words around it."""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Callable, Sequence

import pandas as pd

from policytext.analyse.lemmas import (BLOCK_LEMMAS, LemmaSelection, iter_lemma_tokens, load_lemmatizer,
                                       load_tokenizer, select_lemmas, word_spans)
from policytext.analyse.themes import Lexicon, Theme, load_lexicon
from policytext.errors import BadQuery, ConfigError
from policytext.provenance import attach_provenance, themes_digest
from policytext.store.filters import strict_options

_HELD_CHARS = 8 * BLOCK_LEMMAS
"""Characters of matching documents' lemma streams held before they are shown in context (about
one block of :func:`~policytext.analyse.lemmas.select_lemmas`: some 8 characters a lemma)."""

KWIC_COLUMNS = ["doc_id", "date", "speaker", "government", "title", "left", "match", "right",
                "start", "end"]
"""Columns of :func:`kwic`, in document then text order:

- ``doc_id``, ``date``, ``speaker``, ``government``, ``title``: where the match is;
- ``left``, ``match``, ``right``: the original words before, of and after the match (whitespace
  collapsed to single spaces);
- ``start``, ``end``: character offsets of the match in ``Document.text``, to cite or highlight it.
"""


def resolve_query(query: str, lexicon: Lexicon) -> Theme:
    """Return the theme named ``query``, or a one-entry theme matching ``query`` as a term.

    A term is matched on lemmas like a theme entry: "trust", "small business", "entrepreneur*".
    """
    if query in lexicon or query.strip().lower().replace("-", "_") in lexicon:
        return lexicon.get(query.strip())
    try:
        return Theme.build(query, {"label": query, "terms": [query]}, "query")
    except ConfigError as err:
        raise BadQuery(f"cannot search for {query!r}: give a theme name or a lemma, phrase or wildcard") from err


def _refuse_a_near_theme(query: str, lexicon: Lexicon) -> None:
    """Raise :class:`BadQuery` when ``query``, a term found nowhere, is close to a theme's name (a typo)."""
    close = difflib.get_close_matches(query.strip().lower().replace("-", "_"), lexicon.names(), n=3, cutoff=0.7)
    if close:
        raise BadQuery(f"no theme named {query!r}, and no selected document has it as a term: did you mean "
                       f"theme {' or '.join(map(repr, close))}? List the themes with 'policytext themes list'.")


@strict_options
def kwic(corpus, query: str, *, window: int = 8, lexicon: Lexicon | None = None,
         limit: int | None = None, progress: Callable[..., None] | None = None,
         lemmas: "str | Path | LemmaSelection | None" = None, **filters: Any) -> pd.DataFrame:
    """Return each match of a theme or term with ``window`` words of context on each side.

    The stored lemma streams find the matches; the matching documents are tokenised again (the
    tokenizer alone, fast) to recover the original words and their offsets.

    Args:
        corpus: an open corpus.
        query: a theme name ("trust") or a lemma, phrase or wildcard ("small business").
        window: words of context on each side.
        lexicon: the themes (default: the packaged ones with the corpus's own files).
        limit: at most this many documents (the shared ``--limit`` filter).
        progress: called once per document lemmatised.
        lemmas: where the lemma streams are (a folder of Parquet lemma files, see
            :func:`~policytext.analyse.lemmas.iter_lemmas`), or a selection of the same filters
            (with ``limit``) made by :func:`~policytext.analyse.lemmas.select_lemmas`.
        filters: the shared document filters.

    Returns:
        A DataFrame with :data:`KWIC_COLUMNS`. The streams are read a block at a time and only
        the matching documents' are held, one block of them at a time.

    Example:
        >>> kwic(corpus, "entrepreneur*", window=5, since="2000")   # doctest: +SKIP
    """
    if window < 0:
        raise BadQuery(f"--window must be zero or more, not {window}")
    lexicon = lexicon or load_lexicon(config=corpus.config)
    theme = resolve_query(query, lexicon)
    selection = select_lemmas(corpus, lemmas=lemmas, limit=limit, **filters)
    rows: list[dict[str, Any]] = []
    held: dict[str, str] = {}  # the streams of matching documents not yet shown in context
    models: dict[str, Any] = {}  # the tokenizer (and lemmatizer) loaded once for every block
    found = held_chars = 0
    for doc_id, *_, text in selection.iter(progress=progress):
        if not theme.find(text.split()):
            continue
        held[doc_id] = text
        found += 1
        held_chars += len(text)
        if held_chars >= _HELD_CHARS:
            rows.extend(match_contexts(corpus, list(held), held, lambda _, words: theme.find(words),
                                       window=window, models=models))
            held.clear()
            held_chars = 0
    if held:
        rows.extend(match_contexts(corpus, list(held), held, lambda _, words: theme.find(words), window=window,
                                   models=models))
    made = dict(query=query, window=window, themes_sha256=themes_digest([theme]))
    filters = dict(filters, limit=limit)
    if not found and theme.source == "query":
        _refuse_a_near_theme(query, lexicon)
    return attach_provenance(pd.DataFrame(rows, columns=KWIC_COLUMNS), corpus, "kwic", filters, **made)


def match_contexts(corpus, doc_ids: Sequence[str], streams: dict[str, str],
                   find: Callable[[str, list[str]], list[tuple[int, int]]], *, window: int,
                   models: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Return a :data:`KWIC_COLUMNS` row for each span ``find`` gives, with ``window`` original words around it.

    Args:
        corpus: an open corpus.
        doc_ids: the documents, in the order of the rows.
        streams: document id → its stored lemma stream (as :func:`lemma_frame` gives it).
        find: ``(doc_id, lemmas)`` → the ``(start, end)`` token spans to show in that document's
            lemmas (the stored stream, or the text lemmatised again when the two no longer align).
        window: words of context on each side.
        models: the spaCy tokenizer and lemmatizer of an earlier call (``tokenizer``,
            ``lemmatizer``); those loaded here are added to it, for the next call.
    """
    models = {} if models is None else models
    if "tokenizer" not in models:
        models["tokenizer"] = load_tokenizer(corpus.config.model)
    tokenizer = models["tokenizer"]
    conn = corpus.store.conn
    rows: list[dict[str, Any]] = []
    for doc_id in doc_ids:
        record = conn.execute("SELECT text, date, speaker, government, title FROM documents WHERE id = ?",
                              (doc_id,)).fetchone()
        text = record["text"]
        lemmas = streams[doc_id].split()
        words = word_spans(tokenizer, text)
        if len(words) == len(lemmas):
            tokens = [(lemma, start, end) for lemma, (start, end) in zip(lemmas, words)]
        else:  # the stored stream was tokenised differently: lemmatise again to align
            if "lemmatizer" not in models:
                models["lemmatizer"] = load_lemmatizer(corpus.config.model)
            tokens = list(iter_lemma_tokens(models["lemmatizer"], text))
        for first, last in find(doc_id, [t[0] for t in tokens]):
            start, end = tokens[first][1], tokens[last - 1][2]
            left_start = tokens[max(0, first - window)][1] if window else start
            right_end = tokens[min(len(tokens), last + window) - 1][2] if window else end
            rows.append({
                "doc_id": doc_id, "date": record["date"], "speaker": record["speaker"],
                "government": record["government"], "title": record["title"],
                "left": " ".join(text[left_start:start].split()), "match": " ".join(text[start:end].split()),
                "right": " ".join(text[end:right_end].split()), "start": start, "end": end,
            })
    return rows
