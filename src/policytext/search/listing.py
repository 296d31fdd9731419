"""Corpus queries over annotations: the quotes and claims tables, optionally through the index."""
from __future__ import annotations

import json
from typing import Any

import pandas as pd

from policytext.errors import BadQuery
from policytext.provenance import attach_provenance
from policytext.records import (ANNOTATION_RULES, check_claim_types, check_quote_scheme, check_resolved_by,
                                not_annotated_condition)
from policytext.search.citations import cited_words, format_newsroom, read_sources
from policytext.search.hits import _match, store_of, query_errors, record_filter, relevance_sql, speaker_tables
from policytext.search.marking import CLI_CLOSE, CLI_OPEN, mark_matches, mark_text
from policytext.search.matching import match_query
from policytext.store import DocumentFilter
from policytext.store.filters import check_fraction, strict_options

QUOTE_COLUMNS = ["doc_id", "start", "end", "text", "speaker", "speaker_role", "cue", "kind", "confidence",
                 "resolved_by", "scheme", "title", "date", "doc_speaker", "doc_kind", "government", "url", "citation"]
"""Columns of :func:`find_quotes` (``kind`` is the quote's: direct, indirect or mixed; ``doc_kind``
the document's). With ``about`` the frame also has ``highlighted`` and ``rank``."""

CLAIM_COLUMNS = ["doc_id", "start", "end", "text", "score", "types", "speaker", "title", "date",
                 "doc_kind", "government", "url", "citation"]
"""Columns of :func:`find_claims`. With ``about`` the frame also has ``highlighted`` and ``rank``."""

_DOC_COLUMNS = ("d.title AS title, d.date AS date, d.speaker AS doc_speaker, d.kind AS doc_kind, "
                "d.government AS government, d.url AS url, d.publisher AS publisher, "
                "d.source AS source")


def _query(store: Any, table: str, select: str, where: str, params: list[Any], *,
           about: str | None, order: str, limit: int | None) -> list[dict[str, Any]]:
    """Run one listing query; with ``about`` only rows the index matches, best first.

    Best first by the relevance ``search --in quotes|claims`` ranks by (BM25 with the length prior,
    :func:`~policytext.search.hits.relevance_sql`), so ``quotes --about trust`` lists the quotes in
    the order ``search trust --in quotes`` does, with the same ``rank`` values.
    """
    found = None
    if about is not None:
        found = match_query(about, table)
        where, params = found.restrict(store.conn, where, params)
        fts = f"{table}_fts"
        relevance = relevance_sql("t", f"{fts}.rank")
        sql = (f"SELECT t.id AS record_id, {select}, {relevance} AS rank "
               f"FROM {fts} JOIN {table} AS t ON t.id = {fts}.rowid "
               f"JOIN documents AS d ON d.id = t.doc_id WHERE {fts} MATCH ? AND {where} "
               f"ORDER BY {relevance}, t.doc_id, t.start_char, t.id")
        params = [found.fts_query, *params]
    else:
        sql = (f"SELECT {select} FROM {table} AS t JOIN documents AS d ON d.id = t.doc_id "
               f"WHERE {where} ORDER BY {order}")
    if limit is not None:
        sql += " LIMIT ?"
        params = params + [int(limit)]
    with query_errors(about):
        rows = [dict(row) for row in _match(store.conn, sql, params)]
        if found is not None:  # marked as a search's hits are: bare words by stems, quoted phrases as written
            marks = mark_matches(store.conn, [{"id": row["record_id"], "text": row["text"]} for row in rows],
                                 words=found.word_marks, exact=found.exact_marks)
            for row in rows:
                row["highlighted"] = mark_text(row["text"], marks.get(row.pop("record_id"), ()), CLI_OPEN, CLI_CLOSE)
    return rows


@strict_options
def find_quotes(corpus: Any, *, speaker: str | None = None, about: str | None = None,
                party: str | None = None, government: str | None = None, kind: str | None = None,
                since: str | None = None, until: str | None = None,
                limit: int | None = None, min_confidence: float = 0.0,
                resolved_by: str | None = None, scheme: str | None = None, role: str | None = None,
                side: str | None = None, post: str | None = None) -> pd.DataFrame:
    """Return the corpus's quotes, by who is quoted and what about, as a DataFrame.

    Args:
        corpus: a Corpus or Store.
        speaker: part of the quoted person's name (the document's speaker when a quote has none).
        about: a search query (the ``search`` syntax) over the quotes' text; best matches first.
        min_confidence: only quotes whose confidence is at least this (0–1).
        resolved_by: only quotes whose speaker was resolved so, e.g. ``"name"`` or
            ``"name,pronoun,chain"`` (see :func:`policytext.records.check_resolved_by`).
        scheme: only quotes found under this scheme, ``speech`` or ``attribution``
            (:data:`policytext.records.QUOTE_SCHEMES`; quotes stored before schemes were recorded have none).
        party, government, kind, since, until, limit, role, side, post: the shared document filters. ``kind`` is
            the document's kind (speech, blog…), as everywhere else.

    Returns:
        A DataFrame with :data:`QUOTE_COLUMNS` (oldest first, or best first with ``about``). Its
        ``kind`` column is the quote's (direct, indirect or mixed), as in the ``quotes`` table and
        ``extract quotes``; the document's kind is ``doc_kind``. (A search hit, which has a
        document's fields first, names them ``kind`` and ``quote_kind``.)

    Example:
        >>> find_quotes(corpus, speaker="Hancock", about="trust")  # doctest: +SKIP
    """
    store = store_of(corpus)
    filters = DocumentFilter.from_options(speaker=speaker, party=party, government=government, kind=kind,
                                          since=since, until=until, limit=limit, role=role, side=side, post=post).check_values(
        store.conn, speaker_of=speaker_tables("quotes"))
    where, params = record_filter("quotes", filters)
    confidence = check_fraction(min_confidence, option="min_confidence")
    where, params = f"t.confidence >= ? AND {where}", [confidence, *params]
    if resolved_by is not None:
        methods = check_resolved_by(resolved_by)
        where, params = f"t.resolved_by IN ({', '.join('?' * len(methods))}) AND {where}", [*methods, *params]
    if scheme is not None:
        where, params = f"t.scheme = ? AND {where}", [check_quote_scheme(scheme), *params]
    select = ("t.doc_id AS doc_id, t.start_char AS start, t.end_char AS end, t.text AS text, "
              "COALESCE(t.speaker, d.speaker) AS speaker, t.speaker_role AS speaker_role, t.cue AS cue, "
              "t.kind AS kind, t.confidence AS confidence, t.resolved_by AS resolved_by, t.scheme AS scheme, "
              f"{_DOC_COLUMNS}")
    rows = _query(store, "quotes", select, where, params, about=about,
                  order="d.date, t.doc_id, t.start_char", limit=filters.limit)
    sources = read_sources(store.conn, (row["doc_id"] for row in rows))
    for row in rows:
        del row["publisher"], row["source"]
        row["citation"] = format_newsroom(cited_words(sources[row["doc_id"]], speaker=row["speaker"], within="quotes"))
    columns = QUOTE_COLUMNS + (["highlighted", "rank"] if about is not None else [])
    return attach_provenance(pd.DataFrame(rows, columns=columns), corpus, "find_quotes", dict(
        party=party, government=government, kind=kind, since=since, until=until, role=role, side=side,
        post=post), speaker=speaker, about=about,
        limit=limit, min_confidence=min_confidence, resolved_by=resolved_by, scheme=scheme)


@strict_options
def find_claims(corpus: Any, *, min_score: float = 0.5, type: str | None = None,
                speaker: str | None = None, about: str | None = None, party: str | None = None,
                government: str | None = None, kind: str | None = None, since: str | None = None,
                until: str | None = None, limit: int | None = None, role: str | None = None,
                side: str | None = None, post: str | None = None) -> pd.DataFrame:
    """Return the corpus's check-worthy claims, most check-worthy first, as a DataFrame.

    Args:
        corpus: a Corpus or Store.
        min_score: only claims scoring at least this (0-1).
        type: only claims of this type, or of any of a comma list (``"quantity,causal"``): of
            :data:`policytext.records.CLAIM_TYPES`; any other is refused.
        speaker: part of the claimant's name (the document's speaker when a claim has none).
        about: a search query over the claims' text; best matches first.
        party, government, kind, since, until, limit, role, side, post: the shared document filters.

    Returns:
        A DataFrame with :data:`CLAIM_COLUMNS`; ``types`` holds a list per claim.

    Example:
        >>> find_claims(corpus, min_score=0.8, type="quantity", since=2000)  # doctest: +SKIP
    """
    store = store_of(corpus)
    min_score = check_fraction(min_score, option="min_score")
    filters = DocumentFilter.from_options(speaker=speaker, party=party, government=government, kind=kind,
                                          since=since, until=until, limit=limit, role=role, side=side, post=post).check_values(
        store.conn, speaker_of=speaker_tables("claims"))
    where, params = record_filter("claims", filters)
    where += " AND t.score >= ?"
    params = params + [float(min_score)]
    if type is not None:
        types = check_claim_types(type)
        where += (" AND EXISTS (SELECT 1 FROM json_each(t.types) WHERE json_each.value COLLATE NOCASE "
                  f"IN ({', '.join('?' * len(types))}))")
        params = params + types
    select = ("t.doc_id AS doc_id, t.start_char AS start, t.end_char AS end, t.text AS text, "
              "t.score AS score, t.types AS types, COALESCE(t.speaker, d.speaker) AS speaker, "
              f"{_DOC_COLUMNS}")
    rows = _query(store, "claims", select, where, params, about=about,
                  order="t.score DESC, d.date, t.doc_id, t.start_char", limit=filters.limit)
    sources = read_sources(store.conn, (row["doc_id"] for row in rows))
    for row in rows:
        row["types"] = json.loads(row["types"] or "[]")
        del row["doc_speaker"], row["publisher"], row["source"]
        row["citation"] = format_newsroom(cited_words(sources[row["doc_id"]], speaker=row["speaker"], within="claims"))
    columns = CLAIM_COLUMNS + (["highlighted", "rank"] if about is not None else [])
    return attach_provenance(pd.DataFrame(rows, columns=columns), corpus, "find_claims", dict(
        party=party, government=government, kind=kind, since=since, until=until, role=role, side=side,
        post=post), speaker=speaker, about=about,
        limit=limit, min_score=min_score, type=type)



@strict_options
def annotation_gap(corpus: Any, **filters: Any) -> tuple[int, int]:
    """Return how many documents within ``filters`` are not annotated yet, and how many there are.

    A document counts as not annotated when it never was, its text changed since, it was
    annotated under older annotation rules (:func:`older_rules_count`), or it was
    annotated with another model than the corpus's ``model`` and ``claim_model`` settings: its
    sentences, quotes and claims are missing or stale, so finding none there is not a real "no".
    One query over the documents table.

    Example:
        >>> annotation_gap(corpus, government="Blair")  # doctest: +SKIP
        (12, 40)
    """
    from policytext.records import annotation_model_key

    filter_ = DocumentFilter.from_options(**filters)
    where, params = filter_.where("documents")
    stale, stale_params = not_annotated_condition(annotation_model_key(corpus.config.model,
                                                                       corpus.config.claim_model))
    row = store_of(corpus).conn.execute(f"SELECT COUNT(*), COALESCE(SUM({stale}), 0) FROM documents WHERE {where}",
                                        [*stale_params, *params]).fetchone()
    return int(row[1]), int(row[0])


@strict_options
def other_scheme_counts(corpus: Any, scheme: str, **filters: Any) -> dict[str, int]:
    """Return how many documents within ``filters`` hold quotes found under another scheme than ``scheme``.

    A document holds the quotes of one scheme at a time (the one it was annotated under), so
    ``find_quotes(scheme=...)`` lists none of these documents' quotes; the counts let a note say
    why a list is short or empty instead of letting it read as "nobody is quoted". Documents not
    annotated on their current text, or annotated before schemes were recorded, are left to
    :func:`annotation_gap`.

    Example:
        >>> other_scheme_counts(corpus, "attribution", since="2010")  # doctest: +SKIP
        {'speech': 12}
    """
    asked = check_quote_scheme(scheme)
    filter_ = DocumentFilter.from_options(**filters)
    where, params = filter_.where("documents")
    rows = store_of(corpus).conn.execute(
        "SELECT annotated_quote_scheme, COUNT(*) FROM documents WHERE annotated_sha256 = content_sha256 "
        f"AND annotated_quote_scheme IS NOT NULL AND annotated_quote_scheme != ? AND {where} "
        "GROUP BY annotated_quote_scheme ORDER BY annotated_quote_scheme", [asked, *params]).fetchall()
    return {str(name): int(count) for name, count in rows}


@strict_options
def older_rules_count(corpus: Any, **filters: Any) -> int:
    """Return how many documents within ``filters`` were annotated, on their current text, under
    older annotation rules than this version's (:data:`~policytext.records.ANNOTATION_RULES`).

    Their quotes, speakers and claims are what an older policytext found; :func:`annotation_gap`
    counts them among the documents not annotated, and the next ``annotate`` redoes them. This
    count lets a note name that cause.

    Example:
        >>> older_rules_count(corpus, kind="speech")  # doctest: +SKIP
        3
    """
    filter_ = DocumentFilter.from_options(**filters)
    where, params = filter_.where("documents")
    row = store_of(corpus).conn.execute(
        "SELECT COUNT(*) FROM documents WHERE annotated_sha256 = content_sha256 "
        f"AND (annotated_rules IS NULL OR annotated_rules != ?) AND {where}",
        [ANNOTATION_RULES, *params]).fetchone()
    return int(row[0])
