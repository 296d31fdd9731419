"""The page's quote check (/verify, /api/verify) and its "by meaning" toggle: over HTTP, in chromium, and by meaning."""
from __future__ import annotations

import json
import wsgiref.util
from urllib.parse import quote, urlencode

import pytest

from policytext.web.verify_page import diff_html, read_verify_request
from web.test_app import fetch

QUOTE = "the Constitution makes us rivals for power"


def test_api_verify_gives_the_librarys_verdict_with_its_evidence(base_url, web_corpus) -> None:
    from policytext.corpus import open_corpus
    from policytext.verify import verify_quote

    status, headers, body = fetch(f"{base_url}/api/verify?{urlencode({'quote': QUOTE, 'speaker': 'Kennedy'})}")
    assert status == 200 and headers["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(body)
    with open_corpus(web_corpus, readonly=True) as corpus:
        expected = verify_quote(corpus, QUOTE, speaker="Kennedy", meaning=False)
    assert data["verdict"] == expected.verdict == "altered" and data["changes"] == ["negation"]
    assert data["diff"] == expected.best.diff and data["passages"][0]["citation"] == expected.best.citation


@pytest.mark.parametrize(("params", "status", "message"), [
    ("", 400, "give the quote to check in 'quote'"),
    ("quote=too+short", 400, "too short to check"),
    ("quote=" + "word+" * 400, 400, "check at most 1,000"),
    (f"quote={quote(QUOTE)}&since=1962-13", 400, "since"),
])
def test_api_verify_refuses_bad_requests_with_a_reason(base_url, params, status, message) -> None:
    code, _, body = fetch(f"{base_url}/api/verify?{params}")
    assert code == status and message in json.loads(body)["error"]


def test_the_verify_page_without_a_quote_shows_the_box(base_url) -> None:
    status, headers, body = fetch(f"{base_url}/verify")
    assert status == 200 and 'id="verify-box"' in body and 'id="verdict"' not in body
    assert "Content-Security-Policy" in headers


def test_diff_html_escapes_and_marks_both_sides() -> None:
    assert str(diff_html("a [-<i>not</i>-] b {+never+} c")) == "a <del>&lt;i&gt;not&lt;/i&gt;</del> b <ins>never</ins> c"
    assert read_verify_request("quote=%E2%80%98trust%E2%80%99&since=2015").since == "2015"


@pytest.mark.browser
def test_check_a_quote_from_the_search_page(page) -> None:
    page.goto("/")
    page.fill("#quote", QUOTE)
    page.fill("#quote-speaker", "Kennedy")
    with page.expect_navigation():
        page.click("#verify-go")
    assert "/verify?" in page.url
    assert page.inner_text("#verdict-name") == "altered"
    evidence = page.locator(".passage").first
    assert evidence.locator("del").first.inner_text() == "not"  # the word the quote dropped, struck through
    assert "John F. Kennedy" in evidence.locator(".citation").inner_text()
    assert evidence.locator("a.source").get_attribute("href").startswith("https://www.presidency.ucsb.edu/")
    assert "negation" in page.inner_text("#changes")
    assert page.input_value("#quote") == QUOTE  # the box keeps the quote, to change and check again
    assert page.outside_requests == []


@pytest.mark.browser
def test_the_by_meaning_toggle_asks_for_vectors_when_the_corpus_has_none(page) -> None:
    page.goto("/")
    page.fill("#q", "the age of big government has ended")
    page.check("#meaning")
    with page.expect_navigation():
        page.click("#go")
    assert "meaning=1" in page.url and page.is_checked("#meaning")
    assert "policytext embed" in page.inner_text("#error") or "cannot search by meaning" in page.inner_text("#error")


def _get(app, path: str, query: str) -> tuple[str, str]:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": "127.0.0.1"}
    wsgiref.util.setup_testing_defaults(environ)
    answer = {}
    body = b"".join(app(environ, lambda status, headers: answer.setdefault("status", status)))
    return answer["status"], body.decode("utf-8")


CLINTON_1996 = ("Our economy is the healthiest in three decades. We know big Government does not have all the answers. "
                "The era of big Government is over. But we cannot go back to the time when our citizens were left "
                "to fend for themselves.")


def _write_clinton_1996(corpus, nlp) -> None:
    """Store four sentences of Clinton's 1996 address as one document with its spaCy sentences."""
    from policytext.records import Document

    corpus.write([Document(source="test", source_id="c", text=CLINTON_1996, speaker="William J. Clinton",
                           date="1996-01-23", title="State of the Union", kind="speech")], stage="test")
    [(doc_id, stored)] = corpus.store.conn.execute("SELECT id, text FROM documents").fetchall()
    with corpus.store.transaction() as conn:
        conn.executemany("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, ?, ?, ?, ?)",
                         [(doc_id, i, s.start_char, s.end_char, s.text) for i, s in enumerate(nlp(stored).sents)])


def test_search_by_meaning_on_the_page_ranks_the_paraphrased_line_first(tmp_path, nlp, embedder) -> None:
    from policytext.corpus import open_corpus
    from policytext.search.meaning import embed_corpus
    from policytext.web import SearchApp

    with open_corpus(tmp_path / "corpus", create=True) as corpus:
        _write_clinton_1996(corpus, nlp)
        embed_corpus(corpus, embedder=embedder)
        path = corpus.store.path
    app = SearchApp(path, cache=False)
    app.meaning._embedder = embedder  # the session's loaded model: the app would load the same one
    try:
        status, body = _get(app, "/", "q=the+age+of+large+government+has+ended&meaning=1")
        assert status == "200 OK", body
        assert "4 sentences compared by meaning with" in body
        first = body.split('<li class="hit"', 2)[1]
        assert "The era of big <mark>Government</mark> is over." in first
        status, body = _get(app, "/api/search", "q=the+age+of+large+government+has+ended&meaning=1&limit=1")
        assert status == "200 OK" and json.loads(body)["hits"][0]["text"] == "The era of big Government is over."
        status, body = _get(app, "/api/search", "q=government&meaning=1&in=quotes")
        assert status.startswith("400") and "sentences only" in json.loads(body)["error"]
    finally:
        app.close()


WORDLLAMA = "wordllama-l2-supercat-256"


def test_the_served_page_searches_and_checks_with_the_meaning_model_setting(tmp_path, nlp) -> None:
    """A corpus embedded with the model its settings name: the page read the default model's (absent) vectors.

    The server warms that model as it starts (the first quote check after start-up took 1,056 ms,
    most of it reading the vectors; on the page, loading the model took seconds more)."""
    import threading

    pytest.importorskip("wordllama", reason="needs the wordllama extra: pip install 'policytext[wordllama]'")
    from policytext.config import resolve_config
    from policytext.corpus import open_corpus
    from policytext.search.meaning import embed_corpus, load_embedder
    from policytext.web import make_search_server

    config = resolve_config(tmp_path / "corpus", {"meaning_model": WORDLLAMA})
    with open_corpus(config=config, create=True) as corpus:
        _write_clinton_1996(corpus, nlp)
        assert embed_corpus(corpus, embedder=load_embedder(WORDLLAMA)).embedded == 4
    server = make_search_server(config, host="127.0.0.1", port=0)
    assert server.app.meaning._embedder is not None  # warmed at start: the first request loads nothing
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        status, _, body = fetch(f"{base}/api/search?q=the+age+of+large+government+has+ended&meaning=1&limit=1")
        assert status == 200, body
        assert json.loads(body)["model"] == WORDLLAMA
        status, _, body = fetch(f"{base}/api/verify?{urlencode({'quote': 'we will send people to Mars soon', 'speaker': 'Clinton'})}")
        assert status == 200 and json.loads(body)["paraphrase_checked"] is True, body  # the setting's vectors
    finally:
        server.shutdown()
        thread.join(30)


@pytest.mark.parametrize(("level", "said"), [("possible paraphrase", "is a lead, not a finding"),
                                               ("paraphrase", "stands out from everything else they said")])
def test_the_page_says_what_a_paraphrase_verdict_means(tmp_path, level, said) -> None:
    from policytext.verify.check import Coverage, Verdict
    from policytext.web import SearchApp

    verdict = Verdict(quote="the age of large government has ended", speaker="Clinton", verdict=level,
                      similarity=0.6, note="a note", coverage=Coverage(1, "1996", "1996", 1), passages=())
    app = SearchApp(tmp_path / "policytext.db", cache=False)  # the page's own templates (no store opened)
    page = app.env.get_template("verify.html").render(check=read_verify_request("quote=x"), verdict=verdict,
                                                      error=None, diff_html=diff_html)
    assert 'id="verdict-explained"' in page and said in page
