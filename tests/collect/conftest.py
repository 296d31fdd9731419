"""A real HTTP server on 127.0.0.1 for the web collectors, and a GOV.UK look-alike built on it.

``site`` serves whatever a test registers (fixed responses or handlers) and logs every request.
``govuk_site`` serves the real Content API items in ../shared/data/govuk/speech/ through a Search
API and a Content API of GOV.UK's shape; the search results are built from the items on the fly.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from helpers import shared_data
from policytext.corpus import open_corpus

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (timeouts)
    length: bool = True  # send Content-Length (else the body ends when the connection closes)
    trickle: float = 0.0  # send one byte every this many seconds (a server that holds a fetch)
    trickle_headers: bool = False  # trickle the status line and headers too, not only the body


@dataclass
class Request:
    path: str  # with the query string
    headers: dict[str, str]

    @property
    def route(self) -> str:
        return urlsplit(self.path).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.path).query)


Route = Reply | Callable[[Request], Reply] | list[Reply]


class LocalSite:
    """Routes and a request log for the server; ``url()`` builds addresses on it."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.port = 0
        self.lock = threading.Lock()

    def url(self, path: str = "/", *, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def add(self, path: str, route: Route | str | bytes, **reply: Any) -> None:
        if isinstance(route, (str, bytes)):
            route = Reply(body=route, **reply)
        self.routes[path] = route

    def add_sequence(self, path: str, *replies: dict[str, Any]) -> None:
        """Answer ``path`` with these replies in turn, repeating the last one."""
        self.routes[path] = [Reply(**reply) for reply in replies]

    @staticmethod
    def reply(body: bytes | str = b"", **fields: Any) -> Reply:
        """Build a reply for a handler registered with :meth:`add`."""
        return Reply(body=body, **fields)

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.route == path)

    def answer(self, request: Request) -> Reply:
        with self.lock:
            self.requests.append(request)
            route = self.routes.get(request.route)
            if isinstance(route, list):  # a sequence of replies, the last one repeated
                reply = route.pop(0) if len(route) > 1 else route[0]
                return reply
        if route is None:
            return Reply(status=404, body=b"not found", content_type="text/plain")
        return route(request) if callable(route) else route


def _handler(site: LocalSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:  # noqa: N802 - http.server's hook
            request = Request(self.path, {k: v for k, v in self.headers.items()})
            reply = site.answer(request)
            if reply.delay:
                time.sleep(reply.delay)
            body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
            if reply.trickle:
                self._trickle(reply, body)
                return
            try:
                self.send_response(reply.status)
                if reply.content_type:
                    self.send_header("Content-Type", reply.content_type)
                if reply.length:
                    self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if reply.status != 304:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _trickle(self, reply: Reply, body: bytes) -> None:
            head = [f"HTTP/1.0 {reply.status} OK"]
            if reply.content_type:
                head.append(f"Content-Type: {reply.content_type}")
            head.append(f"Content-Length: {len(body)}")
            head.extend(f"{name}: {value}" for name, value in reply.headers.items())
            head_bytes = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
            slow = head_bytes + body if reply.trickle_headers else body
            try:
                if not reply.trickle_headers:
                    self.wfile.write(head_bytes)
                    self.wfile.flush()
                for index in range(len(slow)):
                    self.wfile.write(slow[index:index + 1])
                    self.wfile.flush()
                    time.sleep(reply.trickle)
            except OSError:
                pass  # the client gave up

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def site():
    """A real HTTP server on 127.0.0.1 (a random free port) serving the test's routes."""
    local = LocalSite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(local))
    server.daemon_threads = True
    local.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield local
    server.shutdown()
    server.server_close()


FAST = {"requests_per_second": 1000.0, "timeout_seconds": 2.0, "retry_backoff_seconds": 0.01,
        "max_retries": 2}


@pytest.fixture
def corpus(tmp_path: Path):
    """An empty corpus whose fetcher does not wait between requests (tests only)."""
    with open_corpus(tmp_path / "corpus", create=True, **FAST) as opened:
        yield opened


def read_fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# ------------------------------------------------------------------------------ GOV.UK


def _slugs(item: dict[str, Any], *names: str) -> set[str]:
    links = item.get("links") or {}
    return {str(link.get("base_path", "")).rstrip("/").rsplit("/", 1)[-1]
            for name in names for link in links.get(name) or []}


def _instant(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


class GovukSite:
    """GOV.UK's Search and Content APIs over the real example items (held in memory)."""

    def __init__(self, local: LocalSite, items: list[dict[str, Any]]):
        self.local = local
        self.items = {item["base_path"]: item for item in items}
        local.add("/api/search.json", self.search)
        for base_path in self.items:
            local.add(f"/api/content{base_path}", self.content)

    @property
    def base_url(self) -> str:
        return self.local.url("").rstrip("/")

    # Like GOV.UK's, the search endpoint refuses unknown parameters and field names (HTTP 422).
    PARAMETERS = {"filter_content_store_document_type", "filter_public_timestamp",
                  "filter_organisations", "filter_people", "order", "start", "count", "fields"}
    FIELDS = {"link", "title", "public_timestamp", "content_store_document_type", "description"}

    def search(self, request: Request) -> Reply:
        query = request.query
        unknown = sorted(set(query) - self.PARAMETERS) + sorted(set(query.get("fields", [])) - self.FIELDS)
        if unknown:
            return Reply(status=422, body=json.dumps({"error": f"unknown: {unknown}"}),
                         content_type="application/json")
        types = set(query.get("filter_content_store_document_type", []))
        rows = [i for i in self.items.values() if not types or i["document_type"] in types]
        for bound in query.get("filter_public_timestamp", []):
            for part in bound.split(","):
                name, _, day = part.partition(":")
                if name == "from":
                    rows = [i for i in rows if i["public_updated_at"][:10] >= day]
                elif name == "to":
                    rows = [i for i in rows if i["public_updated_at"][:10] <= day]
        for org in query.get("filter_organisations", []):
            rows = [i for i in rows if org in _slugs(i, "organisations")]
        for person in query.get("filter_people", []):
            rows = [i for i in rows if person in _slugs(i, "people", "speaker")]
        rows.sort(key=lambda i: (_instant(i["public_updated_at"]), i["base_path"]))
        start = int(query.get("start", ["0"])[0])
        count = int(query.get("count", ["20"])[0])
        results = [{"link": i["base_path"], "title": i["title"],
                    "public_timestamp": i["public_updated_at"],
                    "content_store_document_type": i["document_type"]}
                   for i in rows[start:start + count]]
        body = json.dumps({"results": results, "total": len(rows), "start": start})
        return Reply(body=body, content_type="application/json")

    def content(self, request: Request) -> Reply:
        base_path = request.route[len("/api/content"):]
        return Reply(body=json.dumps(self.items[base_path]), content_type="application/json")

    def content_hits(self) -> int:
        return sum(1 for r in self.local.requests if r.route.startswith("/api/content/"))


def load_govuk_items() -> list[dict[str, Any]]:
    folder = shared_data("govuk", "speech")
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))]


@pytest.fixture
def govuk_site(site: LocalSite) -> GovukSite:
    """The GOV.UK look-alike, serving the 11 real example items."""
    return GovukSite(site, load_govuk_items())
