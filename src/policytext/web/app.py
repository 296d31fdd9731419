"""The search page: a small read-only WSGI application (served by waitress, see ``server.py``).

Routes: ``/`` (the page, rendered on the server so it works without scripts), ``/api/search``
(JSON: ``{"total": N, "hits": [...]}``), ``/api/search.csv`` and ``/api/search.jsonl`` (every hit of
the search, streamed as CSV or JSON Lines in constant memory: see :meth:`SearchApp._download`), ``/api/cite?…&format=bibtex|ris|csl-json`` (a page of hits' citations as a
file for a reference manager), ``/doc?id=…&start=…&end=…`` (a whole document from the corpus with a passage
marked, for when the source is offline), ``/verify`` and ``/api/verify`` (a quote checked: see
``verify_page.py``, which also answers the page's "by meaning" searches) and ``/static/…`` (the page's own script and styles;
nothing comes from the internet). Every piece of text goes through Jinja2's autoescaping; the only markup
added to stored text is ``<mark>``, put round text that was escaped first.

Answers of searches are kept in a small :class:`ResponseCache`, emptied whenever the store may have
changed (see there); ``X-Cache: hit`` or ``miss`` says which a response was.

Every response, errors included, carries :data:`SECURITY_HEADERS`. A request whose Host header
names another site is refused (a page on such a site could otherwise read this one through DNS
rebinding); HEAD gets the headers of GET and no body.
"""
from __future__ import annotations

import csv
import difflib
import io
import itertools
import json
import logging
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence
from urllib.parse import parse_qs, parse_qsl, quote_plus, urlencode, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from policytext.csv_cells import csv_cell
from policytext.errors import BadQuery, ConfigError, PolicytextError, UnknownValue
from policytext.search import SEARCH_TARGETS, SYNTAX_HELP, cite_hits, search_corpus, styled_citations
from policytext.search.citations import TEXT_STYLES
from policytext.search.query import query_notes
from policytext.search.counts import count_facets, undated_matches
from policytext.records import ROLES, SIDES, not_annotated_condition
from policytext.search.hits import MAX_LIMIT, SORTS, stream_hits
from policytext.search.wording import count_matching
from policytext.store import Store
from policytext.embedding import MODEL_NAME
from policytext.web.fragments import facet_blocks, hit_items
from policytext.web.verify_page import VERIFY_PATHS, MeaningModel, answer_verify, meaning_noun, search_page_by_meaning

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
FILTER_NAMES = ("speaker", "party", "government", "kind", "since", "until", "role", "side", "post")
PAGE_FIELDS = {"speaker": "Speaker", "party": "Party", "government": "Government", "kind": "Kind",
               "role": "Role", "side": "Side", "post": "Post", "since": "From", "until": "To",
               "min_score": "Check-worthy from"}
"""How the page's error messages name the filters (its fields' labels), where the command line says ``--since``."""
API_FIELDS = {name: repr(name) for name in (*FILTER_NAMES, "min_score")}
"""How the API's and the downloads' error messages name them: as the parameters ('since')."""
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
SECURITY_HEADERS = [
    ("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                                "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),  # frame-ancestors for browsers that predate it
]
"""Headers sent with every response, including errors and those that waitress itself writes."""
LOCAL_HOST_NAMES = ("127.0.0.1", "localhost", "[::1]")
MAX_TARGET_CHARS = 8192
"""Longest path plus query string answered; longer gets 414 (a search query of thousands of
characters is a mistake or an attack, and FTS5 would spend time on it)."""
TEXT = "text/plain; charset=utf-8"
CACHE_ENTRIES = 512
"""Answers kept by :class:`ResponseCache` at most (a page of 20 hits is 25–50 KB)."""
CACHE_BYTES = 32 * 1024 * 1024
"""Bytes of answers kept at most; an answer larger than a sixteenth of this is never kept."""
SEARCH_PATHS = ("/", "/api/search")
CSV_MAX_ROWS = 5000
"""Hits in a download of a search *by meaning* at most (it ranks every sentence; the file says when
there were more). A download of a search by words has every hit."""
DOWNLOAD_PATHS = {"/api/search.csv": "csv", "/api/search.jsonl": "jsonl"}
DOWNLOAD_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
DOWNLOAD_CHUNK_ROWS = 200
"""Rows of a download written to the connection at a time."""
CSV_COLUMNS = ("position", "text", "speaker", "date", "title", "kind", "government", "party", "url", "citation",
               "doc_id", "start", "end", "score", "resolved_by")
FACET_SPEAKERS = 10
"""Speakers the page's counts show at most (those with the most matches); every year is shown."""
CITE_FILES = {"bibtex": ("application/x-bibtex; charset=utf-8", "bib"),
              "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
              "csl-json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json")}
"""The reference-manager files of ``/api/cite`` (a page of hits each): media type and file suffix."""
DOC_MAX_CHARS = 2_000_000
"""Longest document the document view shows whole (longer ones are shown round the passage)."""

log = logging.getLogger("policytext.web")

_HOST = re.compile(r"(?P<name>\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)(?::(?P<port>[0-9]{1,5}))?\Z")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass(frozen=True)
class SearchRequest:
    """The parameters of one search, read from a query string (names as in the CLI)."""

    q: str = ""
    within: str = "sentences"
    filters: tuple[tuple[str, str], ...] = ()
    limit: int = PAGE_SIZE
    page: int = 1
    sort: str = ""  # "" for the default: claims by score, the rest by relevance
    meaning: bool = False  # rank by meaning (sentence embeddings), the page's "by meaning" toggle
    min_score: float | None = None  # claims only: the lowest claim score shown

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @property
    def search_options(self) -> dict[str, Any]:
        """Return the keyword options of ``search_corpus`` this request names (filters, sort, where)."""
        return {"within": self.within, "sort": self.sort or None, **self.match_options}

    @property
    def match_options(self) -> dict[str, Any]:
        """Return what chooses the matches (filters and, for claims, the minimum score), not their order."""
        score = {} if self.min_score is None else {"min_score": self.min_score}
        return {**dict(self.filters), **score}

    def params(self, **changes: Any) -> str:
        """Return the query string of this request with some parameters changed."""
        values: dict[str, Any] = {"q": self.q, "in": self.within, **dict(self.filters), "sort": self.sort,
                                  "min_score": self.min_score}
        if self.meaning:
            values["meaning"] = 1
        if self.limit != PAGE_SIZE:
            values["limit"] = self.limit
        values["page"] = self.page
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in (None, "") and not (k == "page" and v == 1)})


REQUEST_PARAMETERS: tuple[str, ...] = ("q", "in", "sort", "min_score", "meaning", "limit", "page", *FILTER_NAMES)
"""The parameters of the search page and ``/api/search`` (``/api/cite`` also takes ``format``)."""


def read_request(query_string: str, *, also: Sequence[str] = ()) -> SearchRequest:
    """Parse a query string into a :class:`SearchRequest`, or raise ``BadQuery``.

    A parameter outside :data:`REQUEST_PARAMETERS` (and ``also``) is refused, naming the accepted
    ones (``speakr=Obama`` once searched everything), and so is one given twice with two values:
    no parameter takes a list.

    Example:
        >>> read_request("q=tax&in=quotes&page=2").offset
        20
    """
    check_parameters(query_string, (*REQUEST_PARAMETERS, *also))
    raw = parse_qs(query_string, keep_blank_values=False)

    def one(name: str) -> str:
        return (raw.get(name) or [""])[-1].strip()

    within = one("in") or "sentences"
    if within not in SEARCH_TARGETS:
        raise BadQuery(f"'in' must be one of {', '.join(SEARCH_TARGETS)}, not {within!r}")
    limit = _read_int(one("limit"), "limit", PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page = _read_int(one("page"), "page", 1, 1, 100_000)
    filters = tuple((name, one(name)) for name in FILTER_NAMES if one(name))
    sort = one("sort")
    if sort and (sort not in SORTS or (sort == "score" and within != "claims")):
        allowed = ", ".join(s for s in SORTS if s != "score" or within == "claims")
        raise BadQuery(f"'sort' must be one of {allowed} for {within}, not {sort!r}")
    min_score = None
    if one("min_score"):
        if within != "claims":
            raise BadQuery(f"'min_score' applies to claims, not to {within}")
        try:
            min_score = float(one("min_score"))
        except ValueError:
            raise BadQuery(f"'min_score' must be a number from 0 to 1, not {one('min_score')!r}") from None
        if not 0 <= min_score <= 1:  # also refuses nan
            raise BadQuery(f"'min_score' must be a number from 0 to 1, not {one('min_score')!r}")
    return SearchRequest(q=one("q"), within=within, filters=filters, limit=limit, page=page, sort=sort,
                         meaning=one("meaning") in ("1", "on", "true"), min_score=min_score)


def check_parameters(query_string: str, accepted: Sequence[str]) -> None:
    """Raise ``BadQuery`` for a parameter not in ``accepted`` or one given twice with different values.

    Example:
        >>> check_parameters("q=tax&speakr=Obama", ("q", "speaker"))
        Traceback (most recent call last):
        ...
        policytext.errors.BadQuery: unknown parameter 'speakr' (did you mean 'speaker'?); accepted: q, speaker
    """
    pairs = parse_qsl(query_string, keep_blank_values=True)
    unknown = list(dict.fromkeys(name for name, _ in pairs if name not in accepted))
    if unknown:
        named = ", ".join(f"{name!r}" + "".join(f" (did you mean {m!r}?)" for m in
                                                difflib.get_close_matches(name, accepted, n=1, cutoff=0.6))
                          for name in unknown)
        raise BadQuery(f"unknown parameter{'s' if len(unknown) > 1 else ''} {named}; accepted: {', '.join(accepted)}")
    values: dict[str, set[str]] = {}
    for name, value in pairs:
        if value.strip():
            values.setdefault(name, set()).add(value.strip())
    twice = [name for name, given in values.items() if len(given) > 1]
    if twice:
        raise BadQuery(f"{twice[0]!r} is given more than once ({', '.join(sorted(values[twice[0]]))}): "
                       "give each parameter once (none takes a list)")


def _read_int(value: str, name: str, default: int, low: int, high: int) -> int:
    if not value:
        return default
    try:
        number = int(value)
    except ValueError as err:
        raise BadQuery(f"{name!r} must be a whole number, not {value!r}") from err
    if not low <= number <= high:
        raise BadQuery(f"{name!r} must be {low} to {high}, not {number}")
    return number


def safe_link(url: str | None) -> str | None:
    """Return ``url`` when it is an http(s) address fit to link to, else ``None``.

    Example:
        >>> safe_link("javascript:alert(1)") is None
        True
    """
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def parse_host(value: str) -> tuple[str, int | None] | None:
    """Split a Host header (``name``, ``name:port``, ``[v6]:port``) into name and port, or ``None``.

    Names are lower-cased; anything but a plain DNS name or an IP address (a scheme, a path, user
    info, spaces, a port out of range) gives ``None``.

    Example:
        >>> parse_host("LocalHost:8000")
        ('localhost', 8000)
    """
    match = _HOST.match(value.strip().lower())
    if match is None:
        return None
    port = int(match["port"]) if match["port"] else None
    if port is not None and not 0 < port < 65536:
        return None
    return match["name"], port


def read_allowed_host(value: str) -> tuple[str, int | None]:
    """Read one ``--allow-host`` value: a public name the page may be reached by, with or without port.

    Without a port the name is allowed on any port (a proxy in front usually listens on 443).

    Example:
        >>> read_allowed_host("search.example.org")
        ('search.example.org', None)
    """
    parsed = parse_host(value)
    if parsed is None:
        raise ConfigError(f"cannot use {value!r} as a host name for --allow-host: give a name as it "
                          "appears in the address bar, such as search.example.org or "
                          "search.example.org:8443 (no scheme, no path; IPv6 in brackets).")
    return parsed


def normalise_query(query_string: str) -> tuple[tuple[str, str], ...]:
    """Return a query string's non-empty parameters ordered by name (repeated names keep their order).

    Two query strings with the same normal form get the same answer from the page, whatever the
    order of their parameters: the page reads each name's last value and ignores empty ones.

    Example:
        >>> normalise_query("q=tax&in=claims&page=") == normalise_query("in=claims&q=tax")
        True
    """
    pairs = parse_qsl(query_string, keep_blank_values=False)
    return tuple(sorted(pairs, key=lambda pair: pair[0]))


Answer = tuple[str, str, bytes]  # status line, Content-Type, body


class ResponseCache:
    """A bounded cache of the search page's answers, never serving one older than the store's last commit.

    Keyed by path and :func:`normalise_query` (GET and HEAD share the answer: HEAD drops its body).
    The store's connections are per thread, and ``PRAGMA data_version`` is comparable only on one
    connection, so each serving thread reads its own connection's value before every search; when
    it differs from the last one that thread saw (or the thread looks for the first time), some
    commit happened that the cache may predate, and the cache is emptied (a new *generation*).
    An answer is stored only if no such change was seen while it was computed. Any commit before a
    request's check is therefore seen by that check or an earlier one, and answers computed before
    it are gone by the time the request looks.

    Args:
        max_entries: answers kept at most (least recently used dropped first); 0 disables caching.
        max_bytes: bytes of answers kept at most.
    """

    def __init__(self, max_entries: int = CACHE_ENTRIES, max_bytes: int = CACHE_BYTES):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, tuple[tuple[str, str], ...]], Answer] = OrderedDict()
        self._bytes = 0
        self._generation = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def generation(self, seen: threading.local, conn: Any) -> int:
        """Return the current generation after checking ``conn`` (this thread's) for commits."""
        version = (conn, conn.execute("PRAGMA data_version").fetchone()[0])
        with self._lock:
            if getattr(seen, "version", None) != version:
                seen.version = version
                self._generation += 1
                self._entries.clear()
                self._bytes = 0
            return self._generation

    def get(self, key: tuple[str, tuple[tuple[str, str], ...]], generation: int) -> Answer | None:
        """Return the answer kept for ``key``, or ``None`` (also when the store changed since ``generation``)."""
        with self._lock:
            answer = self._entries.get(key) if generation == self._generation else None
            if answer is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: tuple[str, tuple[tuple[str, str], ...]], generation: int, answer: Answer) -> None:
        """Keep ``answer``, computed from the store as it was at ``generation``, unless that has passed."""
        size = len(answer[2]) + sum(len(name) + len(value) for name, value in key[1])
        if size > self.max_bytes // 16 or self.max_entries <= 0:
            return
        with self._lock:
            if generation != self._generation:
                return  # the store changed while it was computed: it may be stale already
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[2])
            self._entries[key] = answer
            self._bytes += len(answer[2])
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped[2])


def facet_links(request: SearchRequest, by: str, counts: Iterable[Any]) -> list[tuple[str | None, int, str, bool]]:
    """Return a count's rows as (value, matches, query string applying the value, whether applied now).

    The query string of the request without the facet's own filters is made once, and each value's
    is appended to it (a page's counts have a hundred links; one ``urlencode`` each cost a
    quarter of the page's time). A year applies ``since`` and ``until``.

    Example:
        >>> from policytext.search.counts import MatchCount
        >>> facet_links(read_request("q=tax&page=3"), "year", [MatchCount("1962", 4)])
        [('1962', 4, 'q=tax&in=sentences&since=1962&until=1962', False)]
    """
    filters = dict(request.filters)
    names = ("since", "until") if by == "year" else (by,)
    base = request.params(page=1, **{name: None for name in names})
    rows = []
    for count in counts:
        value = count.value
        if value is None:
            rows.append((None, count.count, "", False))
            continue
        encoded = value if value.isascii() and value.isalnum() else quote_plus(value)  # a year needs no quoting
        applied = "&".join(f"{name}={encoded}" for name in names)
        current = all(filters.get(name) == value for name in names)
        rows.append((value, count.count, f"{base}&{applied}" if base else applied, current))
    return rows


def _paragraphs(text: str, shown_from: int, shown_to: int, start: int, end: int) -> list[list[tuple[str, str]]]:
    """Split ``text[shown_from:shown_to]`` into paragraphs of (piece, state) runs.

    The state is ``"first"`` for the first run inside ``start``–``end`` (the page's anchor),
    ``"more"`` for the rest of that passage and ``""`` elsewhere.

    Example:
        >>> _paragraphs("One. Two.\\n\\nThree.", 0, 17, 5, 9)
        [[('One. ', ''), ('Two.', 'first')], [('Three.', '')]]
    """
    paragraphs: list[list[tuple[str, str]]] = []
    position, seen = shown_from, False
    for block in re.split(r"(\n\s*\n)", text[shown_from:shown_to]):
        block_start, position = position, position + len(block)
        if not block.strip():
            continue
        runs: list[tuple[str, str]] = []
        cuts = sorted({block_start, position, *(x for x in (start, end) if block_start < x < position)})
        for a, b in zip(cuts, cuts[1:]):
            inside = end > start and start <= a and b <= end
            runs.append((text[a:b], ("more" if seen else "first") if inside else ""))
            seen = seen or inside
        paragraphs.append(runs)
    return paragraphs


class SearchApp:
    """The WSGI application over one corpus store, opened read-only once per serving thread.

    Args:
        store_path: the corpus store (``policytext.db``).
        allowed_hosts: (name, port) pairs the Host header may name; a port of ``None`` allows any
            port. The default allows only this machine's names, on any port.
        cache: keep answers of searches in a :class:`ResponseCache` (``False`` computes every one,
            as ``serve --no-cache`` does, e.g. to measure the searches themselves).
        annotation_key: the annotation model key of the corpus's settings
            (:func:`~policytext.records.annotation_model_key`): a document annotated with another
            model counts as not annotated, as in the CLI. Without it, only documents never annotated
            or changed since count.
        meaning_model: the sentence-embedding model of searches by meaning and quote checks (the
            corpus's ``meaning_model`` setting; its vectors are the ones read).

    Each thread that serves a request opens its own read-only connection on its first request and
    keeps it; :meth:`close` closes them all once the threads have stopped. Behind a fixed pool of
    threads (``server.py``) that is one connection per thread, however many requests come.
    """

    def __init__(self, store_path: Path, *, allowed_hosts: Iterable[tuple[str, int | None]] | None = None,
                 cache: bool = True, annotation_key: str | None = None, meaning_model: str = MODEL_NAME):
        self.store_path = Path(store_path)
        self.annotation_key = annotation_key
        self.cache = ResponseCache() if cache else None
        if allowed_hosts is None:
            allowed_hosts = [(name, None) for name in LOCAL_HOST_NAMES]
        self.allowed_hosts = tuple(allowed_hosts)
        self._local = threading.local()
        self._stores: list[Store] = []
        self._stores_lock = threading.Lock()
        # The templates are package data: no need to look for changes on every request.
        self.env = Environment(loader=PackageLoader("policytext.web", "templates"), auto_reload=False,
                               autoescape=select_autoescape(default=True, default_for_string=True))
        self.env.filters["link"] = safe_link
        self.env.globals.update(hit_items=hit_items, facet_blocks=facet_blocks, link=safe_link)
        self.static = resources.files("policytext.web").joinpath("static")
        self.meaning = MeaningModel(meaning_model)  # the embedding model, loaded on first use (or warmed at start)

    def store(self) -> Store:
        """Return this thread's read-only store connection, opening it on the thread's first use."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.store_path, readonly=True)
            with self._stores_lock:
                self._stores.append(store)
            self._local.store = store
        return store

    @property
    def open_stores(self) -> int:
        """How many store connections the application holds (one per thread that has served)."""
        with self._stores_lock:
            return len(self._stores)

    def close(self) -> None:
        """Close every thread's store connection. Call it after the serving threads have stopped."""
        with self._stores_lock:
            stores, self._stores = self._stores, []
        for store in stores:
            store.close()

    def host_allowed(self, host: str | None) -> bool:
        """Say whether a request's Host header names this server (see ``allowed_hosts``)."""
        parsed = parse_host(host) if host else None
        if parsed is None:
            return False
        name, port = parsed
        return any(name == allowed and (allowed_port is None or port in (None, allowed_port))
                   for allowed, allowed_port in self.allowed_hosts)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        body = self._respond(environ, method, start_response)
        if method == "HEAD":  # GET's headers (Content-Length too), no body
            close = getattr(body, "close", None)
            if close is not None:
                close()  # a download's stream: never read, its cursor closed now
            return [b""]
        return body

    def _respond(self, environ: dict[str, Any], method: str, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if not self.host_allowed(environ.get("HTTP_HOST")):
            return self._send(start_response, "400 Bad Request", TEXT, self._bad_host(environ.get("HTTP_HOST")))
        if method not in ("GET", "HEAD"):
            return self._send(start_response, "405 Method Not Allowed", TEXT,
                              "This page is read-only: only GET is allowed.\n", [("Allow", "GET, HEAD")])
        if len(path) + len(environ.get("QUERY_STRING", "")) > MAX_TARGET_CHARS:
            return self._send(start_response, "414 URI Too Long", TEXT,
                              f"The address is longer than {MAX_TARGET_CHARS:,} characters: shorten the query.\n")
        try:
            if path in SEARCH_PATHS:
                return self._search(path, environ, start_response)
            if path in DOWNLOAD_PATHS:
                return self._download(DOWNLOAD_PATHS[path], environ.get("QUERY_STRING", ""), start_response)
            if path == "/api/cite":
                return self._cite(environ.get("QUERY_STRING", ""), start_response)
            if path in VERIFY_PATHS:
                return self._send(start_response, *answer_verify(self, path, environ.get("QUERY_STRING", "")))
            if path == "/doc":
                return self._document(environ.get("QUERY_STRING", ""), start_response)
            if path.startswith("/static/"):
                return self._static(path[len("/static/"):], start_response)
        except PolicytextError as err:  # not a query problem: the store itself
            return self._send(start_response, "500 Internal Server Error", TEXT, f"Error: {err}\n")
        except Exception:  # a defect: the details go to the server's log, never to the client
            log.exception("the search page failed on %s %s", method, path)
            return self._send(start_response, "500 Internal Server Error", TEXT,
                              "The server could not answer this request. The details are in its log.\n")
        return self._send(start_response, "404 Not Found", TEXT, f"Nothing at {path}. The search page is at /.\n")

    def _bad_host(self, host: str | None) -> str:
        names = ", ".join(f"{name}:{port}" if port else name for name, port in self.allowed_hosts)
        given = f"the Host header {host[:100]!r}" if host else "no Host header"
        return (f"Bad Request: this server answers only to {names}, and the request had {given}. "
                "To serve the page under another name, start it with --allow-host NAME.\n")

    def _send(self, start_response: StartResponse, status: str, content_type: str, body: str | bytes,
              extra: list[tuple[str, str]] | None = None) -> list[bytes]:
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = [("Content-Type", content_type), ("Content-Length", str(len(data))),
                   ("Cache-Control", "no-store"), *SECURITY_HEADERS, *(extra or [])]
        start_response(status, headers)
        return [data]

    def _search(self, path: str, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        """Answer the page or the JSON endpoint, from the cache when the store has not changed since."""
        answer = self._api if path == "/api/search" else self._page
        query_string = environ.get("QUERY_STRING", "")
        if self.cache is None:
            return self._send(start_response, *answer(query_string))
        generation = self.cache.generation(self._local, self.store().conn)
        key = (path, normalise_query(query_string))
        found = self.cache.get(key, generation)
        if found is not None:
            return self._send(start_response, *found, [("X-Cache", "hit")])
        found = answer(query_string)
        if found[0] == "200 OK":
            self.cache.put(key, generation, found)
        return self._send(start_response, *found, [("X-Cache", "miss")])

    def _api(self, query_string: str) -> Answer:
        try:
            request = read_request(query_string)
            if not request.q:
                raise BadQuery(f"give a query in 'q'. {SYNTAX_HELP}.")
            result = self._run_search(request)
        except BadQuery as err:
            body = json.dumps({"error": err.worded(API_FIELDS)}, ensure_ascii=False)
            return "400 Bad Request", "application/json; charset=utf-8", body.encode("utf-8")
        # how many documents of the corpus are not annotated yet: their sentences are not searched
        answer = {**result.to_dict(), "not_annotated": self._corpus_view()["coverage"]["not_annotated"]}
        body = json.dumps(answer, ensure_ascii=False)
        return "200 OK", "application/json; charset=utf-8", body.encode("utf-8")

    def _run_search(self, request: SearchRequest, *, offset: int | None = None, limit: int | None = None,
                    known_total: int | None = None) -> Any:
        """Return a page of hits of ``request`` (its own page unless told): by words (BM25), or by meaning.

        ``known_total``: the matches of a search by words, counted already (the page's counts).
        """
        offset = request.offset if offset is None else offset
        limit = request.limit if limit is None else limit
        if request.meaning:
            if request.sort not in ("", "relevance"):
                raise BadQuery(f"a search by meaning is ordered by meaning, not by {request.sort!r}: "
                               "untick 'by meaning' to order by date")
            if request.min_score is not None:
                raise BadQuery("a search by meaning ranks sentences, not claims by score: "
                               "untick 'by meaning' to keep claims from a minimum score")
            return search_page_by_meaning(self.store(), self.meaning, request.q, within=request.within,
                                          limit=limit, offset=offset, filters=dict(request.filters))
        return search_corpus(self.store(), request.q, limit=limit, offset=offset, known_total=known_total,
                             **request.search_options)

    def _corpus_view(self) -> dict[str, Any]:
        """Return the lists for the filters and what the corpus covers, read again after the store changed.

        ``PRAGMA data_version`` moves when another connection (a collect or annotate run) commits;
        it is per connection, so each thread keeps its own copy.
        """
        conn = self.store().conn
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        cached = getattr(self._local, "view", None)
        if cached is not None and cached[0] == version:
            return cached[1]
        governments = [row[0] for row in conn.execute(
            "SELECT government FROM documents WHERE government IS NOT NULL "
            "GROUP BY government ORDER BY MIN(date)")]
        kinds = [row[0] for row in conn.execute(
            "SELECT DISTINCT kind FROM documents WHERE kind IS NOT NULL ORDER BY kind")]
        parties = [row[0] for row in conn.execute(
            "SELECT DISTINCT party FROM documents WHERE party IS NOT NULL ORDER BY party")]
        speakers = [row[0] for row in conn.execute(
            "SELECT speaker FROM documents WHERE speaker IS NOT NULL GROUP BY speaker ORDER BY count(*) DESC")]
        documents, first, last = conn.execute("SELECT count(*), min(date), max(date) FROM documents").fetchone()
        # sentences, quotes and claims of these are missing or stale: no hit there is no real "no"
        stale, params = not_annotated_condition(self.annotation_key)
        not_annotated = conn.execute(f"SELECT count(*) FROM documents WHERE {stale}", params).fetchone()[0]
        # of them, those annotated on their current text by older rules or another model: their rows
        # are searched (as the older annotation found them), so "not searched" would be untrue there
        older = conn.execute(f"SELECT count(*) FROM documents WHERE {stale} AND annotated_sha256 = content_sha256",
                             params).fetchone()[0] if not_annotated else 0
        sources = [row[0] for row in conn.execute("SELECT DISTINCT source FROM documents ORDER BY source")]
        # the role, side and post filters are offered where the corpus records them (Hansard, ParlaMint)
        present = {row[0] for row in conn.execute("SELECT DISTINCT role FROM documents WHERE role IS NOT NULL")}
        sides = {row[0] for row in conn.execute("SELECT DISTINCT side FROM documents WHERE side IS NOT NULL")}
        posts = conn.execute("SELECT 1 FROM documents WHERE speaker_role IS NOT NULL LIMIT 1").fetchone() is not None
        view = {"governments": governments, "kinds": kinds, "parties": parties, "speakers": speakers,
                "roles": [role for role in ROLES if role in present], "sides": [side for side in SIDES if side in sides],
                "posts": posts,
                "coverage": {"documents": documents, "first": first, "last": last, "speakers": len(speakers),
                             "sources": sources, "not_annotated": not_annotated,
                             "older": older}}
        self._local.view = (version, view)
        return view

    def _page(self, query_string: str) -> Answer:
        error, result, request, counts, notes = None, None, SearchRequest(), None, []
        try:
            request = read_request(query_string)
            if request.q and not request.meaning:
                # the counts first: they add up to the total, which the search then need not count
                found = count_facets(self.store(), request.q, within=request.within,
                                     limits={"speaker": FACET_SPEAKERS}, **request.match_options)
                total = sum(count.count for count in found["year"])
                result = self._run_search(request, known_total=total)
                counts = {by: facet_links(request, by, values) for by, values in found.items()} if total else None
            elif request.q:
                result = self._run_search(request)
            if request.q and not request.meaning:
                notes = query_notes(request.q)  # "taxes or spending": the word "or", not either word
                # a date filter cannot place an undated document (a blog page that gave no date)
                undated = undated_matches(self.store(), request.q, within=request.within, **request.match_options)
                if undated:
                    notes.append(f"{count_matching(undated, request.within)} in undated documents, which the "
                                 "dates From and To leave out (a date filter cannot place a document with no date)")
        except BadQuery as err:
            error = err.worded(PAGE_FIELDS)  # "From is after To", not the command line's "--since"
            # the filters found no such speaker and named the closest (UnknownValue): the page links them
            suggestions = list(err.suggestions) if isinstance(err, UnknownValue) and err.name == "speaker" else []
            # a person only quoted, searched among documents' speakers: the page offers the quotes
            quoted_only = isinstance(err, UnknownValue) and err.name == "speaker" and "quotes" in err.found_as
        else:
            suggestions = []  # a speaker the corpus has, with no match here: no "no such speaker"
            quoted_only = False
        view = self._corpus_view()
        pages = math.ceil(result.total / request.limit) if result else 0
        filters = dict(request.filters)
        html = self.env.get_template("page.html").render(
            request=request, here=request.params(), filters=filters, result=result, error=error, pages=pages,
            cite_files=CITE_FILES,
            past_end=bool(result and result.total and request.offset >= result.total),
            noun=meaning_noun if request.meaning else count_matching,
            suggestions=suggestions, quoted_only=quoted_only, query_notes=notes, targets=SEARCH_TARGETS, syntax=SYNTAX_HELP, counts=counts,
            csv_max=CSV_MAX_ROWS, **view)
        status = "400 Bad Request" if error else "200 OK"
        return status, "text/html; charset=utf-8", html.encode("utf-8")

    def _download(self, form: str, query_string: str, start_response: StartResponse) -> Iterable[bytes]:
        """Answer ``/api/search.csv`` or ``.jsonl``: every hit of the search, streamed as it is read.

        The hits come from :func:`~policytext.search.hits.stream_hits` (one cursor read in batches),
        so memory stays the same whatever the number of hits; the response has no Content-Length
        and goes out in chunks of :data:`DOWNLOAD_CHUNK_ROWS` rows. The first hit is read before
        the headers are sent, so a query the index cannot run is a 400 with the reason. A search
        by meaning ranks every sentence: its download stops at :data:`CSV_MAX_ROWS` and says so.
        """
        try:
            request = read_request(query_string)
            if not request.q:
                raise BadQuery(f"give a query in 'q'. {SYNTAX_HELP}.")
            hits, omitted = self._all_hits(request)
            first = next(hits, None)  # runs the query now: its errors are the client's 400
        except BadQuery as err:
            return self._send(start_response, "400 Bad Request", TEXT, f"Error: {err.worded(API_FIELDS)}\n")
        name = re.sub(r"[^A-Za-z0-9]+", "-", request.q).strip("-")[:40] or "search"
        start_response("200 OK", [("Content-Type", DOWNLOAD_TYPES[form]), ("Cache-Control", "no-store"),
                                  *SECURITY_HEADERS,
                                  ("Content-Disposition", f'attachment; filename="policytext-{name}.{form}"')])
        rows = itertools.chain([] if first is None else [first], hits)
        return _DownloadBody(_download_chunks(form, rows, omitted), hits)

    def _all_hits(self, request: SearchRequest) -> tuple[Iterator[Any], Callable[[], int]]:
        """Return an iterator of every hit of ``request`` and a function saying how many were left out."""
        if not request.meaning:
            return stream_hits(self.store(), request.q, **request.search_options), lambda: 0
        found: list[Any] = []
        total = 0
        while True:  # in pages of the most a search returns at once
            result = self._run_search(request, offset=len(found), limit=min(MAX_LIMIT, CSV_MAX_ROWS - len(found)))
            found.extend(result.hits)
            total = result.total
            if not result.hits or len(found) >= min(result.total, CSV_MAX_ROWS):
                break
        return iter(found), lambda: max(0, total - len(found))

    def _cite(self, query_string: str, start_response: StartResponse) -> list[bytes]:
        """Answer ``/api/cite``: the citations of a page of hits as a BibTeX, RIS or CSL-JSON file, or, for a
        text style (``apa``, ``chicago``, ``newsroom``), as a JSON list of lines in the page's order (what
        the page's style list shows, asked for only when a reader picks the style)."""
        try:
            request = read_request(query_string, also=("format",))
            style = (parse_qs(query_string).get("format") or [""])[-1]
            if style not in CITE_FILES and style not in TEXT_STYLES:
                raise BadQuery(f"'format' must be one of {', '.join((*CITE_FILES, *TEXT_STYLES))}, not {style!r}")
            if not request.q:
                raise BadQuery(f"give a query in 'q'. {SYNTAX_HELP}.")
            result = self._run_search(request)  # the page's hits, in the page's order
        except BadQuery as err:
            return self._send(start_response, "400 Bad Request", TEXT, f"Error: {err.worded(API_FIELDS)}\n")
        if style in TEXT_STYLES:
            lines = [cite[style] for cite in styled_citations(self.store(), result.hits, (style,))]
            return self._send(start_response, "200 OK", "application/json; charset=utf-8",
                              json.dumps(lines, ensure_ascii=False).encode("utf-8"))
        content_type, suffix = CITE_FILES[style]
        name = re.sub(r"[^A-Za-z0-9]+", "-", request.q).strip("-")[:40] or "search"
        return self._send(start_response, "200 OK", content_type, cite_hits(self.store(), result.hits, style),
                          [("Content-Disposition", f'attachment; filename="policytext-{name}.{suffix}"')])

    def _document(self, query_string: str, start_response: StartResponse) -> list[bytes]:
        """Answer ``/doc``: one document of the corpus, with the passage ``start``–``end`` marked."""
        raw = parse_qs(query_string)
        doc_id = (raw.get("id") or [""])[-1]
        try:
            start = _read_int((raw.get("start") or [""])[-1], "start", 0, 0, 10**9)
            end = _read_int((raw.get("end") or [""])[-1], "end", 0, 0, 10**9)
        except BadQuery as err:
            return self._send(start_response, "400 Bad Request", TEXT, f"Error: {err.worded(API_FIELDS)}\n")
        row = self.store().conn.execute(
            "SELECT id, title, text, speaker, date, url, publisher, source, kind, government FROM documents "
            "WHERE id = ?", [doc_id]).fetchone() if doc_id else None
        if row is None:
            return self._send(start_response, "404 Not Found", TEXT,
                              f"No document {doc_id[:200]!r} in this corpus. The search page is at /.\n")
        text = row["text"]
        if not (0 <= start <= end <= len(text)):
            start = end = 0
        shown_from, shown_to = 0, len(text)
        if len(text) > DOC_MAX_CHARS:  # show the part round the passage only
            shown_from = max(0, start - DOC_MAX_CHARS // 2)
            shown_to = min(len(text), shown_from + DOC_MAX_CHARS)
        html = self.env.get_template("doc.html").render(
            doc=row, paragraphs=_paragraphs(text, shown_from, shown_to, start, end), marked=end > start,
            cut=(shown_from, shown_to) if (shown_from, shown_to) != (0, len(text)) else None,
            length=len(text), link=safe_link(row["url"]))
        return self._send(start_response, "200 OK", "text/html; charset=utf-8", html)

    def _static(self, name: str, start_response: StartResponse) -> list[bytes]:
        suffix = Path(name).suffix
        if "/" in name or name.startswith(".") or suffix not in STATIC_TYPES:
            return self._send(start_response, "404 Not Found", TEXT, "Not found.\n")
        item = self.static.joinpath(name)
        if not item.is_file():
            return self._send(start_response, "404 Not Found", TEXT, "Not found.\n")
        return self._send(start_response, "200 OK", STATIC_TYPES[suffix], item.read_bytes())


class _DownloadBody:
    """A download's chunks for the server to send; closing it (the client left, or HEAD) closes the stream."""

    def __init__(self, chunks: Iterator[bytes], source: Any):
        self._chunks, self._source = chunks, source

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks

    def close(self) -> None:
        for stream in (self._chunks, self._source):
            close = getattr(stream, "close", None)
            if close is not None:
                close()


def _download_chunks(form: str, hits: Iterable[Any], omitted: Callable[[], int]) -> Iterator[bytes]:
    """Yield a download's bytes, :data:`DOWNLOAD_CHUNK_ROWS` hits at a time (CSV cells defused)."""
    out = io.StringIO()
    writer = csv.writer(out)
    if form == "csv":
        out.write("\ufeff")  # a byte-order mark, so spreadsheets read it as UTF-8
        writer.writerow(CSV_COLUMNS)
    number = 0
    try:
        for number, hit in enumerate(hits, 1):
            row = hit.to_dict()
            if form == "csv":
                row["position"] = number
                row["text"] = " ".join(row["text"].split())
                writer.writerow([csv_cell(row.get(name)) for name in CSV_COLUMNS])
            else:
                out.write(json.dumps({"position": number, **row}, ensure_ascii=False))
                out.write("\n")
            if number % DOWNLOAD_CHUNK_ROWS == 0:
                yield out.getvalue().encode("utf-8")
                out.seek(0)
                out.truncate()
    except Exception:  # the headers are gone: all that can be done is to stop and say so in the log
        log.exception("a download stopped after %d rows", number)
        raise
    left = omitted()
    if left and form == "csv":
        writer.writerow([f"# {left:,} more matches not included (a search by meaning has at most "
                         f"{CSV_MAX_ROWS:,} a file): narrow the search with filters"])
    yield out.getvalue().encode("utf-8")
