"""Search the corpus: a checked query language over SQLite FTS5, hits in context, citations.

    >>> from policytext.search import search_corpus            # doctest: +SKIP
    >>> result = search_corpus(corpus, '"ask not" OR NEAR(moon decade, 5)', since=1960)  # doctest: +SKIP
    >>> result.total, result.hits[0].highlighted, result.hits[0].citation  # doctest: +SKIP
"""
from policytext.search.citations import CITE_FORMATS, cite_hits, format_citation, styled_citations
from policytext.search.hits import SEARCH_TARGETS, PartialHits, search_corpus, search_frame
from policytext.search.marking import mark_html, mark_text
from policytext.search.results import HIT_COLUMNS, SearchHit, SearchResult
from policytext.search.index import check_search_index, rebuild_search_index
from policytext.search.listing import CLAIM_COLUMNS, QUOTE_COLUMNS, annotation_gap, find_claims, find_quotes
from policytext.search.query import SYNTAX_HELP, parse_query, translate_query

__all__ = [
    "annotation_gap",
    "CITE_FORMATS", "HIT_COLUMNS", "PartialHits", "SEARCH_TARGETS", "cite_hits", "styled_citations", "SearchHit", "SearchResult", "format_citation", "mark_html",
    "mark_text", "search_corpus", "search_frame", "check_search_index", "rebuild_search_index",
    "CLAIM_COLUMNS", "QUOTE_COLUMNS", "find_claims", "find_quotes", "SYNTAX_HELP", "parse_query",
    "translate_query",
]
