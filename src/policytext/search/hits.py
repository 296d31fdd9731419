"""Full-text search over sentences, quotes and claims: the SQL that finds a page of ranked hits in context.

A search costs little more than the bare FTS5 query. One statement matches, joins each match to its
record (the length prior reads its text) and, when filters or the sort need them, to its document,
orders the matches (:func:`relevance_sql`: BM25 times a length prior and a heading weight; or by
date, or a claim's score) and returns the page with its document details (and, for sentences,
the neighbouring sentences; a quote's or claim's are found from its documents' sentence
boundaries). With filters the count comes from the same pass (a window over the matches); without,
from the page itself or the index's own count. The page's matched words are then marked in a small
in-memory FTS5 table with the index's tokenizer.

The hits and results are typed in :mod:`~policytext.search.results`, their words marked by
:mod:`~policytext.search.marking` and cited by :mod:`~policytext.search.citations`.
"""
from __future__ import annotations

import bisect
import collections
import functools
import json
import sqlite3
import threading
import warnings
import weakref
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import pandas as pd

from policytext.headings import BULLETS, CLOSING, HEADING_MAX_CHARS
from policytext.errors import BadQuery
from policytext.provenance import attach_provenance
from policytext.search.citations import cited_words, format_newsroom, read_sources
from policytext.search.marking import CLOSE_MARK, OPEN_MARK, mark_matches
from policytext.search.matching import QueryMatch, match_query
from policytext.search.query import SYNTAX_HELP
from policytext.search.results import HIT_COLUMNS, SearchHit, SearchResult
from policytext.store import DocumentFilter, Store
from policytext.store.filters import check_fraction, strict_options

SEARCH_TARGETS = ("sentences", "quotes", "claims")
"""What ``within`` (``--in`` on the command line, ``in`` on the page) may name."""
SORTS = ("relevance", "date", "-date", "score")
"""What ``sort`` may name: ``score`` (the claim score, highest first) only for claims."""

LENGTH_PRIOR_CHARS = 10
"""The length prior: BM25 is multiplied by ``n / (n + LENGTH_PRIOR_CHARS)`` for a text of ``n``
characters, so a one-line fragment ("--World Heritage Trust.") no longer outranks a sentence
that uses the word. Chosen on the dev queries of :mod:`policytext.evaluation.ranking` (nDCG@10
0.802 on dev, 0.767 on test, where BM25 alone has 0.403 and 0.329; see docs/search.md)."""
HEADING_WEIGHT = 0.75
"""BM25 of a heading or list item (:func:`policytext.headings.is_heading`: at most
:data:`HEADING_MAX_CHARS` long, with no closing punctuation, all in capitals, or after a leading
dash or bullet) is multiplied by this; chosen with :data:`LENGTH_PRIOR_CHARS`."""
STORED_HEADING = "t.heading"
"""The column annotating marks headings in (sentences only; NULL where stored before it did)."""


def relevance_sql(alias: str = "t", fts: str = "rank", *, length_prior: float = LENGTH_PRIOR_CHARS,
                  heading_weight: float = HEADING_WEIGHT, heading_column: str | None = None) -> str:
    """Return the SQL of a match's relevance: BM25 (``fts``, lower is better) times the priors.

    The text of ``<alias>.text`` of ``n`` characters keeps ``n / (n + length_prior)`` of its BM25,
    and a heading ``heading_weight`` of it; a ``length_prior`` of 0 and ``heading_weight`` of 1 give
    plain BM25. ``heading_column`` names a stored heading flag (1 or 0, :data:`STORED_HEADING` for
    sentences) that decides where it is set; where it is NULL, or without one, the text's look is
    judged in SQL by :func:`~policytext.headings.is_heading`'s rule. Only numbers chosen
    here reach the SQL, never user input.
    """
    length_prior, heading_weight = float(length_prior), float(heading_weight)
    text = f"{alias}.text"
    closing = "'" + CLOSING.replace("'", "''") + "'"
    last = f"substr(rtrim({text}, ' ' || char(9, 10, 13)), -1)"
    bullets = "[" + BULLETS.replace("\u2022", "' || char(8226) || '") + "]"
    heading = (f"(instr({closing}, {last}) = 0 OR ({text} = upper({text}) AND {text} <> lower({text})) "
               f"OR ltrim({text}) GLOB '{bullets}*')")
    prior = f"(length({text}) * 1.0 / (length({text}) + {length_prior!r}))" if length_prior else "1.0"
    stored = f"{heading_column} WHEN 1 THEN {heading_weight!r} WHEN 0 THEN 1.0 ELSE " if heading_column else ""
    looks = (f"CASE WHEN length({text}) > {HEADING_MAX_CHARS} THEN 1.0 WHEN {heading} THEN {heading_weight!r} "
             "ELSE 1.0 END")
    weight = "1.0" if heading_weight == 1.0 else f"(CASE {stored}{looks} END)" if stored else f"({looks})"
    return f"({fts} * {prior} * {weight})"


def _check_sort(sort: str | None, within: str) -> str:
    """Return the sort to use (claims by score, the rest by relevance, unless told), or raise."""
    if sort is None:
        return "score" if within == "claims" else "relevance"
    if sort not in SORTS or (sort == "score" and within != "claims"):
        allowed = ", ".join(s for s in SORTS if s != "score" or within == "claims")
        extra = "" if within == "claims" else " ('score' only for claims)"
        raise BadQuery(f"cannot sort {within} by {sort!r}: choose one of {allowed}{extra}")
    return sort


def _order_sql(sort: str) -> str:
    """Return the ORDER BY of a sort over ``t`` (the record), ``d`` (its document) and ``relevance``.

    Ties are broken by the document and the position in it, so a page never reshuffles.
    """
    position = "t.doc_id, t.start_char, t.id"
    return {"relevance": f"relevance, {position}",
            "score": f"t.score IS NULL, t.score DESC, relevance, {position}",
            "date": f"d.date IS NULL, d.date, {position}",
            "-date": f"d.date IS NULL, d.date DESC, {position}"}[sort]

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000
MAX_OFFSET = 2**62  # far past any index; beyond SQLite's integers the offset would overflow
CONTEXT_CHARS = 300  # context taken from the document text when it has no stored sentences


def store_of(corpus: Any) -> Store:
    """Return the open ``Store`` of a :class:`~policytext.corpus.Corpus` (or the ``Store`` itself)."""
    store = getattr(corpus, "store", corpus)
    if not isinstance(store, Store):
        raise TypeError("pass a Corpus (from open_corpus) or a Store")
    return store


def _check_within(within: str) -> str:
    if within not in SEARCH_TARGETS:
        raise BadQuery(f"cannot search in {within!r}: choose one of {', '.join(SEARCH_TARGETS)}")
    return within


def speaker_tables(within: str) -> tuple[str, ...]:
    """Return the tables whose speaker ``--speaker`` matches for records of ``within``, as :func:`record_filter` does.

    For :meth:`DocumentFilter.check_values`: a sentence is its document's speaker's, a quote or
    claim its own speaker's or, when it has none, the document's.
    """
    return ("documents",) if within == "sentences" else (within, "documents")


def record_filter(within: str, filters: DocumentFilter, alias: str = "t", *,
                  min_score: float | None = None) -> tuple[str, list[Any]]:
    """Return the SQL condition of ``filters`` for records of ``within`` joined to ``documents d``.

    ``speaker`` matches the document's speaker for sentences, and for quotes and claims the
    record's own speaker (who is quoted, who claims) or, when it has none, the document's.
    ``min_score`` keeps claims scoring at least that (0-1); it is refused for sentences and quotes.
    """
    column = None if within == "sentences" else f"COALESCE({alias}.speaker, d.speaker)"
    where, params = filters.where("d", speaker_column=column)
    if min_score is None:
        return where, params
    if within != "claims":
        raise BadQuery(f"a minimum score applies to claims, not to {within}: search --in claims")
    score = check_fraction(min_score, option="min_score")
    return (f"{alias}.score >= ?" if where == "1" else f"{where} AND {alias}.score >= ?"), [*params, score]


def _match(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[sqlite3.Row]:
    """Return the rows of a statement (callers run it inside :func:`query_errors`)."""
    return conn.execute(sql, params).fetchall()


def _match_dicts(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """Return the rows as plain dicts (cheaper to read many fields from than ``sqlite3.Row``)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    rows = cursor.execute(sql, params).fetchall()
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in rows]


# What FTS5 says about a MATCH expression it cannot run (its parser, a column filter, a NUL).
_FTS_ERRORS = ("fts5", "no such column", "malformed MATCH", "unterminated string", "unknown special query")


@contextmanager
def query_errors(query: str | None) -> Iterator[None]:
    """Turn SQLite's complaints about a MATCH into :class:`BadQuery` quoting the user's ``query``.

    The parser lets through only what FTS5 reads, so this is a safety net: whatever FTS5 still
    refuses is the user's query error with the query shown, never a traceback or an HTTP 500.
    """
    try:
        yield
    except sqlite3.OperationalError as err:
        _raise_bad_query(err, query)
        raise


def _raise_bad_query(err: sqlite3.OperationalError, query: str | None = None) -> None:
    """Raise :class:`BadQuery` when ``err`` comes from the query or a missing index."""
    text = str(err)
    if any(sign in text for sign in _FTS_ERRORS):
        shown = "this query" if query is None else f"the search query {query!r}"
        raise BadQuery(f"the index cannot run {shown} ({text}). {SYNTAX_HELP}.") from err
    if "no such table" in text:
        raise BadQuery("this corpus has no search index yet: open it once with a writable "
                       "store (any policytext command) to build it") from err


@strict_options
def search_corpus(corpus: Any, query: str, *, within: str = "sentences",
                  speaker: str | None = None, party: str | None = None,
                  government: str | None = None, kind: str | None = None,
                  since: str | None = None, until: str | None = None,
                  limit: int | None = DEFAULT_LIMIT, offset: int = 0,
                  sort: str | None = None, role: str | None = None, side: str | None = None,
                  post: str | None = None, min_score: float | None = None,
                  known_total: int | None = None) -> SearchResult:
    """Search the corpus's sentences, quotes or claims; the best matches first, or in ``sort`` order.

    Relevance is BM25 with a length prior and a heading weight (:func:`relevance_sql`), so short
    fragments and headings no longer come first.

    Args:
        corpus: a :class:`~policytext.corpus.Corpus` or an open ``Store``.
        query: words, "exact phrases", OR, NOT, prefix*, NEAR(a b, 10), parentheses.
        within: ``sentences``, ``quotes`` or ``claims``.
        speaker, party, government, kind, since, until, role, side, post: the shared document filters.
        limit: hits per page (at most 1,000); ``offset``: how many to skip (paging).
        min_score: for claims, only those scoring at least this (0-1); refused for the others.
        sort: ``relevance`` (best first), ``date`` (oldest first), ``-date`` (newest first) or,
            for claims, ``score`` (most check-worthy first; the query only filters). By default
            claims by ``score`` and the rest by ``relevance``; ties keep document order.
        known_total: how many records match, when the caller has counted them with the same query
            and filters (the page's counts by speaker, government and year add up to it): taken as
            the total rather than counted again.

    Returns:
        A :class:`SearchResult` with ``total`` matches and this page's ``hits``; a hit's ``rank`` is
        its relevance (lower is better, as BM25's).

    Example:
        >>> result = search_corpus(corpus, '"new frontier"', speaker="Kennedy", sort="date")  # doctest: +SKIP
        >>> result.hits[0].citation                                             # doctest: +SKIP
    """
    store = store_of(corpus)
    within = _check_within(within)
    sort = _check_sort(sort, within)
    found = match_query(query, within)
    fts_query = found.fts_query
    limit = DEFAULT_LIMIT if limit is None else int(limit)
    if not 0 <= limit <= MAX_LIMIT:
        raise BadQuery(f"the limit must be 0 to {MAX_LIMIT}, not {limit}")
    offset = int(offset)
    if offset < 0:
        raise BadQuery(f"the offset must be zero or more, not {offset}")
    if offset > MAX_OFFSET:
        raise BadQuery(f"the offset must be at most {MAX_OFFSET:,}, not {offset:,}")
    filters = DocumentFilter.from_options(speaker=speaker, party=party, government=government,
                                          kind=kind, since=since, until=until, role=role, side=side, post=post).check_values(
        store.conn, speaker_of=speaker_tables(within))
    where, params = found.restrict(store.conn, *record_filter(within, filters, min_score=min_score))
    conn = store.conn
    with query_errors(query):
        page = _match_dicts(conn, *_page_statement(within, *_ranking_statement(
            within, fts_query, where, params, sort, limit, offset, count=known_total is None)))
        marked = mark_matches(conn, page, words=found.word_marks, exact=found.exact_marks)
        if known_total is not None:
            total = int(known_total)
        elif where == "1":  # the index counts its matches faster than a window over every joined match
            total = offset + len(page) if len(page) < limit and (page or offset == 0) else None
        else:
            total = int(page[0]["total"]) if page else (0 if offset == 0 < limit else None)
        if total is None:  # a full page, a page past the end, or only the count asked for
            total = _count_matches(conn, within, fts_query, where, params)
    hits = tuple(_build_hits(store, within, page, marked))
    return SearchResult(query=query, fts_query=fts_query, within=within, total=total,
                        offset=offset, limit=limit, hits=hits)


STREAM_BATCH = 500
"""Hits :func:`stream_hits` reads, completes and yields at a time."""
_BATCH_SQL = ("SELECT json_extract(j.value, '$[0]') AS id, json_extract(j.value, '$[1]') AS relevance, "
              "NULL AS total FROM json_each(?) AS j ORDER BY j.key")


@strict_options
def stream_hits(corpus: Any, query: str, *, within: str = "sentences",
                speaker: str | None = None, party: str | None = None,
                government: str | None = None, kind: str | None = None,
                since: str | None = None, until: str | None = None,
                sort: str | None = None, role: str | None = None, side: str | None = None,
                post: str | None = None, min_score: float | None = None,
                batch: int = STREAM_BATCH) -> Iterator[SearchHit]:
    """Yield every hit of a search, in order, reading the ranked matches from one cursor in batches.

    The same hits, order and fields as :func:`search_corpus` page after page, with no limit, and in
    constant memory: the ranked ids come from one open cursor (SQLite sorts them), ``batch`` at a
    time, and each batch is completed (document, context, marks, citation) and yielded before the
    next is read. What the downloads of the page and ``/api/search.csv``/``.jsonl`` stream.

    Example:
        >>> sum(1 for _ in stream_hits(corpus, "inflation", since=1970))  # doctest: +SKIP
        2154
    """
    store = store_of(corpus)
    within = _check_within(within)
    sort = _check_sort(sort, within)
    found = match_query(query, within)
    if int(batch) < 1:
        raise BadQuery(f"the batch must be one or more, not {batch}")
    filters = DocumentFilter.from_options(speaker=speaker, party=party, government=government,
                                          kind=kind, since=since, until=until, role=role, side=side, post=post).check_values(
        store.conn, speaker_of=speaker_tables(within))
    where, params = found.restrict(store.conn, *record_filter(within, filters, min_score=min_score))
    conn = store.conn
    with query_errors(query):
        cursor = conn.execute(_ranking_sql(within, where, sort, paged=False), [found.fts_query, *params])
    try:
        while True:
            with query_errors(query):
                ranked = cursor.fetchmany(int(batch))
                if not ranked:
                    return
                # the ranking's rows are (id, relevance, total): hits_of_ranked takes (id, rank) pairs
                hits = hits_of_ranked(store, [(row[0], row[1]) for row in ranked], within=within,
                                      marking=found)
            yield from hits
    finally:
        cursor.close()


@strict_options
def rank_records(corpus: Any, query: str, *, within: str = "sentences", limit: int = DEFAULT_LIMIT,
                 speaker: str | None = None, party: str | None = None, government: str | None = None,
                 kind: str | None = None, since: str | None = None, until: str | None = None,
                 role: str | None = None, side: str | None = None, post: str | None = None) -> list[tuple[int, float]]:
    """Return (record id, relevance) of the ``limit`` best matches of ``query``, best first: a search's ranking alone.

    The same records in the same order as :func:`search_corpus`'s hits (relevance, lower is
    better), without building a page: what hybrid ranking fuses (200 ids, not 200 hits with
    their context and citations).

    Example:
        >>> rank_records(corpus, '"big government" OR era', speaker="Clinton", limit=3)  # doctest: +SKIP
        [(1204, -9.1), (88, -7.5), (301, -6.0)]
    """
    store = store_of(corpus)
    within = _check_within(within)
    found = match_query(query, within)
    if not 0 <= int(limit) <= MAX_LIMIT:
        raise BadQuery(f"the limit must be 0 to {MAX_LIMIT}, not {limit}")
    filters = DocumentFilter.from_options(speaker=speaker, party=party, government=government, kind=kind,
                                          since=since, until=until, role=role, side=side,
                                          post=post).check_values(
        store.conn, speaker_of=speaker_tables(within))
    where, params = found.restrict(store.conn, *record_filter(within, filters))
    with query_errors(query):
        rows = _match(store.conn, _ranking_sql(within, where, "relevance", counted=False),
                      [found.fts_query, *params, int(limit), 0])
    return [(int(row[0]), float(row[1])) for row in rows]


def hits_of_ranked(corpus: Any, ranked: Sequence[tuple[int, float]], *, within: str = "sentences",
                   marking: QueryMatch | None = None) -> list[SearchHit]:
    """Return the hits of records ranked elsewhere, in the given order, completed as a search's own.

    Each (record id, rank, …) row becomes a :class:`SearchHit` with its document, context, citation and,
    when ``marking`` (a query's :class:`~policytext.search.matching.QueryMatch`, as
    :func:`~policytext.search.matching.match_query` makes) is given, its matched words marked. What :func:`stream_hits` does with each batch of
    BM25's ranking, and search by meaning with its page of nearest sentences.

    Example:
        >>> hits_of_ranked(corpus, [(1204, 0.83), (88, 0.79)])[0].id   # doctest: +SKIP
        1204
    """
    store = store_of(corpus)
    within = _check_within(within)
    if not ranked:
        return []
    conn = store.conn
    page = _match_dicts(conn, _page_sql(within, _BATCH_SQL),
                        [json.dumps([[int(row[0]), float(row[1])] for row in ranked])])
    marked = mark_matches(conn, page, words=marking.word_marks, exact=marking.exact_marks) if marking else {}
    return _build_hits(store, within, page, marked)


def _count_matches(conn: sqlite3.Connection, within: str, fts_query: str, where: str,
                   params: list[Any]) -> int:
    """Return how many records match the query and the filters."""
    fts = f"{within}_fts"
    if where == "1":  # every indexed row has its record and document: the store enforces foreign keys
        return int(_match(conn, f"SELECT count(*) FROM {fts} WHERE {fts} MATCH ?", [fts_query])[0][0])
    return int(_match(conn, f"SELECT count(*) FROM {fts} JOIN {within} AS t ON t.id = {fts}.rowid "
                            f"JOIN documents AS d ON d.id = t.doc_id WHERE {fts} MATCH ? AND {where}",
                      [fts_query, *params])[0][0])


def _ranking_statement(within: str, fts_query: str, where: str, params: list[Any], sort: str, limit: int,
                       offset: int, *, count: bool = True) -> tuple[str, list[Any]]:
    """Return the one statement that matches, filters, orders and counts: ids of a page.

    Each match is joined to its record (the length prior reads its text) and, when filters or the
    sort need it, to its document, once; the count comes from the same pass.
    """
    return _ranking_sql(within, where, sort, counted=count), [fts_query, *params, limit, offset]


@functools.lru_cache(maxsize=256)
def _ranking_sql(within: str, where: str, sort: str, *, paged: bool = True, counted: bool = True) -> str:
    """Return the text of :func:`_ranking_statement` (it depends on the filter clause, not its values).

    Not ``paged``: every match in order, without the count (what :func:`stream_hits` reads); not
    ``counted``: without the count (the caller knows it).
    """
    fts = f"{within}_fts"
    documents = "" if where == "1" and sort in ("relevance", "score") else \
        "JOIN documents AS d ON d.id = t.doc_id "
    total = "NULL" if where == "1" or not paged or not counted else "count(*) OVER ()"
    relevance = relevance_sql("t", f"{fts}.rank", heading_column=_heading_column(within))
    return (f"SELECT t.id AS id, {relevance} AS relevance, {total} AS total "
            f"FROM {fts} JOIN {within} AS t ON t.id = {fts}.rowid {documents}"
            f"WHERE {fts} MATCH ? AND {where} ORDER BY {_order_sql(sort)}" + (" LIMIT ? OFFSET ?" if paged else ""))


def _heading_column(within: str) -> str | None:
    """Return the stored heading flag of ``within``'s records (only sentences have one)."""
    return STORED_HEADING if within == "sentences" else None


def page_columns(within: str) -> str:
    """Return the columns of a page of hits read from ``<within> AS t`` joined to ``documents AS d``."""
    extra = {"sentences": "t.idx AS idx, NULL AS own_speaker",
             "quotes": "NULL AS idx, t.speaker AS own_speaker, t.cue AS cue, t.kind AS quote_kind, "
                       "t.resolved_by AS resolved_by",
             "claims": "NULL AS idx, t.speaker AS own_speaker, t.score AS score, t.types AS types"}[within]
    return (f"t.id AS id, t.doc_id AS doc_id, t.start_char AS start, t.end_char AS end, "
            f"t.text AS text, {extra}, d.title AS title, d.speaker AS doc_speaker, d.date AS date, "
            "d.kind AS kind, d.government AS government, d.party AS party, d.url AS url, "
            "d.publisher AS publisher, d.source AS source")


_CONTEXT_COLUMNS = {
    # a sentence's neighbours are the sentences numbered one less and one more in its document;
    # a document's sentences are stored together, so they are nearly always the rows either side
    # (a lookup by rowid), and the (doc_id, idx) index finds them when they are not
    "sentences": ("COALESCE(b.text, (SELECT s.text FROM sentences AS s WHERE s.doc_id = t.doc_id "
                  "AND s.idx = t.idx - 1)) AS before, "
                  "COALESCE(a.text, (SELECT s.text FROM sentences AS s WHERE s.doc_id = t.doc_id "
                  "AND s.idx = t.idx + 1)) AS after, 1 AS has_sentences",
                  "LEFT JOIN sentences AS b ON b.id = t.id - 1 AND b.doc_id = t.doc_id AND b.idx = t.idx - 1 "
                  "LEFT JOIN sentences AS a ON a.id = t.id + 1 AND a.doc_id = t.doc_id AND a.idx = t.idx + 1"),
    # a quote's or claim's are the last sentence ending before it and the first starting after it:
    # found in Python from the page's documents' sentence boundaries (_quote_context), because no
    # index orders a document's sentences by offset and SQL would sort each document twice a hit
    "other": ("NULL AS before, NULL AS after, NULL AS has_sentences", ""),
}


def _page_statement(within: str, ranking: str, params: list[Any]) -> tuple[str, list[Any]]:
    """Return one statement for a whole page: the ranking, each hit's record, document and context.

    The ranked page (at most ``limit`` rows) is the outer loop (CROSS JOIN keeps SQLite from
    reordering it), so the hits come out in rank order, ties as the ranking statement left them.
    """
    return _page_sql(within, ranking), params


@functools.lru_cache(maxsize=256)
def _page_sql(within: str, ranking: str) -> str:
    """Return the text of :func:`_page_statement` (it depends on the filter clause, not its values)."""
    context, joins = _CONTEXT_COLUMNS["sentences" if within == "sentences" else "other"]
    return (f"WITH ranked AS ({ranking}) SELECT {page_columns(within)}, ranked.relevance AS rank, "
            f"ranked.total AS total, {context} FROM ranked CROSS JOIN {within} AS t ON t.id = ranked.id "
            f"JOIN documents AS d ON d.id = t.doc_id {joins}")


_NOT_HIT_FIELDS = ("idx", "own_speaker", "marked", "total", "has_sentences")  # page columns a hit does not keep


def _build_hits(store: Store, within: str, page: list[dict[str, Any]],
                marked: dict[int, tuple[tuple[int, int], ...]]) -> list[SearchHit]:
    """Return the page's rows as hits: each row dict, completed, becomes the hit's fields.

    The generated ``__init__`` of a frozen dataclass sets each of the 25 fields through
    ``object.__setattr__``; completing the row the statement already made and filling the
    instance's dict with it at once costs a fraction of that.
    """
    hits = []
    quotes = within == "quotes"
    conn = store.conn
    if within != "sentences":
        _quote_context(store, page)
    citations: dict[tuple[str, str | None], str] = {}  # a page's hits share few documents
    sources = read_sources(conn, (row["doc_id"] for row in page))
    for row in page:
        hit_id, doc_id, text, doc_speaker = row["id"], row["doc_id"], row["text"], row["doc_speaker"]
        if row["has_sentences"]:
            row["before"], row["after"] = row["before"] or "", row["after"] or ""
        else:
            row["before"], row["after"] = _context_from_text(conn, doc_id, row["start"], row["end"])
        speaker = row["own_speaker"] or doc_speaker
        citation = citations.get((doc_id, speaker))
        if citation is None:
            citation = citations[doc_id, speaker] = format_newsroom(cited_words(sources[doc_id], speaker=speaker,
                                                                                within=within))
        row["marks"] = marked.get(hit_id, ())
        for name in _NOT_HIT_FIELDS:
            row.pop(name, None)
        row["within"], row["speaker"], row["citation"], row["rank"] = within, speaker, citation, float(row["rank"])
        if quotes:
            row["score"], row["types"] = None, ()
        elif within == "claims":
            row["types"] = tuple(json.loads(row["types"])) if row["types"] else ()
            row["cue"] = row["quote_kind"] = row["resolved_by"] = None
        else:
            row["cue"] = row["quote_kind"] = row["score"] = row["resolved_by"] = None
            row["types"] = ()
        hit = object.__new__(SearchHit)
        hit.__dict__.update(row)
        hits.append(hit)
    return hits


class _SentenceBounds:
    """Where the sentences of recently searched documents start and end, for one store connection.

    A quote's or claim's context is the sentence ending last before it and the one starting first
    after it. No index orders a document's sentences by offset, and reading a document's
    boundaries means reading its sentence rows (a few hundred, with their text), which cost 30–60 ms
    a page of claims when done per hit in SQL. So the boundaries of each document are read once
    and kept, sorted, for the next pages; they are dropped as soon as the store may have changed:
    another connection committed (``PRAGMA data_version``), this connection wrote
    (``total_changes``), or the store reopened its connection. At most :attr:`MAX_SENTENCES`
    boundaries are kept, the least recently used documents dropped first.
    """

    MAX_SENTENCES = 200_000

    def __init__(self) -> None:
        self._key: tuple[int, int, int | None] | None = None
        self._conn: sqlite3.Connection | None = None
        self._docs: collections.OrderedDict[str, tuple[list[int], list[int], list[int], list[int]]] = \
            collections.OrderedDict()
        self._size = 0

    def of(self, conn: sqlite3.Connection, doc_ids: list[str], *,
           readonly: bool = False) -> dict[str, tuple[list[int], list[int], list[int], list[int]]]:
        """Return, for each of ``doc_ids``, its sentences' ends and ids by end, and starts and ids by start.

        On a ``readonly`` store this connection's own changes are left out of the key: they can only
        be the marking's temporary table, which every page fills and rolls back.
        """
        own_changes = None if readonly else conn.total_changes
        key = (id(conn), conn.execute("PRAGMA data_version").fetchone()[0], own_changes)
        if conn is not self._conn or key != self._key:
            self._conn, self._key, self._size = conn, key, 0
            self._docs.clear()
        missing = [doc_id for doc_id in doc_ids if doc_id not in self._docs]
        for chunk in range(0, len(missing), 500):  # stay under SQLite's limit of bound parameters
            part = missing[chunk:chunk + 500]
            read: dict[str, list[tuple[int, int, int]]] = {doc_id: [] for doc_id in part}
            for doc_id, sentence_id, start, end in conn.execute(
                    "SELECT doc_id, id, start_char, end_char FROM sentences WHERE doc_id IN "
                    f"({', '.join('?' for _ in part)})", part):
                read[doc_id].append((start, end, sentence_id))
            for doc_id, sentences in read.items():
                by_end = sorted(sentences, key=lambda s: (s[1], s[2]))
                by_start = sorted(sentences, key=lambda s: (s[0], s[2]))
                self._docs[doc_id] = ([s[1] for s in by_end], [s[2] for s in by_end],
                                      [s[0] for s in by_start], [s[2] for s in by_start])
                self._size += len(sentences)
        found = {}
        for doc_id in doc_ids:
            self._docs.move_to_end(doc_id)
            found[doc_id] = self._docs[doc_id]
        while self._size > self.MAX_SENTENCES and len(self._docs) > len(found):
            _, dropped = self._docs.popitem(last=False)
            self._size -= len(dropped[0])
        return found


_BOUNDS: weakref.WeakKeyDictionary[Store, _SentenceBounds] = weakref.WeakKeyDictionary()
_BOUNDS_LOCK = threading.Lock()


def _quote_context(store: Store, page: list[dict[str, Any]]) -> None:
    """Fill each quote's or claim's ``before``/``after`` and ``has_sentences`` in the page's rows.

    ``before`` is the text of the document's last sentence ending at or before the record starts,
    ``after`` of its first sentence starting at or after it ends (as the SQL ``ORDER BY end_char
    DESC LIMIT 1`` and ``ORDER BY start_char LIMIT 1`` would find them), searched with bisect in
    the documents' boundaries (:class:`_SentenceBounds`); only the chosen sentences' texts are read.
    """
    if not page:
        return
    conn = store.conn
    with _BOUNDS_LOCK:
        bounds = _BOUNDS.get(store)
        if bounds is None:
            bounds = _BOUNDS[store] = _SentenceBounds()
    lookup = bounds.of(conn, list(dict.fromkeys(row["doc_id"] for row in page)),
                       readonly=getattr(store, "readonly", False))
    chosen: set[int] = set()
    for row in page:
        ends, end_ids, starts, start_ids = lookup[row["doc_id"]]
        row["has_sentences"] = 1 if ends else 0
        row["before"] = row["after"] = None
        found = bisect.bisect_right(ends, row["start"])
        if found:
            row["before"] = end_ids[found - 1]
            chosen.add(end_ids[found - 1])
        found = bisect.bisect_left(starts, row["end"])
        if found < len(starts):
            row["after"] = start_ids[found]
            chosen.add(start_ids[found])
    ids, texts = sorted(chosen), {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        texts.update(conn.execute(f"SELECT id, text FROM sentences WHERE id IN ({', '.join('?' for _ in part)})", part))
    for row in page:
        row["before"] = texts.get(row["before"]) if row["before"] is not None else None
        row["after"] = texts.get(row["after"]) if row["after"] is not None else None


def _context_from_text(conn: sqlite3.Connection, doc_id: str, start: int, end: int) -> tuple[str, str]:
    """Return up to CONTEXT_CHARS of the document text either side, cut at whole words."""
    first = max(0, start - CONTEXT_CHARS)
    pieces = conn.execute("SELECT substr(text, ?, ?), substr(text, ?, ?) FROM documents WHERE id = ?",
                          (first + 1, start - first, end + 1, CONTEXT_CHARS, doc_id)).fetchone()
    if pieces is None:
        return "", ""
    before, after = pieces[0] or "", pieces[1] or ""
    if first > 0 and " " in before:
        before = "…" + before.split(" ", 1)[1]
    if len(after) == CONTEXT_CHARS and " " in after:
        after = after.rsplit(" ", 1)[0] + "…"
    return before.strip(), after.strip()


class PartialHits(UserWarning):
    """A search frame holds one page of the hits, not every match (the default limit applied)."""


@strict_options(like=search_corpus)
def search_frame(corpus: Any, query: str, **options: Any) -> pd.DataFrame:
    """Return :func:`search_corpus`'s hits as a DataFrame with :data:`HIT_COLUMNS`.

    Like :func:`search_corpus` it holds one page: ``limit`` hits (:data:`DEFAULT_LIMIT` when not
    given) from ``offset``. How many match in all is ``frame.attrs["total"]``; when the default
    limit cut the hits short a :class:`PartialHits` warning says so, since ``len(frame)`` would
    otherwise read as the number of matches. :func:`stream_hits` gives every hit.

    Example:
        >>> search_frame(corpus, "inflation", since=1970, limit=50)  # doctest: +SKIP
    """
    result = search_corpus(corpus, query, **options)
    frame = pd.DataFrame([hit.to_dict() for hit in result.hits], columns=HIT_COLUMNS)
    # a claim's score is a number; sentences and quotes have none: NaN, so the column stays numeric
    frame["score"] = pd.to_numeric(frame["score"]).astype(float)
    frame = attach_provenance(frame, corpus, "search_frame", None, query=query, **options)
    frame.attrs["total"] = result.total
    shown = result.offset + len(result.hits)
    if options.get("limit") is None and result.total > shown:
        warnings.warn(f"{result.total:,} {result.within} match {query!r}; this frame holds hits "
                      f"{result.offset + 1:,}-{shown:,} (the default limit is {result.limit}): pass limit= "
                      f"(up to {MAX_LIMIT:,}) and offset= for more, or use "
                      "policytext.search.hits.stream_hits for every hit", PartialHits,
                      stacklevel=3)  # the caller of strict_options' wrapper
    return frame
