"""What a search returns: typed, frozen hits and pages of them, and the columns of their frame."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policytext.search.marking import CLI_CLOSE, CLI_OPEN, keyword_in_context, mark_html, mark_text

HIT_COLUMNS = [
    "text", "highlighted", "doc_id", "title", "speaker", "date", "url", "start", "end", "citation",
    "before", "after", "kind", "government", "party", "publisher", "source", "doc_speaker",
    "kwic", "within", "id", "rank", "marks", "highlighted_html", "cue", "quote_kind", "score", "types",
    "resolved_by",
]
"""Columns of :func:`search_frame`, in order. The first ten are the JSON contract of every hit."""


@dataclass(frozen=True)
class SearchHit:
    """One matching sentence, quote or claim, with where it comes from and how to cite it.

    ``start``/``end`` are character offsets into the document's text; ``marks`` are the offsets
    of the matched words inside ``text``.
    """

    within: str
    id: int
    doc_id: str
    text: str
    marks: tuple[tuple[int, int], ...]
    start: int
    end: int
    before: str
    after: str
    title: str | None
    speaker: str | None
    doc_speaker: str | None
    date: str | None
    kind: str | None
    government: str | None
    party: str | None
    url: str | None
    publisher: str | None
    source: str | None
    citation: str
    rank: float
    cue: str | None = None
    quote_kind: str | None = None
    score: float | None = None
    types: tuple[str, ...] = field(default_factory=tuple)
    resolved_by: str | None = None  # a quote's: how its speaker was found (name, pronoun, role, chain, none)

    @property
    def highlighted(self) -> str:
        """The text with each matched word run between « and »."""
        return mark_text(self.text, self.marks, CLI_OPEN, CLI_CLOSE)

    @property
    def kwic(self) -> str:
        """The matched words with up to 60 characters either side, keyword-in-context style."""
        return keyword_in_context(self.text, self.marks)

    @property
    def highlighted_html(self) -> str:
        """The text, HTML-escaped, with each matched word run in ``<mark>``."""
        return mark_html(self.text, self.marks)

    def to_dict(self) -> dict[str, Any]:
        """Return the hit as a JSON-ready dict (the contract's fields first).

        Built field by field: ``dataclasses.asdict`` deep-copies every value and cost most of the
        time of turning a page of hits into JSON.
        """
        text, marks = self.text, self.marks
        return {
            "text": text, "highlighted": mark_text(text, marks, CLI_OPEN, CLI_CLOSE), "doc_id": self.doc_id,
            "title": self.title, "speaker": self.speaker, "date": self.date, "url": self.url,
            "start": self.start, "end": self.end, "citation": self.citation, "before": self.before,
            "after": self.after, "kind": self.kind, "government": self.government, "party": self.party,
            "publisher": self.publisher, "source": self.source, "doc_speaker": self.doc_speaker,
            "kwic": keyword_in_context(text, marks), "within": self.within, "id": self.id, "rank": self.rank,
            "marks": [list(m) for m in marks], "highlighted_html": mark_html(text, marks), "cue": self.cue,
            "quote_kind": self.quote_kind, "score": self.score, "types": list(self.types),
            "resolved_by": self.resolved_by,
        }


@dataclass(frozen=True)
class SearchResult:
    """A page of hits and the total number of matches."""

    query: str
    fts_query: str
    within: str
    total: int
    offset: int
    limit: int
    hits: tuple[SearchHit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "within": self.within, "total": self.total,
                "offset": self.offset, "limit": self.limit,
                "hits": [hit.to_dict() for hit in self.hits]}
