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
