"""The search page: a small read-only WSGI application served by the standard library.

Routes: ``/`` (the page, rendered on the server so it works without scripts), ``/api/search``
(JSON: ``{"total": N, "hits": [...]}``) and ``/static/…`` (the page's own script and styles; nothing
comes from the internet). Every piece of text goes through Jinja2's autoescaping; the only markup
added to stored text is ``<mark>``, put round text that was escaped first.
"""
from __future__ import annotations

import json
import math
import socketserver
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs, urlencode, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from policytext.config import Config
from policytext.corpus import Corpus
from policytext.errors import BadQuery, PolicytextError
from policytext.search import SEARCH_TARGETS, SYNTAX_HELP, search_corpus
from policytext.store import Store

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
FILTER_NAMES = ("speaker", "party", "government", "kind", "since", "until")
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
SECURITY_HEADERS = [
    ("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
                                "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
]

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass(frozen=True)
class SearchRequest:
    """The parameters of one search, read from a query string (names as in the CLI)."""

    q: str = ""
    within: str = "sentences"
    filters: tuple[tuple[str, str], ...] = ()
    limit: int = PAGE_SIZE
    page: int = 1

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    def params(self, **changes: Any) -> str:
        """Return the query string of this request with some parameters changed."""
        values: dict[str, Any] = {"q": self.q, "in": self.within, **dict(self.filters)}
        if self.limit != PAGE_SIZE:
            values["limit"] = self.limit
        values["page"] = self.page
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in (None, "") and not (k == "page" and v == 1)})


def read_request(query_string: str) -> SearchRequest:
    """Parse a query string into a :class:`SearchRequest`, or raise ``BadQuery``.

    Example:
        >>> read_request("q=tax&in=quotes&page=2").offset
        20
    """
    raw = parse_qs(query_string, keep_blank_values=False)

    def one(name: str) -> str:
        return (raw.get(name) or [""])[-1].strip()

    within = one("in") or "sentences"
    if within not in SEARCH_TARGETS:
        raise BadQuery(f"'in' must be one of {', '.join(SEARCH_TARGETS)}, not {within!r}")
    limit = _read_int(one("limit"), "limit", PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page = _read_int(one("page"), "page", 1, 1, 100_000)
    filters = tuple((name, one(name)) for name in FILTER_NAMES if one(name))
    return SearchRequest(q=one("q"), within=within, filters=filters, limit=limit, page=page)


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


class SearchApp:
    """The WSGI application over one corpus store, opened read-only once per serving thread."""

    def __init__(self, store_path: Path):
        self.store_path = Path(store_path)
        self._local = threading.local()
        self.env = Environment(loader=PackageLoader("policytext.web", "templates"),
                               autoescape=select_autoescape(default=True, default_for_string=True))
        self.env.filters["link"] = safe_link
        self.static = resources.files("policytext.web").joinpath("static")

    def store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.store_path, readonly=True)
            self._local.store = store
        return store

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO") or "/"
        if method not in ("GET", "HEAD"):
            return self._send(start_response, "405 Method Not Allowed", "text/plain; charset=utf-8",
                              "This page is read-only: only GET is allowed.\n", [("Allow", "GET, HEAD")])
        try:
            if path == "/":
                return self._page(environ, start_response)
            if path == "/api/search":
                return self._api(environ, start_response)
            if path.startswith("/static/"):
                return self._static(path[len("/static/"):], start_response)
        except PolicytextError as err:  # not a query problem: the store itself
            return self._send(start_response, "500 Internal Server Error", "text/plain; charset=utf-8",
                              f"Error: {err}\n")
        return self._send(start_response, "404 Not Found", "text/plain; charset=utf-8",
                          f"Nothing at {path}. The search page is at /.\n")

    def _send(self, start_response: StartResponse, status: str, content_type: str, body: str | bytes,
              extra: list[tuple[str, str]] | None = None) -> list[bytes]:
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = [("Content-Type", content_type), ("Content-Length", str(len(data))),
                   ("Cache-Control", "no-store"), *SECURITY_HEADERS, *(extra or [])]
        start_response(status, headers)
        return [data]

    def _api(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        try:
            request = read_request(environ.get("QUERY_STRING", ""))
            if not request.q:
                raise BadQuery(f"give a query in 'q'. {SYNTAX_HELP}.")
            result = search_corpus(self.store(), request.q, within=request.within,
                                   limit=request.limit, offset=request.offset, **dict(request.filters))
        except BadQuery as err:
            body = json.dumps({"error": str(err)}, ensure_ascii=False)
            return self._send(start_response, "400 Bad Request", "application/json; charset=utf-8", body)
        body = json.dumps(result.to_dict(), ensure_ascii=False)
        return self._send(start_response, "200 OK", "application/json; charset=utf-8", body)

    def _choices(self) -> dict[str, list[str]]:
        conn = self.store().conn
        governments = [row[0] for row in conn.execute(
            "SELECT government FROM documents WHERE government IS NOT NULL "
            "GROUP BY government ORDER BY MIN(date)")]
        kinds = [row[0] for row in conn.execute(
            "SELECT DISTINCT kind FROM documents WHERE kind IS NOT NULL ORDER BY kind")]
        return {"governments": governments, "kinds": kinds}

    def _page(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        error, result, request = None, None, SearchRequest()
        try:
            request = read_request(environ.get("QUERY_STRING", ""))
            if request.q:
                result = search_corpus(self.store(), request.q, within=request.within,
                                       limit=request.limit, offset=request.offset, **dict(request.filters))
        except BadQuery as err:
            error = str(err)
        pages = math.ceil(result.total / request.limit) if result else 0
        html = self.env.get_template("page.html").render(
            request=request, filters=dict(request.filters), result=result, error=error,
            pages=pages, targets=SEARCH_TARGETS, syntax=SYNTAX_HELP, Markup=Markup,
            **self._choices())
        status = "400 Bad Request" if error else "200 OK"
        return self._send(start_response, status, "text/html; charset=utf-8", html)

    def _static(self, name: str, start_response: StartResponse) -> list[bytes]:
        suffix = Path(name).suffix
        if "/" in name or name.startswith(".") or suffix not in STATIC_TYPES:
            return self._send(start_response, "404 Not Found", "text/plain; charset=utf-8", "Not found.\n")
        item = self.static.joinpath(name)
        if not item.is_file():
            return self._send(start_response, "404 Not Found", "text/plain; charset=utf-8", "Not found.\n")
        return self._send(start_response, "200 OK", STATIC_TYPES[suffix], item.read_bytes())


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Say nothing per request: the library does not print."""


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


def make_search_server(config: Config, *, host: str = "127.0.0.1", port: int = 8000) -> WSGIServer:
    """Return a threaded HTTP server for the corpus of ``config``, not yet serving.

    The store is opened writable once (to bring its schema and index up to date), then read-only
    by every request. Call ``serve_forever()`` on the result, and ``shutdown()`` to stop it.

    Example:
        >>> server = make_search_server(resolve_config("corpus"), port=0)  # doctest: +SKIP
        >>> threading.Thread(target=server.serve_forever, daemon=True).start()  # doctest: +SKIP
    """
    Corpus(config).close()  # raises CorpusNotFound with advice; migrates an older store
    app = SearchApp(config.store_path)
    try:
        return make_server(host, port, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
    except OSError as err:
        raise PolicytextError(f"cannot listen on {host}:{port} ({err.strerror or err}). "
                              "Pick another port with --port.") from err


def serve_corpus(config: Config, *, host: str = "127.0.0.1", port: int = 8000,
                 ready: Callable[[str], None] | None = None) -> None:
    """Serve the search page until interrupted; call ``ready`` with the page's URL once listening.

    Example:
        >>> serve_corpus(resolve_config("corpus"), port=8000, ready=print)  # doctest: +SKIP
    """
    server = make_search_server(config, host=host, port=port)
    shown_host = f"[{host}]" if ":" in host else host
    if ready is not None:
        ready(f"http://{shown_host}:{server.server_port}/")
    try:
        server.serve_forever()
    finally:
        server.server_close()
