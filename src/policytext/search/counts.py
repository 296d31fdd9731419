"""Counts of a search's matches by speaker, government or year: the page's facets and ``search --count-by``."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policytext.errors import BadQuery
from policytext.search.hits import _check_within, store_of, query_errors, record_filter, speaker_tables
from policytext.search.matching import match_query
from policytext.store import DocumentFilter
from policytext.store.filters import strict_options

COUNT_BY = ("speaker", "government", "year")
"""What ``by`` may name."""

COUNT_UNITS = ("matches", "documents")
"""What :func:`count_matches` may count: the matching records (sentences, quotes or claims), or the
documents with at least one of them."""


@dataclass(frozen=True)
class MatchCount:
    """How many matches have one ``value`` (a speaker, a government, a year; ``None`` when unknown)."""

    value: str | None
    count: int


def _group_sql(by: str, within: str) -> str:
    """Return the SQL of the value a match is counted under (the speaker as the ``speaker`` filter reads it)."""
    if by == "speaker":
        return "d.speaker" if within == "sentences" else "COALESCE(t.speaker, d.speaker)"
    if by == "government":
        return "d.government"
    return "substr(d.date, 1, 4)"


@strict_options
def count_matches(corpus: Any, query: str, *, by: str, within: str = "sentences",
                  speaker: str | None = None, party: str | None = None,
                  government: str | None = None, kind: str | None = None,
                  since: str | None = None, until: str | None = None,
                  limit: int | None = None, role: str | None = None, side: str | None = None,
                  post: str | None = None, min_score: float | None = None,
                  unit: str = "matches") -> tuple[MatchCount, ...]:
    """Count the matches of a search (same query and filters as :func:`search_corpus`) by ``by``.

    The filters (speaker, party, government, kind, since, until, role, side, post) are the shared
    ones; ``min_score`` keeps claims scoring at least that, as in :func:`search_corpus`.

    Args:
        by: ``speaker``, ``government`` or ``year``.
        limit: at most this many values (the most frequent); ``None`` for all.
        unit: ``matches`` counts the matching records (a document with three matching sentences
            counts three); ``documents`` counts each document with a match once.

    Returns:
        :class:`MatchCount` records: years in order (oldest first, unknown last); speakers and
        governments most matches first, ties by name.

    Example:
        >>> count_matches(corpus, "inflation", by="speaker", since=1970, limit=3)  # doctest: +SKIP
        (MatchCount(value='Jimmy Carter', count=212), ...)
    """
    if by not in COUNT_BY:
        raise BadQuery(f"cannot count by {by!r}: choose one of {', '.join(COUNT_BY)}")
    if unit not in COUNT_UNITS:
        raise BadQuery(f"cannot count {unit!r}: choose one of {', '.join(COUNT_UNITS)}")
    store = store_of(corpus)
    within = _check_within(within)
    if limit is not None and int(limit) < 0:
        raise BadQuery(f"the limit must be zero or more, not {limit}")
    found = match_query(query, within)
    filters = DocumentFilter.from_options(speaker=speaker, party=party, government=government,
                                          kind=kind, since=since, until=until, role=role, side=side, post=post).check_values(
        store.conn, speaker_of=speaker_tables(within))
    where, params = found.restrict(store.conn, *record_filter(within, filters, min_score=min_score))
    fts = f"{within}_fts"
    value = _group_sql(by, within)
    counted = "count(*)" if unit == "matches" else "count(DISTINCT t.doc_id)"
    order = "value IS NULL, value" if by == "year" else f"{counted} DESC, value IS NULL, value"
    sql = (f"SELECT {value} AS value, {counted} AS n FROM {fts} JOIN {within} AS t ON t.id = {fts}.rowid "
           f"JOIN documents AS d ON d.id = t.doc_id WHERE {fts} MATCH ? AND {where} "
           f"GROUP BY value ORDER BY {order} LIMIT ?")
    with query_errors(query):
        rows = store.conn.execute(sql, [found.fts_query, *params, -1 if limit is None else int(limit)]).fetchall()
    return tuple(MatchCount(value=row[0], count=int(row[1])) for row in rows)


@strict_options(like=count_matches)
def count_facets(corpus: Any, query: str, *, by: tuple[str, ...] = COUNT_BY, limits: dict[str, int] | None = None,
                 **options: Any) -> dict[str, tuple[MatchCount, ...]]:
    """Count the matches of a search by several of :data:`COUNT_BY` at once, in one pass over the matches.

    The page's counts by speaker, government and year: one statement groups the matches by all
    of them and the totals per value are summed here, rather than one statement (and one scan of
    the matches) per count. Each is ordered as :func:`count_matches` orders it, and ``limits``
    keeps at most that many values of a count (``{"speaker": 10}``). ``options`` are the query's
    filters, ``within`` and ``min_score``, as for :func:`count_matches`.

    Example:
        >>> count_facets(corpus, "inflation", limits={"speaker": 10})["year"][:1]  # doctest: +SKIP
        (MatchCount(value='1947', count=31),)
    """
    unknown = [name for name in by if name not in COUNT_BY]
    if unknown or not by:
        raise BadQuery(f"cannot count by {unknown[0] if unknown else 'nothing'!r}: choose among {', '.join(COUNT_BY)}")
    store = store_of(corpus)
    within = _check_within(options.pop("within", "sentences"))
    min_score = options.pop("min_score", None)
    if options.pop("unit", "matches") != "matches":  # the page's facets count matches; one at a time counts documents
        raise BadQuery("count_facets counts matches: count documents with count_matches(unit='documents')")
    found = match_query(query, within)
    filters = DocumentFilter.from_options(**options).check_values(store.conn, speaker_of=speaker_tables(within))
    where, params = found.restrict(store.conn, *record_filter(within, filters, min_score=min_score))
    fts = f"{within}_fts"
    values = ", ".join(_group_sql(name, within) for name in by)
    sql = (f"SELECT {values}, count(*) FROM {fts} JOIN {within} AS t ON t.id = {fts}.rowid "
           f"JOIN documents AS d ON d.id = t.doc_id WHERE {fts} MATCH ? AND {where} GROUP BY {values}")
    with query_errors(query):
        rows = store.conn.execute(sql, [found.fts_query, *params]).fetchall()
    found: dict[str, tuple[MatchCount, ...]] = {}
    for column, name in enumerate(by):
        totals: dict[str | None, int] = {}
        for row in rows:
            totals[row[column]] = totals.get(row[column], 0) + int(row[-1])
        if name == "year":  # oldest first, undated last
            order = sorted(totals, key=lambda value: (value is None, value or ""))
        else:  # most matches first, unknown after its equals, ties by name
            order = sorted(totals, key=lambda value: (-totals[value], value is None, value or ""))
        limit = (limits or {}).get(name)
        found[name] = tuple(MatchCount(value, totals[value]) for value in order[:limit])
    return found


def undated_matches(corpus: Any, query: str, *, within: str = "sentences", since: str | None = None,
                    until: str | None = None, **options: Any) -> int:
    """Return how many matches of a search lie in undated documents that ``since``/``until`` leave out.

    A date filter cannot place a document with no date, so it leaves it out, and a search with
    ``--since 2015`` then says "0 sentences match" of a blog post written in 2015 that its page
    never dated. This counts what the same query and other filters find in such documents, so the
    caller can say so; 0 when no date filter is given.

    Example:
        >>> undated_matches(corpus, '"trust to try"', since="2015")  # doctest: +SKIP
        3
    """
    if not since and not until:
        return 0
    counts = count_matches(corpus, query, by="year", within=within, **options)
    return sum(count.count for count in counts if count.value is None)
