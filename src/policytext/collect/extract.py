"""HTML to clean main text and metadata, with trafilatura."""
from __future__ import annotations

from dataclasses import dataclass

import trafilatura


@dataclass(frozen=True)
class ExtractedPage:
    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    sitename: str | None = None
    url: str | None = None
    description: str | None = None


def extract_html(html: str, *, url: str | None = None) -> ExtractedPage | None:
    """Return the main text and metadata of an HTML page, or ``None`` when it has no main text.

    Paragraphs are kept, separated by blank lines; navigation, comments and page furniture are
    left out.
    """
    result = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        with_metadata=True,
        date_extraction_params={"original_date": True, "extensive_search": True},
    )
    if not result:
        return None
    result = result.as_dict() if hasattr(result, "as_dict") else result
    text = (result.get("text") or "").strip()
    if not text:
        return None
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    return ExtractedPage(
        text="\n\n".join(paragraphs),
        title=result.get("title") or None,
        author=result.get("author") or None,
        date=result.get("date") or None,
        sitename=result.get("sitename") or None,
        url=result.get("url") or url,
        description=result.get("description") or None,
    )
