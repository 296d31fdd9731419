"""Fixtures of the web tests: the search page served over a real corpus on 127.0.0.1, and chromium."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def web_corpus(sotu_path) -> Path:
    return sotu_path


@pytest.fixture(scope="session")
def base_url(web_corpus):
    """The URL of a running search server (port chosen by the system), stopped after the session."""
    from policytext.config import resolve_config
    from policytext.web import make_search_server

    server = make_search_server(resolve_config(web_corpus), host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def chromium_executable() -> str | None:
    candidates = [os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE"), "/usr/bin/chromium",
                  shutil.which("chromium"), shutil.which("chromium-browser")]
    return next((c for c in candidates if c and Path(c).is_file()), None)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_executable()
    if executable is None:
        pytest.skip("needs Debian's chromium (apt-get install chromium; .ci/run installs it in CI)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(base_url=base_url)
    # Refuse anything not served by our own server: the page must need nothing from the internet.
    outside: list[str] = []

    def guard(route):
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.outside_requests = outside
    yield page
    context.close()


def _serve(folder: Path):
    """Serve the corpus in ``folder`` on a free port of 127.0.0.1; yield its URL; stop it after."""
    from policytext.config import resolve_config
    from policytext.web import make_search_server

    server = make_search_server(resolve_config(folder), host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


FORMULA_SENTENCE = '=HYPERLINK("http://example.org/x","the click")'
"""A stored sentence a spreadsheet would run as a formula: a download must defuse it."""


@pytest.fixture(scope="session")
def big_corpus(web_corpus, tmp_path_factory) -> Path:
    """The web corpus with its addresses copied (plain SQL) until "the" matches more than 5,000 sentences.

    5,000 was the old cap of the CSV download; one more sentence holds a spreadsheet formula.
    """
    import sqlite3

    folder = tmp_path_factory.mktemp("big-corpus")
    source = sqlite3.connect(web_corpus / "policytext.db")
    target = sqlite3.connect(folder / "policytext.db")
    source.backup(target)
    source.close()
    target.isolation_level = None
    base = target.execute("SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH 'the'").fetchone()[0]
    target.execute("BEGIN")
    for copy in range(1, 5000 // base + 2):
        target.execute(
            "INSERT INTO documents (id, source, source_id, url, title, text, date, speaker, party, kind, country, "
            "government, publisher, content_sha256, words, collected_at, updated_at) "
            "SELECT id || ':' || ?1, source, source_id || ':' || ?1, url, title, text, date, speaker, party, kind, "
            "country, government, publisher, content_sha256, words, collected_at, updated_at FROM documents "
            "WHERE id NOT LIKE '%:%'", (copy,))
        target.execute(
            "INSERT INTO sentences (doc_id, idx, start_char, end_char, text) SELECT doc_id || ':' || ?1, idx, "
            "start_char, end_char, text FROM sentences WHERE doc_id NOT LIKE '%:%'", (copy,))
    doc = target.execute("SELECT id FROM documents WHERE id LIKE '%:1' LIMIT 1").fetchone()[0]
    target.execute("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, 100000, 0, ?, ?)",
                   (doc, len(FORMULA_SENTENCE), FORMULA_SENTENCE))
    target.execute("COMMIT")
    target.close()
    return folder


@pytest.fixture(scope="session")
def big_url(big_corpus):
    """A running search server over :func:`big_corpus`."""
    yield from _serve(big_corpus)


PARLIAMENT_SPEECHES = [
    # (source id, speaker, post on the day, role, side, party, text)
    ("m1", "Ann Minister", "Minister of State, Cabinet Office", "minister", "government", "Labour",
     "We trust local councils to run their services.\n\nTrust is earned by results."),
    ("s1", "Sam Shadow", "Shadow Chancellor of the Exchequer", "shadow", "opposition", "Conservative",
     "The public no longer trust the Chancellor's figures.\n\nWe would restore trust in the budget."),
    ("b1", "Bea Backbench", None, "backbencher", "government", "Labour",
     "My constituents trust their local hospital and want it kept open."),
]


@pytest.fixture(scope="session")
def parliament_corpus(tmp_path_factory) -> Path:
    """Three Commons speeches with each speaker's post, role and side on the day (sentences split by line)."""
    from policytext.corpus import open_corpus
    from policytext.records import Document

    folder = tmp_path_factory.mktemp("parliament-corpus")
    with open_corpus(folder, create=True) as corpus:
        corpus.write([Document(source="hansard", source_id=sid, title="Public Services", date="2009-10-27",
                               speaker=speaker, speaker_role=post, role=role, side=side, party=party,
                               kind="debate", country="GB", text=text)
                      for sid, speaker, post, role, side, party, text in PARLIAMENT_SPEECHES], stage="test")
        conn = corpus.store.conn
        with corpus.store.transaction():
            for doc_id, text in conn.execute("SELECT id, text FROM documents").fetchall():
                start = 0
                for idx, line in enumerate(text.split("\n\n")):
                    conn.execute("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) "
                                 "VALUES (?, ?, ?, ?, ?)", (doc_id, idx, start, start + len(line), line))
                    start += len(line) + 2
    return folder


@pytest.fixture(scope="session")
def parliament_url(parliament_corpus):
    """A running search server over :func:`parliament_corpus`."""
    yield from _serve(parliament_corpus)


@pytest.fixture
def parliament_page(browser, parliament_url):
    context = browser.new_context(base_url=parliament_url)
    page = context.new_page()
    yield page
    context.close()
