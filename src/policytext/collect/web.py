"""Collect single web pages (think-tank and policy blogs), and turn any fetched page into a Document.

The feed and sitemap collectors fetch their pages with :func:`fetch_page`. Opening the fetcher on a
corpus is in :mod:`policytext.collect.base`, writing a run with duplicates kept once in
:mod:`policytext.collect.dedupe`, rebuilding documents from the raw cache in
:mod:`policytext.collect.reextract`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from policytext.collect.base import Outcome, ProgressHook, open_fetcher
from policytext.collect.dedupe import write_collected
from policytext.collect.html_text import extract_html
from policytext.collect.fetch import Fetcher, FetchedResponse
from policytext.collect.governments import check_corpus_country, normalise_country
from policytext.errors import BadInput, ConfigError, FetchError
from policytext.records import Document
from policytext.store import WriteReport

SOURCE = "web"
STAGE = "collect-web"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True)
class PageOptions:
    """How to label collected pages. ``kind`` is ``blog`` unless told otherwise."""

    kind: str = "blog"
    publisher: str | None = None
    country: str | None = None

    def __post_init__(self) -> None:
        if not self.kind or not self.kind.strip():
            raise ConfigError("--kind must name a kind, e.g. blog, article, speech")

    def as_meta(self) -> dict[str, Any]:
        return {"kind": self.kind, "publisher": self.publisher, "country": self.country}


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head or b"<body" in head


def page_to_document(response: FetchedResponse, options: PageOptions, *, via: str = "web",
                     meta: Mapping[str, Any] | None = None) -> Document:
    """Extract the main text and metadata of a fetched page; raise :class:`BadInput` when it has none.

    Args:
        response: the fetched page.
        options: kind, publisher and country for the document.
        via: which collector found the page (``web``, ``feed`` or ``sitemap``), kept in meta.
        meta: more metadata to keep (e.g. the feed entry). Its ``fallback`` entry (title,
            speaker, date) fills what the page itself does not say.

    Example:
        >>> page_to_document(fetcher.fetch("https://example.org/post"), PageOptions()).kind  # doctest: +SKIP
        'blog'
    """
    where = response.url
    if response.content_type and response.content_type not in HTML_TYPES:
        raise BadInput(where, f"not an HTML page (content type {response.content_type})")
    if response.content_type is None and not _looks_like_html(response.body):
        raise BadInput(where, "not an HTML page (no content type, and the body is not HTML)")
    page = extract_html(response.body, url=response.final_url, charset=response.charset)
    if page is None:
        raise BadInput(where, "no main text found on the page")
    extra = {
        "fetched_url": response.url,
        "final_url": response.final_url if response.final_url != response.url else None,
        "canonical_url": page.canonical_url,
        "updated": page.updated,
        "sitename": page.sitename,
        "description": page.description,
        "charset": page.charset,
        "via": via,
        "options": options.as_meta(),
        **(meta or {}),
    }
    fallback = (meta or {}).get("fallback") or {}
    return Document(
        source=SOURCE,
        source_id=response.url,
        text=page.text,
        title=page.title or fallback.get("title"),
        url=page.canonical_url or response.final_url,
        date=page.date or fallback.get("date"),
        speaker=page.author or fallback.get("speaker"),
        publisher=options.publisher or page.sitename,
        kind=options.kind,
        country=normalise_country(options.country),
        meta={k: v for k, v in extra.items() if v not in (None, "", [], {})},
    )


def fetch_page(fetcher: Fetcher, url: str, options: PageOptions, *, via: str = "web",
               meta: Mapping[str, Any] | None = None) -> Document | BadInput:
    """Fetch one page and return its Document, or the reason it could not be collected."""
    try:
        response = fetcher.fetch(url)
        return page_to_document(response, options, via=via, meta=meta)
    except FetchError as err:
        return BadInput(url, str(err))
    except BadInput as err:
        return BadInput(url, err.reason)


def iter_pages(fetcher: Fetcher, urls: Iterable[str], options: PageOptions) -> Iterator[Outcome]:
    """Yield a Document (or why not) for each URL, in order."""
    for url in urls:
        yield fetch_page(fetcher, url, options)


def collect_pages(corpus: Any, urls: Iterable[str], *, kind: str = "blog",
                  publisher: str | None = None, country: str | None = None,
                  progress: ProgressHook | None = None) -> WriteReport:
    """Collect single web pages into ``corpus``; return what happened.

    Args:
        corpus: an open :class:`~policytext.corpus.Corpus`.
        urls: http(s) URLs of pages.
        kind: the documents' kind (default ``blog``).
        publisher: the organisation that publishes them (default: the page's site name).
        country: a country code (GB, US…), so documents get a government label.

    Example:
        >>> collect_pages(corpus, ["https://example.org/blog/post"], publisher="Example").ok  # doctest: +SKIP
        True
    """
    options = PageOptions(kind=kind, publisher=publisher, country=check_corpus_country(corpus, country))
    return write_collected(corpus, iter_pages(open_fetcher(corpus), urls, options), stage=STAGE,
                           progress=progress)
