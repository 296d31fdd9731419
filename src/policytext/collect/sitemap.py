"""Discover pages from a sitemap or sitemap index, and collect them.

Sitemaps may be gzip-compressed (expanded at most to ``max_response_bytes``); indexes are
followed (up to :data:`MAX_DEPTH` levels, each sitemap once). ``include`` / ``exclude`` patterns
are shell-style globs matched against the whole URL (``*/blog/*``); a pattern without ``*``, ``?``
or ``[`` matches as a plain substring. A re-run skips pages whose ``<lastmod>`` has not changed
since they were stored.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import urljoin

from lxml import etree

from policytext.collect.base import Outcome, ProgressHook, open_fetcher
from policytext.collect.dedupe import write_collected
from policytext.collect.fetch import Fetcher, check_url, gunzip_if_needed
from policytext.collect.governments import check_corpus_country
from policytext.collect.labels import as_collected
from policytext.collect.web import PageOptions, SOURCE, fetch_page
from policytext.config import Config
from policytext.errors import BadInput, ConfigError, FetchError
from policytext.records import Document, make_document_id
from policytext.store import Store, WriteReport, get_document

STAGE = "collect-sitemap"
MAX_DEPTH = 3


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: str | None = None


def parse_sitemap(body: bytes, *, url: str,
                  max_bytes: int = Config.max_response_bytes) -> tuple[str, list[SitemapEntry]]:
    """Read a sitemap; return ``("urlset" | "sitemapindex", entries)``.

    Args:
        body: the sitemap, plain or gzip-compressed.
        url: where it came from (relative locations are resolved against it).
        max_bytes: the most a compressed sitemap may expand to (the fetcher's
            ``max_response_bytes``).

    Raises:
        BadInput: when the body is not a sitemap (malformed XML, another root element), or a
            compressed one is damaged or expands beyond ``max_bytes``.

    Example:
        >>> parse_sitemap(b'<urlset><url><loc>https://e.org/a</loc></url></urlset>', url="https://e.org/s.xml")
        ('urlset', [SitemapEntry(url='https://e.org/a', lastmod=None)])
    """
    try:
        body = gunzip_if_needed(body, max_bytes=max_bytes)
    except FetchError as err:
        raise BadInput(url, str(err)) from err
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             remove_comments=True)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as err:
        raise BadInput(url, f"not a readable sitemap: malformed XML ({err})") from err
    if root is None:
        raise BadInput(url, "not a readable sitemap: empty document")
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise BadInput(url, f"not a sitemap: the root element is <{kind}>, not <urlset> or <sitemapindex>")
    entries = []
    for item in root:
        if not isinstance(item.tag, str):
            continue
        values = {etree.QName(child).localname: (child.text or "").strip()
                  for child in item if isinstance(child.tag, str)}
        if values.get("loc"):
            entries.append(SitemapEntry(url=urljoin(url, values["loc"]), lastmod=values.get("lastmod") or None))
    return kind, entries


def matches(url: str, *, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> bool:
    """Return whether ``url`` passes the include and exclude patterns.

    >>> matches("https://e.org/blog/post", include=["*/blog/*"], exclude=["tag"])
    True
    >>> matches("https://e.org/blog/tag/x", include=["*/blog/*"], exclude=["/tag/"])
    False
    """
    def hit(pattern: str) -> bool:
        if any(c in pattern for c in "*?["):
            return fnmatch.fnmatchcase(url, pattern)
        return pattern in url
    if include and not any(hit(p) for p in include):
        return False
    return not any(hit(p) for p in exclude)


def iter_sitemap_entries(fetcher: Fetcher, url: str, *, include: Sequence[str] = (),
                         exclude: Sequence[str] = (), limit: int | None = None,
                         ) -> Iterator[SitemapEntry | BadInput]:
    """Yield the page entries of a sitemap (following indexes), filtered, at most ``limit``."""
    seen: set[str] = set()
    count = 0

    def walk(sitemap_url: str, depth: int) -> Iterator[SitemapEntry | BadInput]:
        nonlocal count
        if sitemap_url in seen:
            return
        seen.add(sitemap_url)
        try:
            response = fetcher.fetch(check_url(sitemap_url))
            kind, entries = parse_sitemap(response.body, url=response.final_url,
                                           max_bytes=fetcher.config.max_response_bytes)
        except FetchError as err:
            yield BadInput(sitemap_url, str(err))
            return
        except BadInput as err:
            yield BadInput(sitemap_url, err.reason)
            return
        for entry in entries:
            if limit is not None and count >= limit:
                return
            if kind == "sitemapindex":
                if depth >= MAX_DEPTH:
                    yield BadInput(entry.url, f"sitemap indexes nested deeper than {MAX_DEPTH} levels")
                    continue
                yield from walk(entry.url, depth + 1)
            elif matches(entry.url, include=include, exclude=exclude):
                count += 1
                yield entry

    yield from walk(url, 0)


def _unchanged(store: Store, entry: SitemapEntry) -> Document | None:
    if not entry.lastmod:
        return None
    existing = get_document(store, make_document_id(SOURCE, check_url(entry.url)))
    if existing is not None and existing.meta.get("sitemap_lastmod") == entry.lastmod:
        return existing
    return None


def iter_sitemap(fetcher: Fetcher, store: Store, url: str, options: PageOptions, *,
                 include: Sequence[str] = (), exclude: Sequence[str] = (),
                 limit: int | None = None) -> Iterator[Outcome]:
    """Yield a Document (or why not) for each page the sitemap lists and the patterns keep."""
    for entry in iter_sitemap_entries(fetcher, url, include=include, exclude=exclude, limit=limit):
        if isinstance(entry, BadInput):
            yield entry
            continue
        try:
            existing = _unchanged(store, entry)
        except FetchError as err:
            yield BadInput(entry.url, str(err))
            continue
        if existing is not None:
            yield as_collected(existing)
            continue
        meta = {"sitemap": url, "sitemap_lastmod": entry.lastmod}
        yield fetch_page(fetcher, entry.url, options, via="sitemap", meta=meta)


def collect_sitemaps(corpus: Any, urls: Iterable[str], *, include: Sequence[str] = (),
                     exclude: Sequence[str] = (), limit: int | None = None, kind: str = "blog",
                     publisher: str | None = None, country: str | None = None,
                     progress: ProgressHook | None = None) -> WriteReport:
    """Collect the pages listed by sitemaps (or sitemap indexes) into ``corpus``.

    Args:
        corpus: an open :class:`~policytext.corpus.Corpus`.
        urls: sitemap URLs.
        include, exclude: URL patterns (globs, or substrings) a page must / must not match.
        limit: at most this many pages per sitemap.
        kind, publisher, country: labels for the documents (see :class:`PageOptions`).

    Example:
        >>> collect_sitemaps(corpus, ["https://example.org/sitemap.xml"], include=["*/blog/*"], limit=20)  # doctest: +SKIP
    """
    if limit is not None and limit < 0:
        raise ConfigError(f"--limit must be zero or more, not {limit}")
    options = PageOptions(kind=kind, publisher=publisher, country=check_corpus_country(corpus, country))
    fetcher = open_fetcher(corpus)

    def outcomes() -> Iterator[Outcome]:
        for url in urls:
            yield from iter_sitemap(fetcher, corpus.store, url, options, include=include,
                                    exclude=exclude, limit=limit)

    return write_collected(corpus, outcomes(), stage=STAGE, progress=progress)
