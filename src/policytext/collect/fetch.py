"""A polite, robust HTTP fetcher shared by every web collector.

Only ``http`` and ``https``; robots.txt obeyed (and its Crawl-delay); one request at a time per
host, no faster than ``requests_per_second``; retries with exponential backoff on 429, 5xx,
timeouts and dropped connections, honouring ``Retry-After``; a timeout and a maximum response
size; a User-Agent that names policytext; conditional requests (ETag / Last-Modified) against the
raw-response cache; redirects followed, to another host only under that host's robots.txt
and rate limit (or refused, when ``follow_cross_host_redirects`` is off).
"""
from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import hashlib
import http.client
import socket
import time
import urllib.error
import urllib.request
import urllib.robotparser
import zlib
from dataclasses import dataclass
from typing import Callable, Mapping
from urllib.parse import urljoin, urlsplit, urlunsplit

from policytext.collect.cache import CachedResponse, ResponseCache
from policytext.config import Config
from policytext.errors import ConfigError, FetchError
from policytext.store import utc_now

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchedResponse:
    """A successful response: the body (from the network or, after a 304, from the cache)."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    content_type: str | None  # media type only, lower case: "text/html"
    charset: str | None  # from the Content-Type header, when it names one
    body: bytes
    body_sha256: str
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # the server said 304: the cached body is still current
    from_cache: bool = False  # served from the cache without asking the server (offline)


def check_url(url: str) -> str:
    """Return ``url`` without its fragment, or raise :class:`FetchError` when it is not http(s).

    >>> check_url("https://example.org/a#top")
    'https://example.org/a'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs are fetched, not {scheme or 'a bare path'!r} "
                         f"({url}); give a full http(s) URL")
    if not parts.hostname:
        raise FetchError(f"the URL {url!r} names no host")
    return urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))


def same_site(first: str, second: str) -> bool:
    """Return whether two URLs are on the same host (ignoring ``www.``, scheme and port)."""
    def host(url: str) -> str:
        name = (urlsplit(url).hostname or "").lower()
        return name[4:] if name.startswith("www.") else name
    return host(first) == host(second)


def parse_retry_after(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Return the seconds a ``Retry-After`` header asks to wait (a number or an HTTP date).

    >>> parse_retry_after("3")
    3.0
    >>> parse_retry_after("soon") is None
    True
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    now = now or dt.datetime.now(dt.timezone.utc)
    return max(0.0, (when - now).total_seconds())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let 3xx answers through, so the fetcher decides which redirects to follow."""

    def redirect_request(self, *args, **kwargs):  # noqa: D401 - urllib's hook
        return None


class _Transient(Exception):
    """A failure worth retrying: a timeout or a dropped connection."""


class Fetcher:
    """Fetch URLs politely, caching raw responses in the corpus folder.

    Args:
        config: the run's settings (``user_agent``, ``requests_per_second``, ``timeout_seconds``,
            ``max_response_bytes``, ``max_retries``, ``retry_backoff_seconds``,
            ``max_retry_after_seconds``).
        cache: where raw responses go; ``None`` keeps nothing (and sends no conditional requests).
        sleep, clock: injectable for the rate limiter (defaults: ``time.sleep``, ``time.monotonic``).

    Example:
        >>> fetcher = Fetcher(config, cache=cache)                       # doctest: +SKIP
        >>> fetcher.fetch("https://www.gov.uk/api/content/government").status  # doctest: +SKIP
        200
    """

    def __init__(self, config: Config, *, cache: ResponseCache | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        if config.requests_per_second <= 0:
            raise ConfigError("requests_per_second must be above 0 (e.g. 2)")
        self.config = config
        self.cache = cache
        self._sleep = sleep
        self._clock = clock
        self._opener = urllib.request.build_opener(_NoRedirect)
        self._next_slot: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._robots_notes: dict[str, str] = {}
        self._robots_delay: dict[str, float] = {}
        self.requests_made = 0

    # ------------------------------------------------------------------ public

    def fetch(self, url: str, *, conditional: bool = True) -> FetchedResponse:
        """Return the response for ``url``; raise :class:`FetchError` saying why when it fails.

        Args:
            url: an http(s) URL.
            conditional: send the cached validators so an unchanged page costs a 304.
        """
        url = check_url(url)
        self._check_robots(url)
        cached = self.cache.lookup(url) if self.cache else None
        cached_body = self.cache.get_body(cached.body_sha256) if cached and self.cache else None
        headers = {"User-Agent": self.config.user_agent, "Accept-Encoding": "gzip",
                   "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,"
                             "application/json;q=0.9,*/*;q=0.8"}
        if conditional and cached is not None and cached_body is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified

        current = url
        for _ in range(MAX_REDIRECTS + 1):
            status, response_headers, body = self._request_with_retries(current, headers)
            if status not in REDIRECT_STATUSES:
                break
            location = response_headers.get("Location")
            if not location:
                raise FetchError(f"HTTP {status} redirect without a Location header")
            target = urljoin(current, location)
            try:
                target = check_url(target)
            except FetchError as err:
                raise FetchError(f"redirected to a URL that is not fetched: {err}") from err
            if not same_site(target, url) and not self.config.follow_cross_host_redirects:
                raise FetchError(f"redirected to another host ({target}); collect that URL directly, "
                                 "or set follow_cross_host_redirects = true")
            try:
                self._check_robots(target)  # the new host's own robots.txt; its own turn in _wait_turn
            except FetchError as err:
                raise FetchError(f"redirected to {target}, which is {err}") from err
            current = target
        else:
            raise FetchError(f"more than {MAX_REDIRECTS} redirects")

        if status == 304:
            if cached is None or cached_body is None:
                raise FetchError("HTTP 304 Not Modified for a page that is not in the cache")
            assert self.cache is not None
            self.cache.touch(url)
            return FetchedResponse(
                url=url, final_url=cached.final_url, status=cached.status,
                content_type=cached.content_type, charset=cached.charset, body=cached_body,
                body_sha256=cached.body_sha256, etag=cached.etag,
                last_modified=cached.last_modified, not_modified=True)
        if status in (404, 410):
            raise FetchError(f"HTTP {status} {http.client.responses.get(status, '')}: the page is "
                             "not there (removed or mistyped)".replace("  ", " "))
        if status >= 400 or status < 200:
            reason = http.client.responses.get(status, "")
            raise FetchError(f"HTTP {status} {reason}".strip())

        content_type, charset = split_content_type(response_headers.get("Content-Type"))
        digest = hashlib.sha256(body).hexdigest()
        etag = response_headers.get("ETag")
        last_modified = response_headers.get("Last-Modified")
        if self.cache is not None:
            self.cache.put_body(body)
            self.cache.record(CachedResponse(
                url=url, final_url=current, status=status, content_type=content_type,
                charset=charset, etag=etag, last_modified=last_modified, body_sha256=digest,
                body_bytes=len(body), fetched_at=utc_now()))
        return FetchedResponse(url=url, final_url=current, status=status, content_type=content_type,
                               charset=charset, body=body, body_sha256=digest, etag=etag,
                               last_modified=last_modified)

    def load_cached(self, url: str) -> FetchedResponse | None:
        """Return the cached response for ``url`` without the network, or ``None``."""
        if self.cache is None:
            return None
        cached = self.cache.lookup(check_url(url))
        if cached is None:
            return None
        body = self.cache.get_body(cached.body_sha256)
        if body is None:
            return None
        return FetchedResponse(url=cached.url, final_url=cached.final_url, status=cached.status,
                               content_type=cached.content_type, charset=cached.charset,
                               body=body, body_sha256=cached.body_sha256, etag=cached.etag,
                               last_modified=cached.last_modified, from_cache=True)

    def robots_allow(self, url: str) -> bool:
        """Return whether robots.txt of the URL's host lets policytext fetch it."""
        parser = self._robots_for(url)
        return parser.can_fetch(self.config.user_agent, url)

    # ------------------------------------------------------------------ robots

    def _check_robots(self, url: str) -> None:
        if not self.robots_allow(url):
            root = _root(url)
            note = self._robots_notes.get(root)
            why = note or f"{root}/robots.txt disallows it for policytext"
            raise FetchError(f"not fetched: {why}")

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser:
        root = _root(url)
        parser = self._robots.get(root)
        if parser is not None:
            return parser
        parser = urllib.robotparser.RobotFileParser(f"{root}/robots.txt")
        try:
            status, body = self._get_robots_txt(root)
        except FetchError as err:
            # An unreachable robots.txt means "do not crawl" until it can be read.
            parser.disallow_all = True
            self._robots_notes[root] = f"{root}/robots.txt could not be read ({err}); try later"
        else:
            if status == 200:
                parser.parse(body.decode("utf-8", "replace").splitlines())
            elif status in (401, 403):
                parser.disallow_all = True
                self._robots_notes[root] = f"{root}/robots.txt is forbidden (HTTP {status})"
            else:  # 404, 410 and other answers: no rules, everything allowed
                parser.allow_all = True
        delay = parser.crawl_delay(self.config.user_agent) if not parser.allow_all else None
        if delay:
            self._robots_delay[root] = float(delay)
        self._robots[root] = parser
        return parser

    def _get_robots_txt(self, root: str) -> tuple[int, bytes]:
        """Fetch ``root``/robots.txt, following redirects within the site (e.g. http to https)."""
        current = f"{root}/robots.txt"
        headers = {"User-Agent": self.config.user_agent, "Accept-Encoding": "gzip"}
        for _ in range(MAX_REDIRECTS + 1):
            status, response_headers, body = self._request_with_retries(current, headers)
            location = response_headers.get("Location")
            if status not in REDIRECT_STATUSES or not location:
                return status, body
            target = urljoin(current, location)
            if urlsplit(target).scheme not in ("http", "https") or not same_site(target, root):
                return 404, b""  # a robots.txt elsewhere does not govern this site
            current = target
        raise FetchError("robots.txt redirects more than 5 times")

    # ------------------------------------------------------------------ requests

    def _wait_turn(self, url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()  # http and https of a host share its turn
        interval = 1.0 / self.config.requests_per_second
        interval = max(interval, self._robots_delay.get(_root(url), 0.0))
        now = self._clock()
        ready = self._next_slot.get(host, now)
        if ready > now:
            self._sleep(ready - now)
            now = ready
        self._next_slot[host] = now + interval

    def _request_with_retries(self, url: str, headers: Mapping[str, str]) -> tuple[int, Mapping[str, str], bytes]:
        attempts = self.config.max_retries + 1
        for attempt in range(attempts):
            self._wait_turn(url)
            last = attempt == attempts - 1
            try:
                status, response_headers, body = self._request_once(url, headers)
            except _Transient as err:
                if last:
                    raise FetchError(f"{err} (gave up after {attempts} attempts)") from err
                self._sleep(self.config.retry_backoff_seconds * 2 ** attempt)
                continue
            if status not in RETRY_STATUSES:
                return status, response_headers, body
            reason = f"HTTP {status} {http.client.responses.get(status, '')}".strip()
            if last:
                raise FetchError(f"{reason} (gave up after {attempts} attempts)")
            wait = parse_retry_after(response_headers.get("Retry-After"))
            if wait is None:
                wait = self.config.retry_backoff_seconds * 2 ** attempt
            elif wait > self.config.max_retry_after_seconds:
                raise FetchError(f"{reason}: the server asks to wait {wait:.0f} s, more than "
                                 f"max_retry_after_seconds ({self.config.max_retry_after_seconds:.0f}); "
                                 "run again later")
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _request_once(self, url: str, headers: Mapping[str, str]) -> tuple[int, Mapping[str, str], bytes]:
        request = urllib.request.Request(url, headers=dict(headers), method="GET")
        self.requests_made += 1
        try:
            response = self._opener.open(request, timeout=self.config.timeout_seconds)
        except urllib.error.HTTPError as err:
            response = err  # 3xx, 4xx and 5xx answers still carry headers and a body
        except urllib.error.URLError as err:
            reason = err.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise _Transient(f"timed out after {self.config.timeout_seconds:g} s") from err
            if isinstance(reason, ConnectionError):
                raise _Transient(f"connection failed: {reason}") from err
            raise FetchError(f"cannot connect: {reason}") from err
        except (socket.timeout, TimeoutError) as err:
            raise _Transient(f"timed out after {self.config.timeout_seconds:g} s") from err
        except (ConnectionError, http.client.HTTPException) as err:
            raise _Transient(f"connection failed: {err}") from err
        with response:
            status = response.status if response.status is not None else response.getcode()
            response_headers = response.headers
            body = self._read_limited(response, response_headers)
        encoding = (response_headers.get("Content-Encoding") or "").strip().lower()
        if encoding in ("gzip", "x-gzip", "deflate"):
            body = self._decompress(body, encoding)
        return status, response_headers, body

    def _read_limited(self, response, headers: Mapping[str, str]) -> bytes:
        limit = self.config.max_response_bytes
        declared = headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(f"the response is {int(declared):,} bytes, over the limit of "
                             f"{limit:,} (setting max_response_bytes)")
        chunks, size = [], 0
        try:
            while True:
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"the response is over the limit of {limit:,} bytes "
                                     "(setting max_response_bytes)")
                chunks.append(chunk)
        except (socket.timeout, TimeoutError) as err:
            raise _Transient(f"timed out reading the body after {self.config.timeout_seconds:g} s") from err
        except (ConnectionError, http.client.IncompleteRead) as err:
            raise _Transient(f"the connection dropped while reading the body: {err}") from err
        return b"".join(chunks)

    def _decompress(self, body: bytes, encoding: str) -> bytes:
        limit = self.config.max_response_bytes
        try:
            if encoding == "deflate":
                decoder = zlib.decompressobj()
            else:
                decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
            data = decoder.decompress(body, limit + 1)
        except zlib.error as err:
            raise FetchError(f"the {encoding} body is damaged: {err}") from err
        if len(data) > limit:
            raise FetchError(f"the decompressed response is over the limit of {limit:,} bytes "
                             "(setting max_response_bytes)")
        return data


def split_content_type(value: str | None) -> tuple[str | None, str | None]:
    """Return the media type and charset of a Content-Type header.

    >>> split_content_type("text/html; charset=ISO-8859-1")
    ('text/html', 'iso-8859-1')
    """
    if not value:
        return None, None
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'").lower()
    return media.strip().lower() or None, charset


def _root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def gunzip_if_needed(body: bytes) -> bytes:
    """Return ``body`` decompressed when it is a gzip file (e.g. ``sitemap.xml.gz``)."""
    if body[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(body)
        except (OSError, EOFError) as err:
            raise FetchError(f"a damaged gzip file: {err}") from err
    return body
