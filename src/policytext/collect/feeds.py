"""Collect blog posts from RSS and Atom feeds: each entry's page is fetched and extracted.

A re-run fetches only entries that are new or whose ``updated`` value changed (the store's
``feed_entries`` table remembers each feed's entry ids); the feed itself is asked for with its
ETag / Last-Modified.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any, Iterable, Iterator
from urllib.parse import urljoin, urlsplit

import feedparser

from policytext.collect.base import Outcome, ProgressHook, open_fetcher
from policytext.collect.dedupe import write_collected
from policytext.collect.fetch import Fetcher, check_url
from policytext.collect.governments import check_corpus_country
from policytext.collect.labels import as_collected
from policytext.collect.web import PageOptions, fetch_page
from policytext.errors import BadInput, ConfigError, FetchError
from policytext.records import Document
from policytext.store import Store, WriteReport, get_document, utc_now

STAGE = "collect-feed"


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: where its page is, and what the feed says about it."""

    entry_id: str
    url: str
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date
    updated: str | None = None  # the feed's raw updated value, compared between runs


def _iso(parsed: Any) -> str | None:
    if isinstance(parsed, time.struct_time):
        try:
            return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat()
        except ValueError:
            return None
    return None


def parse_feed(body: bytes, *, url: str) -> list[FeedEntry | BadInput]:
    """Read an RSS or Atom feed; return its entries (and entries without a usable link).

    Raises:
        BadInput: when the body is not a feed at all.

    Example:
        >>> parse_feed(open("feed.xml", "rb").read(), url="https://example.org/feed")[0].url  # doctest: +SKIP
        'https://example.org/blog/first-post'
    """
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        if parsed.get("bozo"):
            raise BadInput(url, f"not a readable RSS or Atom feed ({parsed.get('bozo_exception')})")
        if not parsed.get("version"):
            raise BadInput(url, "not an RSS or Atom feed (no feed elements found)")
        return []
    entries: list[FeedEntry | BadInput] = []
    for position, entry in enumerate(parsed.entries, start=1):
        link = urljoin(url, (entry.get("link") or "").strip())
        if urlsplit(link).scheme not in ("http", "https") or not entry.get("link"):
            entries.append(BadInput(url, f"entry {position} ({entry.get('title', 'untitled')!r}) has "
                                         f"no http(s) link ({entry.get('link') or 'none'})"))
            continue
        entries.append(FeedEntry(
            entry_id=str(entry.get("id") or link),
            url=link,
            title=entry.get("title") or None,
            author=(entry.get("author_detail") or {}).get("name") or entry.get("author") or None,
            published=_iso(entry.get("published_parsed")) or _iso(entry["updated_parsed"] if "updated_parsed" in entry.keys() else None),
            # Read the keys themselves: feedparser's fallback from updated to published warns.
            updated=entry["updated"] if "updated" in entry.keys() else entry.get("published") or None,
        ))
    return entries


def _seen_unchanged(store: Store, feed_url: str, entry: FeedEntry) -> Document | None:
    row = store.conn.execute(
        "SELECT updated, doc_id FROM feed_entries WHERE feed_url = ? AND entry_id = ?",
        (feed_url, entry.entry_id)).fetchone()
    if row is None or row["doc_id"] is None or row["updated"] != entry.updated:
        return None
    return get_document(store, row["doc_id"])


def _remember(store: Store, feed_url: str, entry: FeedEntry, doc_id: str | None) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO feed_entries (feed_url, entry_id, url, updated, doc_id, seen_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(feed_url, entry_id) DO UPDATE SET "
            "url = excluded.url, updated = excluded.updated, doc_id = excluded.doc_id, "
            "seen_at = excluded.seen_at",
            (feed_url, entry.entry_id, entry.url, entry.updated, doc_id, utc_now()))


def iter_feed(fetcher: Fetcher, store: Store, feed_url: str, options: PageOptions, *,
              limit: int | None = None) -> Iterator[Outcome]:
    """Yield a Document (or why not) for each entry of one feed, newest as the feed orders them.

    Entries seen before with the same ``updated`` value are yielded from the store, unfetched.
    """
    try:
        feed_url = check_url(feed_url)
        response = fetcher.fetch(feed_url)
        entries = parse_feed(response.body, url=response.final_url)
    except FetchError as err:
        yield BadInput(feed_url, str(err))
        return
    except BadInput as err:
        yield BadInput(feed_url, err.reason)
        return
    for entry in entries[:limit] if limit is not None else entries:
        if isinstance(entry, BadInput):
            yield entry
            continue
        existing = _seen_unchanged(store, feed_url, entry)
        if existing is not None:
            yield as_collected(existing)
            continue
        # The feed's own metadata fills what the page does not say (kept for reextract too).
        fallback = {"title": entry.title, "speaker": entry.author, "date": entry.published}
        meta = {"feed": feed_url, "entry_id": entry.entry_id, "feed_updated": entry.updated,
                "fallback": {k: v for k, v in fallback.items() if v}}
        outcome = fetch_page(fetcher, entry.url, options, via="feed", meta=meta)
        if isinstance(outcome, Document):
            _remember(store, feed_url, entry, outcome.id)
        yield outcome


def collect_feeds(corpus: Any, urls: Iterable[str], *, kind: str = "blog",
                  publisher: str | None = None, country: str | None = None,
                  limit: int | None = None, progress: ProgressHook | None = None) -> WriteReport:
    """Collect the posts listed by RSS or Atom feeds into ``corpus``; return what happened.

    Args:
        corpus: an open :class:`~policytext.corpus.Corpus`.
        urls: feed URLs.
        kind, publisher, country: labels for the documents (see :class:`PageOptions`).
        limit: at most this many entries per feed.

    Example:
        >>> collect_feeds(corpus, ["https://example.org/feed.xml"], publisher="Example").summary()  # doctest: +SKIP
        '12 collected, 0 updated, 0 unchanged, 0 skipped, 0 duplicate, 0 failed'
    """
    if limit is not None and limit < 0:
        raise ConfigError(f"--limit must be zero or more, not {limit}")
    options = PageOptions(kind=kind, publisher=publisher, country=check_corpus_country(corpus, country))
    fetcher = open_fetcher(corpus)

    def outcomes() -> Iterator[Outcome]:
        for url in urls:
            yield from iter_feed(fetcher, corpus.store, url, options, limit=limit)

    return write_collected(corpus, outcomes(), stage=STAGE, progress=progress)
