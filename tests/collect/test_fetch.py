"""The fetcher against a real HTTP server on 127.0.0.1: schemes, robots.txt, retries, limits, cache."""
from __future__ import annotations

import gzip
import hashlib
import time
import tracemalloc
import zlib

import pytest

from policytext.collect.cache import ResponseCache
from policytext.collect.fetch import (
    Fetcher,
    check_url,
    gunzip_if_needed,
    parse_retry_after,
    same_site,
    split_content_type,
)
from policytext.errors import FetchError


class Clock:
    """A clock the fetcher's rate limiter reads; its sleeps advance it (and are recorded)."""

    def __init__(self):
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def make_fetcher(corpus, clock=None, **settings):
    config = corpus.config.with_changes(**settings)
    cache = ResponseCache(corpus.path / "cache", corpus.store)
    if clock is None:
        return Fetcher(config, cache=cache)
    return Fetcher(config, cache=cache, sleep=clock.sleep, clock=clock)


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.org/a#top", "https://example.org/a"),
    ("HTTP://Example.org", "http://Example.org/"),
    ("http://127.0.0.1:8000/x?y=1", "http://127.0.0.1:8000/x?y=1"),
])
def test_check_url_accepts_http(url, expected):
    assert check_url(url) == expected


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)",
                                 "data:text/html,hi", "/just/a/path", "http:///nohost"])
def test_check_url_refuses_other_schemes(url):
    with pytest.raises(FetchError, match="only http and https|names no host"):
        check_url(url)


@pytest.mark.parametrize(("value", "seconds"), [("1", 1.0), ("120", 120.0), ("", None), ("soon", None),
                                                ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)])
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value) == seconds


@pytest.mark.parametrize(("value", "expected"), [
    ("text/html; charset=UTF-8", ("text/html", "utf-8")),
    ('application/xml;charset="iso-8859-1"', ("application/xml", "iso-8859-1")),
    ("TEXT/HTML", ("text/html", None)),
    (None, (None, None)),
])
def test_split_content_type(value, expected):
    assert split_content_type(value) == expected


@pytest.mark.parametrize(("first", "second", "same"), [
    ("https://www.example.org/a", "http://example.org/b", True),
    ("https://example.org/a", "https://example.com/a", False),
    ("http://127.0.0.1:1/a", "http://localhost:1/a", False),
])
def test_same_site(first, second, same):
    assert same_site(first, second) is same


def test_fetch_sends_user_agent_and_caches_compressed(corpus, site):
    site.add("/page", "<html><body>Hello</body></html>")
    response = make_fetcher(corpus).fetch(site.url("/page"))
    assert response.status == 200 and response.content_type == "text/html"
    assert response.charset == "utf-8"
    assert "policytext" in site.requests[-1].headers["User-Agent"]
    digest = hashlib.sha256(b"<html><body>Hello</body></html>").hexdigest()
    assert response.body_sha256 == digest
    blob = corpus.path / "cache" / digest[:2] / f"{digest}.gz"
    assert gzip.decompress(blob.read_bytes()) == b"<html><body>Hello</body></html>"


def test_robots_txt_disallow_is_obeyed(corpus, site):
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.add("/private/page", "secret")
    site.add("/public", "fine")
    fetcher = make_fetcher(corpus)
    with pytest.raises(FetchError, match="robots.txt disallows it for policytext"):
        fetcher.fetch(site.url("/private/page"))
    assert site.hits("/private/page") == 0
    assert fetcher.fetch(site.url("/public")).body == b"fine"
    assert site.hits("/robots.txt") == 1  # read once per host


def test_robots_txt_rules_for_policytext_by_name(corpus, site):
    site.add("/robots.txt", "User-agent: policytext\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
             content_type="text/plain")
    site.add("/page", "x")
    with pytest.raises(FetchError, match="disallows"):
        make_fetcher(corpus).fetch(site.url("/page"))


def test_forbidden_robots_txt_means_no_crawling(corpus, site):
    site.add("/robots.txt", "no", status=403, content_type="text/plain")
    site.add("/page", "x")
    with pytest.raises(FetchError, match="robots.txt is forbidden"):
        make_fetcher(corpus).fetch(site.url("/page"))
    assert site.hits("/page") == 0


def test_429_with_retry_after_is_honoured(corpus, site):
    site.add_sequence("/busy", {"status": 429, "body": "slow down", "headers": {"Retry-After": "1"}},
                      {"body": "done"})
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        time.sleep(seconds)

    fetcher = Fetcher(corpus.config, cache=ResponseCache(corpus.path / "cache", corpus.store), sleep=sleep)
    assert fetcher.fetch(site.url("/busy")).body == b"done"
    assert site.hits("/busy") == 2
    assert 1.0 in waits


def test_5xx_retried_then_reported(corpus, site):
    site.add("/down", "unavailable", status=503, content_type="text/plain")
    with pytest.raises(FetchError, match=r"HTTP 503 Service Unavailable \(gave up after 3 attempts\)"):
        make_fetcher(corpus).fetch(site.url("/down"))
    assert site.hits("/down") == 3


def test_retry_after_too_long_fails_at_once(corpus, site):
    site.add("/later", "", status=503, headers={"Retry-After": "3600"})
    with pytest.raises(FetchError, match="asks to wait 3600 s"):
        make_fetcher(corpus, max_retry_after_seconds=60).fetch(site.url("/later"))
    assert site.hits("/later") == 1


def test_timeout(corpus, site):
    site.add("/slow", "late", delay=1.0)
    with pytest.raises(FetchError, match=r"timed out after 0.3 s \(gave up after 1 attempts\)"):
        make_fetcher(corpus, timeout_seconds=0.3, max_retries=0).fetch(site.url("/slow"))


@pytest.mark.parametrize("declared", [True, False])
def test_maximum_response_size(corpus, site, declared):
    site.add("/big", b"x" * 5000, length=declared)
    with pytest.raises(FetchError, match="over the limit of 1,000"):
        make_fetcher(corpus, max_response_bytes=1000).fetch(site.url("/big"))


@pytest.mark.parametrize(("status", "message"), [(404, "HTTP 404 Not Found: the page is not there"),
                                                 (410, "HTTP 410 Gone"), (403, "HTTP 403 Forbidden")])
def test_http_errors(corpus, site, status, message):
    site.add("/x", "no", status=status)
    with pytest.raises(FetchError, match=message):
        make_fetcher(corpus).fetch(site.url("/x"))


def test_redirect_within_host_is_followed(corpus, site):
    site.add("/old", "", status=301, headers={"Location": "/new"})
    site.add("/new", "<p>moved</p>")
    response = make_fetcher(corpus).fetch(site.url("/old"))
    assert response.final_url == site.url("/new") and response.url == site.url("/old")


def test_redirect_to_another_host_is_followed_under_that_hosts_robots_txt(corpus, site):
    # "localhost" is another host name for the same server on 127.0.0.1
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.add("/away", "", status=302, headers={"Location": site.url("/there", host="localhost")})
    site.add("/there", "elsewhere")
    site.add("/sneaky", "", status=302, headers={"Location": site.url("/private/x", host="localhost")})
    site.add("/private/x", "secret")
    fetcher = make_fetcher(corpus)
    response = fetcher.fetch(site.url("/away"))
    assert response.final_url == site.url("/there", host="localhost") and response.body == b"elsewhere"
    with pytest.raises(FetchError, match="redirected to .*localhost.*/private/x, which is not fetched: "
                                         ".*robots.txt disallows it"):
        fetcher.fetch(site.url("/sneaky"))
    assert site.hits("/private/x") == 0
    assert site.hits("/robots.txt") == 2  # once for each host name


def test_redirect_to_another_host_is_refused_when_the_setting_is_off(corpus, site):
    site.add("/away", "", status=302, headers={"Location": site.url("/there", host="localhost")})
    site.add("/there", "elsewhere")
    with pytest.raises(FetchError, match="redirected to another host .*localhost.*follow_cross_host_redirects"):
        make_fetcher(corpus, follow_cross_host_redirects=False).fetch(site.url("/away"))
    assert site.hits("/there") == 0


def test_redirect_to_file_scheme_is_refused(corpus, site):
    site.add("/trick", "", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match="redirected to a URL that is not fetched"):
        make_fetcher(corpus).fetch(site.url("/trick"))


def test_redirect_loop(corpus, site):
    site.add("/loop", "", status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchError, match="more than 5 redirects"):
        make_fetcher(corpus).fetch(site.url("/loop"))


def test_etag_makes_the_next_request_conditional(corpus, site):
    def page(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return site.reply(status=304, headers={"ETag": '"v1"'})
        return site.reply("<p>version one</p>", headers={"ETag": '"v1"'})

    site.add("/p", page)
    first = make_fetcher(corpus).fetch(site.url("/p"))
    second = make_fetcher(corpus).fetch(site.url("/p"))
    assert not first.not_modified and second.not_modified
    assert second.body == first.body == b"<p>version one</p>"
    assert site.requests[-1].headers.get("If-None-Match") == '"v1"'


def test_last_modified_makes_the_next_request_conditional(corpus, site):
    stamp = "Wed, 03 Jun 2015 09:00:00 GMT"

    def page(request):
        if request.headers.get("If-Modified-Since") == stamp:
            return site.reply(status=304)
        return site.reply("<p>old news</p>", headers={"Last-Modified": stamp})

    site.add("/p", page)
    make_fetcher(corpus).fetch(site.url("/p"))
    assert make_fetcher(corpus).fetch(site.url("/p")).not_modified
    assert make_fetcher(corpus).fetch(site.url("/p"), conditional=False).not_modified is False


def test_gzip_content_encoding_is_decoded(corpus, site):
    site.add("/z", gzip.compress(b"<p>squeezed</p>"), headers={"Content-Encoding": "gzip"})
    assert make_fetcher(corpus).fetch(site.url("/z")).body == b"<p>squeezed</p>"


def test_rate_limit_spaces_requests_per_host(corpus, site):
    site.add("/a", "a")
    clock = Clock()
    fetcher = make_fetcher(corpus, clock, requests_per_second=2.0)
    for _ in range(3):
        fetcher.fetch(site.url("/a"), conditional=False)
    # robots.txt, then three pages: each waits its turn, half a second apart.
    assert clock.sleeps == [0.5, 0.5, 0.5]
    # Another host has its own turn: its robots.txt goes at once, its page half a second later.
    fetcher.fetch(site.url("/a", host="localhost"), conditional=False)
    assert clock.sleeps == [0.5, 0.5, 0.5, 0.5]


def test_crawl_delay_slows_the_host_down(corpus, site):
    site.add("/robots.txt", "User-agent: *\nCrawl-delay: 3\n", content_type="text/plain")
    site.add("/a", "a")
    clock = Clock()
    fetcher = make_fetcher(corpus, clock, requests_per_second=10.0)
    fetcher.fetch(site.url("/a"), conditional=False)
    fetcher.fetch(site.url("/a"), conditional=False)
    assert clock.sleeps[-1] == 3.0


def test_load_cached_works_offline(corpus, site):
    site.add("/p", "<p>kept</p>")
    make_fetcher(corpus).fetch(site.url("/p"))
    offline = make_fetcher(corpus)
    cached = offline.load_cached(site.url("/p"))
    assert cached.body == b"<p>kept</p>" and cached.from_cache
    assert offline.load_cached(site.url("/never")) is None
    assert offline.requests_made == 0


def test_unreachable_host_is_reported(corpus):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="robots.txt could not be read .*connection failed.*try later"):
        make_fetcher(corpus, max_retries=1).fetch(f"http://127.0.0.1:{port}/page")


def test_robots_txt_server_error_means_wait(corpus, site):
    site.add("/robots.txt", "", status=503)
    site.add("/page", "x")
    with pytest.raises(FetchError, match="robots.txt could not be read .*HTTP 503"):
        make_fetcher(corpus).fetch(site.url("/page"))
    assert site.hits("/page") == 0


def test_damaged_cache_blob_is_fetched_again_in_full(corpus, site):
    def page(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return site.reply(status=304)
        return site.reply("<p>whole</p>", headers={"ETag": '"v1"'})

    site.add("/p", page)
    first = make_fetcher(corpus).fetch(site.url("/p"))
    blob = corpus.path / "cache" / first.body_sha256[:2] / f"{first.body_sha256}.gz"
    blob.write_bytes(gzip.compress(b"tampered"))
    again = make_fetcher(corpus).fetch(site.url("/p"))
    assert "If-None-Match" not in site.requests[-1].headers  # no 304 for a body we no longer have
    assert again.body == b"<p>whole</p>" and not again.not_modified
    assert gzip.decompress(blob.read_bytes()) == b"<p>whole</p>"  # the cache is repaired


def test_redirected_robots_txt_is_followed(corpus, site):
    site.add("/robots.txt", "", status=301, headers={"Location": "/rules/robots.txt"})
    site.add("/rules/robots.txt", "User-agent: *\nDisallow: /drafts/\n", content_type="text/plain")
    site.add("/drafts/post", "draft")
    with pytest.raises(FetchError, match="disallows"):
        make_fetcher(corpus).fetch(site.url("/drafts/post"))
    assert site.hits("/drafts/post") == 0


# ------------------------------------------------------------------------------ bounds


def gzip_bomb(expanded: int, *, prefix: bytes = b"") -> bytes:
    """A small gzip stream that expands to ``expanded`` bytes (built without holding them)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(prefix)]
    block = b" " * (1 << 20)
    for _ in range(expanded // len(block)):
        parts.append(packer.compress(block))
    parts.append(packer.flush())
    return b"".join(parts)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    body = gzip_bomb(64 << 20)
    assert len(body) < 100_000  # 64 MB once expanded
    return body


def peak_bytes_during(action) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_gzip_bomb_body_stops_at_the_cap(corpus, site, bomb):
    site.add("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    fetcher = make_fetcher(corpus, max_response_bytes=1_000_000)

    def fetch():
        with pytest.raises(FetchError, match=r"the gzip body expands to more than the limit of "
                                             r"1,000,000 bytes \(setting max_response_bytes\)"):
            fetcher.fetch(site.url("/bomb"))

    assert peak_bytes_during(fetch) < 8_000_000  # never the 64 MB the bomb expands to


@pytest.mark.parametrize("wrapped", [True, False])
def test_deflate_content_encoding_zlib_wrapped_or_raw(corpus, site, wrapped):
    packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
    site.add("/d", packer.compress(b"<p>deflated</p>") + packer.flush(), headers={"Content-Encoding": "deflate"})
    assert make_fetcher(corpus).fetch(site.url("/d")).body == b"<p>deflated</p>"


def test_body_within_the_cap_once_expanded_is_kept_whole(corpus, site):
    body = b"<p>" + b"policy " * 100_000 + b"</p>"  # 700 kB, a few kB on the wire
    site.add("/z", gzip.compress(body), headers={"Content-Encoding": "gzip"})
    assert make_fetcher(corpus, max_response_bytes=len(body)).fetch(site.url("/z")).body == body


def test_damaged_gzip_body(corpus, site):
    site.add("/z", b"\x1f\x8b\x08\x00garbage", headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="a damaged gzip body"):
        make_fetcher(corpus).fetch(site.url("/z"))


def test_gzip_file_bomb_stops_at_the_cap(bomb):
    def expand():
        with pytest.raises(FetchError, match=r"the gzip file expands to more than the limit of "
                                             r"1,000,000 bytes \(setting max_response_bytes\)"):
            gunzip_if_needed(bomb, max_bytes=1_000_000)

    assert peak_bytes_during(expand) < 8_000_000


def test_gzip_file_members_and_truncation():
    assert gunzip_if_needed(gzip.compress(b"<urlset>") + gzip.compress(b"</urlset>"), max_bytes=17) == \
        b"<urlset></urlset>"
    with pytest.raises(FetchError, match="more than the limit of 16 bytes"):
        gunzip_if_needed(gzip.compress(b"<urlset>") + gzip.compress(b"</urlset>"), max_bytes=16)
    with pytest.raises(FetchError, match="a damaged gzip file: it ends before its compressed data does"):
        gunzip_if_needed(gzip.compress(b"<urlset></urlset>" * 10)[:-12], max_bytes=1000)
    assert gunzip_if_needed(b"<urlset/>", max_bytes=1) == b"<urlset/>"  # not gzip: as it is


@pytest.mark.parametrize("headers_too", [False, True])
def test_timeout_bounds_the_whole_request(corpus, site, headers_too):
    # One byte every 0.5 s: every read succeeds in time, but the page would take ~20 s.
    site.add("/trickle", b"<p>" + b"x" * 40 + b"</p>", trickle=0.5, trickle_headers=headers_too)
    fetcher = make_fetcher(corpus, timeout_seconds=2, max_retries=0)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 2 s \(gave up after 1 attempts\)"):
        fetcher.fetch(site.url("/trickle"))
    assert 1.9 < time.monotonic() - started < 4.0  # ~2 s; the slack is for a busy machine


def test_whole_request_timeout_with_retries(corpus, site):
    site.add("/trickle", b"x" * 40, trickle=0.2)
    fetcher = make_fetcher(corpus, timeout_seconds=0.5, max_retries=1, retry_backoff_seconds=0.01)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0.5 s \(gave up after 2 attempts\)"):
        fetcher.fetch(site.url("/trickle"))
    assert time.monotonic() - started < 3.0  # two attempts of ~0.5 s, not two of 8 s
    assert site.hits("/trickle") == 2


def test_slow_but_timely_response_is_read_whole(corpus, site):
    site.add("/trickle", b"<p>ok</p>", trickle=0.02)
    assert make_fetcher(corpus, timeout_seconds=2).fetch(site.url("/trickle")).body == b"<p>ok</p>"
