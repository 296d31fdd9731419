"""A polite, robust HTTP fetcher shared by every web collector.

Only ``http`` and ``https``; robots.txt obeyed (and its Crawl-delay); one request at a time per
host, no faster than ``requests_per_second``; retries with exponential backoff on 429, 5xx,
timeouts and dropped connections, honouring ``Retry-After``; a timeout that bounds the whole of
each request (connecting, headers and body: a server trickling bytes cannot hold a fetch); a
maximum response size that holds after decompression too (a gzip bomb stops at the cap); a
User-Agent that names policytext; conditional requests (ETag / Last-Modified) against the
raw-response cache; redirects followed, to another host only under that host's robots.txt
and rate limit (or refused, when ``follow_cross_host_redirects`` is off).
"""
from __future__ import annotations

import datetime as dt
import email.utils
import functools
import hashlib
import http.client
import socket
import threading
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


class _Deadline:
    """Shut a request's sockets down when its time is up, so no read outlasts ``seconds``.

    A socket timeout bounds each read, not the request: a server sending one byte every second
    never trips it. A timer thread ends the request instead, by shutting its socket down, which
    wakes the blocked read with end-of-file; the caller sees :attr:`expired` and reports a timeout.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self._end = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "_Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return max(0.001, self._end - time.monotonic())

    def watch(self, sock: socket.socket | None) -> None:
        """Shut ``sock`` down when the deadline passes (at once, if it has passed)."""
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        # The plain socket's shutdown, also for TLS sockets: it ends the connection under a read
        # blocked in another thread without touching the TLS state that read is using.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


class _TimedRequest(urllib.request.Request):
    def __init__(self, url: str, *, headers: Mapping[str, str], deadline: _Deadline):
        super().__init__(url, headers=dict(headers), method="GET")
        self.deadline = deadline


class _Watched:
    """Mixed into an HTTP(S) connection: its socket is handed to the request's deadline once connected."""

    def __init__(self, *args: object, deadline: _Deadline, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self._deadline = deadline

    def connect(self) -> None:
        self.timeout = min(self.timeout, self._deadline.remaining())  # type: ignore[attr-defined]
        super().connect()  # type: ignore[misc]
        self._deadline.watch(self.sock)  # type: ignore[attr-defined]


class _WatchedHTTPConnection(_Watched, http.client.HTTPConnection):
    """An HTTP connection watched by its request's deadline."""


class _WatchedHTTPSConnection(_Watched, http.client.HTTPSConnection):
    """An HTTPS connection watched by its request's deadline (the TLS socket is watched)."""


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: _TimedRequest):  # noqa: D401 - urllib's hook
        return self.do_open(functools.partial(_WatchedHTTPConnection, deadline=req.deadline), req)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: _TimedRequest):  # noqa: D401 - urllib's hook
        return self.do_open(functools.partial(_WatchedHTTPSConnection, deadline=req.deadline), req,
                            context=self._context)


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
        self._opener = urllib.request.build_opener(_NoRedirect, _DeadlineHTTPHandler, _DeadlineHTTPSHandler)
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
        """Make one request, bounded as a whole by ``timeout_seconds``; return status, headers, body."""
        timeout = self.config.timeout_seconds
        self.requests_made += 1
        with _Deadline(timeout) as deadline:
            request = _TimedRequest(url, headers=headers, deadline=deadline)
            try:
                return self._exchange(request, deadline)
            except FetchError:
                raise
            except _Transient:
                if deadline.expired:
                    raise _Transient(f"timed out after {timeout:g} s") from None
                raise

    def _exchange(self, request: _TimedRequest, deadline: _Deadline) -> tuple[int, Mapping[str, str], bytes]:
        timeout = self.config.timeout_seconds
        try:
            response = self._opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as err:
            response = err  # 3xx, 4xx and 5xx answers still carry headers and a body
        except urllib.error.URLError as err:
            reason = err.reason
            if deadline.expired or isinstance(reason, (socket.timeout, TimeoutError)):
                raise _Transient(f"timed out after {timeout:g} s") from err
            if isinstance(reason, ConnectionError):
                raise _Transient(f"connection failed: {reason}") from err
            raise FetchError(f"cannot connect: {reason}") from err
        except (socket.timeout, TimeoutError) as err:
            raise _Transient(f"timed out after {timeout:g} s") from err
        except (OSError, http.client.HTTPException) as err:
            raise _Transient(f"connection failed: {err}") from err
        with response:
            status = response.status if response.status is not None else response.getcode()
            response_headers = response.headers
            body = self._read_body(response, response_headers, deadline)
        return status, response_headers, body

    def _read_body(self, response, headers: Mapping[str, str], deadline: _Deadline) -> bytes:
        """Read the body, decompressing a gzip or deflate Content-Encoding as it arrives.

        Both the bytes on the wire and the bytes they expand to are capped by
        ``max_response_bytes``: reading stops as soon as either passes it.
        """
        limit = self.config.max_response_bytes
        declared = headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(f"the response is {int(declared):,} bytes, over the limit of "
                             f"{limit:,} (setting max_response_bytes)")
        encoding = (headers.get("Content-Encoding") or "").strip().lower()
        expand = encoding in ("gzip", "x-gzip", "deflate")
        decoder = None
        read = getattr(response, "read1", None) or response.read  # read1: what has arrived, no more
        chunks, wire, size = [], 0, 0
        try:
            while True:
                chunk = read(_CHUNK)
                if not chunk:
                    break
                wire += len(chunk)
                if wire > limit:
                    raise FetchError(f"the response is over the limit of {limit:,} bytes "
                                     "(setting max_response_bytes)")
                if expand:
                    decoder = decoder or _decoder(encoding, chunk)
                    chunk = _inflate(decoder, chunk, done=size, limit=limit, what=f"{encoding} body")
                size += len(chunk)
                chunks.append(chunk)
            if decoder is not None:
                tail = _inflate(decoder, None, done=size, limit=limit, what=f"{encoding} body")
                size += len(tail)
                chunks.append(tail)
                if not decoder.eof and not deadline.expired:  # likely a dropped connection: retried
                    raise _Transient(f"a damaged {encoding} body: it ends before its compressed data "
                                     "does (a page cut short)")
        except (socket.timeout, TimeoutError) as err:
            raise _Transient(f"timed out reading the body after {self.config.timeout_seconds:g} s") from err
        except (OSError, http.client.HTTPException) as err:  # a reset, a short body, a shut socket
            raise _Transient(f"the connection dropped while reading the body: {err}") from err
        except ValueError as err:  # reading a file the deadline closed under the read
            if deadline.expired:
                raise _Transient("timed out") from err
            raise
        if deadline.expired:  # the socket was shut down: what was read is only part of the body
            raise _Transient("timed out")
        return b"".join(chunks)


def _decoder(encoding: str, first: bytes) -> "zlib._Decompress":
    if encoding != "deflate":
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    # "deflate" should be zlib-wrapped (RFC 9110), but some servers send a raw deflate stream.
    wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
    return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)


def _inflate(decoder: "zlib._Decompress", data: bytes | None, *, done: int, limit: int,
             what: str) -> bytes:
    """Decompress ``data`` (or what is left, when ``None``) given ``done`` bytes so far; cap at ``limit``.

    ``max_length`` keeps each step's output at most one byte past the cap, so a bomb never
    expands in memory: the step that passes the cap raises.
    """
    try:
        if data is None:  # every input byte is consumed by now: only buffered output remains
            out = decoder.flush()
        else:
            out = decoder.decompress(data, limit - done + 1)
    except zlib.error as err:
        raise FetchError(f"a damaged {what}: {err}") from err
    if done + len(out) > limit or decoder.unconsumed_tail:
        raise FetchError(f"the {what} expands to more than the limit of {limit:,} bytes "
                         "(setting max_response_bytes)")
    return out


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


def gunzip_if_needed(body: bytes, *, max_bytes: int) -> bytes:
    """Return ``body`` decompressed when it is a gzip file (e.g. ``sitemap.xml.gz``), at most ``max_bytes``.

    Decompressed step by step, so a small file that expands enormously (a gzip bomb) fails at the
    cap without ever being held in memory.

    >>> import gzip
    >>> gunzip_if_needed(gzip.compress(b"<urlset/>"), max_bytes=100)
    b'<urlset/>'
    """
    if body[:2] != b"\x1f\x8b":
        return body
    parts: list[bytes] = []
    done, rest = 0, body
    while rest:  # a gzip file may hold several members, one after the other
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        for data in (rest, None):
            part = _inflate(decoder, data, done=done, limit=max_bytes, what="gzip file")
            done += len(part)
            parts.append(part)
        if not decoder.eof:
            raise FetchError("a damaged gzip file: it ends before its compressed data does")
        rest = decoder.unused_data
    return b"".join(parts)
