"""The search page's repeated parts, its hits and its counts, written as HTML in Python.

A page of 20 hits with its counts by speaker, government and year has about 800 values to
escape. Through the template each one costs a generator step, an attribute look-up and a filter
call, and the template took half of a page's time; the same markup built here with one
:func:`~markupsafe.escape` per value takes a fraction of it. Everything that is not a constant of
this module goes through ``escape``, except the hit's marked text, which :func:`mark_html`
escaped already (``<mark>`` is the only markup in it).
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import quote

from markupsafe import Markup, escape

SPEAKER_FOUND = {
    "pronoun": "speaker inferred from a pronoun",
    "role": "speaker inferred from a description",
    "chain": "speaker carried over from the quote before",
    "none": "no speaker found; this is the document's",
}
"""What a quote's meta line says of a speaker not named beside the words (``resolved_by``): a
name shown alone reads as a fact, while these are inferences a reader should check. A speaker
named there (``name``) needs no words."""

FACETS = (("speaker", "Speaker", "unknown"), ("government", "Government", "unknown"), ("year", "Year", "undated"))
"""The page's counts in the order shown: what is counted, its heading, and the name of a missing value."""


_SPECIAL = re.compile(r"[&<>\"']")


def _text(value: Any) -> str:
    """Return ``value`` escaped as HTML text or an attribute value (quotes included), as the template would.

    Most values (names, dates, titles) have nothing to escape and are returned as they are.

    Example:
        >>> _text('Tom & "Jerry"')
        'Tom &amp; &#34;Jerry&#34;'
    """
    text = str(value)
    return str(escape(text)) if _SPECIAL.search(text) else text


def hit_items(hits: Sequence[Any], *, first: int, here: str, link: Callable[[str | None], str | None]) -> Markup:
    """Return the ``<li>`` of each hit of a page, numbered from ``first``.

    ``here`` is the page's own query string (a hit's permalink is it with the hit's anchor);
    ``link`` turns a source URL into one fit to link to, or ``None`` (then the URL is shown as text).
    """
    parts: list[str] = []
    add = parts.append
    for number, hit in enumerate(hits, start=first):
        marked = hit.highlighted_html  # escaped already, with <mark> around the matched words
        doc_id = _text(hit.doc_id)
        start, end = int(hit.start), int(hit.end)
        add(f'\n  <li class="hit" id="hit-{number}" data-doc="{doc_id}" data-start="{start}" data-end="{end}">'
            f'\n    <blockquote class="text">{marked}</blockquote>'
            f'\n    <p class="meta">\n      <span class="speaker">{_text(hit.speaker or "unknown speaker")}</span>')
        found = SPEAKER_FOUND.get(hit.resolved_by or "")
        if found:
            add(f' <span class="resolved">({found})</span>')
        if hit.date:
            date = _text(hit.date)
            add(f'\n      · <time datetime="{date}">{date}</time>')
        if hit.title:
            add(f'\n      · <cite class="title">{_text(hit.title)}</cite>')
        if hit.kind:
            add(f'\n      · <span class="kind">{_text(hit.kind)}</span>')
        if hit.government:
            add(f'\n      · <span class="government">{_text(hit.government)}</span>')
        if hit.cue:
            add(f'\n      · cue <span class="cue">{_text(hit.cue)}</span>')
        if hit.score is not None:
            add(f"\n      · score {float(hit.score):.2f}")
        add(f'\n    </p>\n    <details class="context">\n      <summary>Context</summary>'
            f'\n      <p><span class="before">{_text(hit.before)}</span> <span class="here">{marked}</span> '
            f'<span class="after">{_text(hit.after)}</span></p>'
            f'\n      <p class="offsets">Characters {start}–{end} of document <code>{doc_id}</code>.</p>'
            f'\n    </details>\n    <p class="actions">\n      ')
        source = link(hit.url)
        if source:
            add(f'<a class="source" href="{_text(source)}" rel="noopener noreferrer" target="_blank">Source</a>')
        elif hit.url:
            add(f'<span class="source">{_text(hit.url)}</span>')
        copied = "“" + " ".join(hit.text.split()) + "” "
        add(f'\n      <a class="in-corpus" href="/doc?id={_text(quote(str(hit.doc_id), safe="/"))}&amp;start={start}'
            f'&amp;end={end}#passage">Whole document</a>'
            f'\n      <a class="permalink" href="/?{_text(here)}#hit-{number}" title="A link to this result">Link</a>'
            f'\n      <button type="button" class="copy" data-quote="{_text(copied)}">Copy quote and citation</button>'
            f'\n      <span class="citation">{_text(hit.citation)}</span>\n    </p>\n  </li>')
    return Markup("".join(parts))


def facet_blocks(counts: dict[str, Iterable[tuple[str | None, int, str, bool]]]) -> Markup:
    """Return the counts by speaker, government and year as linked lists (rows from ``facet_links``)."""
    parts: list[str] = []
    add = parts.append
    for by, heading, unknown in FACETS:
        add(f'\n  <div class="facet" id="facet-{by}"><h2>{heading}</h2>\n    <ul>')
        for value, n, target, current in counts[by]:
            if value:
                chosen = ' aria-current="true"' if current else ""
                add(f'<li><a href="/?{_text(target)}"{chosen}>{_text(value)}</a> <span class="n">{int(n):,}</span></li>')
            else:
                add(f'<li><span>{unknown}</span> <span class="n">{int(n):,}</span></li>')
        add("</ul>\n  </div>")
    return Markup("".join(parts))
