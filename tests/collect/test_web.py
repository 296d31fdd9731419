"""Pages, feeds and sitemaps against a real HTTP server on 127.0.0.1; duplicates; reextract; CLI."""
from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import tracemalloc
import zlib
from pathlib import Path

import pandas as pd
import pytest

from helpers import shared_data
from policytext.cli import main
from policytext.collect.dedupe import NEAR_DUPLICATE_THRESHOLD, list_duplicates
from policytext.collect.feeds import collect_feeds, parse_feed
from policytext.collect.govuk import collect_govuk
from policytext.collect.sitemap import collect_sitemaps, parse_sitemap
from policytext.collect.reextract import reextract_documents
from policytext.collect.web import collect_pages
from policytext.errors import BadInput

FIXTURES = Path(__file__).parent / "fixtures"

# Three short posts written for these tests.
POSTS = {
    "skills": ("Apprenticeships need employers, not targets",
               ["The apprenticeship levy was meant to double training in small firms, yet starts fell "
                "in the years after it began, most sharply among young people without degrees.",
                "Employers say the rules are too rigid and the funding bands too low for the trades "
                "where shortages are worst, from electricians to care workers.",
                "A simpler levy that small firms can actually spend would do more than another headline "
                "target for three million starts."]),
    "housing": ("Planning reform without the slogans",
                ["Every government since 2010 has promised to build three hundred thousand homes a year "
                 "and none has managed it for long.",
                 "The bottleneck is rarely the planning committee alone; it is the lack of builders, "
                 "land and infrastructure agreed before anyone applies.",
                 "Councils that plan their own sites and share the uplift in land values with "
                 "residents build more, and face fewer objections."]),
    "energy": ("Why community energy stalled",
               ["Community energy schemes grew quickly while feed-in tariffs lasted, then stopped almost "
                "overnight when the tariffs closed to new projects.",
                "Local groups now struggle to sell power to neighbours, because supply licences were "
                "written for national companies with large balance sheets.",
                "A right to local supply would let a village turbine or a school roof sell directly to "
                "the streets around it."]),
}


def post_html(title, paragraphs, *, author="Sam Rivera", published="2016-03-10"):
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta property='article:published_time' content='{published}T08:00:00Z'>"
            f"<meta name='author' content='{author}'></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>Example Policy Unit</footer></body></html>")


def serve_posts(site, **pages):
    for slug, (title, paragraphs) in pages.items():
        site.add(f"/posts/{slug}", post_html(title, paragraphs), headers={"ETag": f'"{slug}-1"'})


# ------------------------------------------------------------------------------ pages


def test_collect_web_page_fields(corpus, site):
    site.add("/post/letting", (FIXTURES / "blog-furniture.html").read_bytes())
    site.add("/b/commission", (FIXTURES / "blog-dated.html").read_bytes())
    report = collect_pages(corpus, [site.url("/post/letting"), site.url("/b/commission")],
                           publisher="Civic Futures Lab", country="uk")
    assert (report.collected, report.failed) == (2, 0)
    docs = {d.title: d for d in corpus.documents().itertuples()}
    letting = docs["Letting councils experiment: why small pilots beat grand plans"]
    assert (letting.kind, letting.speaker, letting.publisher, letting.country) == (
        "blog", "Priya Calder", "Civic Futures Lab", "GB")
    assert letting.url == site.url("/post/letting-councils-experiment")  # the canonical URL
    assert pd.isna(letting.date) and pd.isna(letting.government)
    commission = docs["The case for a permanent productivity commission"]
    assert commission.date == "2015-06-03"
    assert commission.government == "Cameron government (2015–2016)"
    meta = corpus.store.conn.execute("SELECT meta FROM documents WHERE title LIKE 'The case%'").fetchone()[0]
    assert json.loads(meta)["updated"] == "2021-04-06"


def test_collect_web_kind_option(corpus, site):
    serve_posts(site, skills=POSTS["skills"])
    collect_pages(corpus, [site.url("/posts/skills")], kind="article")
    assert list(corpus.documents()["kind"]) == ["article"]


BAD_PAGES = [
    ("/gone", {"body": "gone", "status": 410}, "HTTP 410 Gone"),
    ("/missing", None, "HTTP 404 Not Found"),
    ("/report.pdf", {"body": b"%PDF-1.4 ...", "content_type": "application/pdf"}, "not an HTML page (content type application/pdf)"),
    ("/tags", {"body": (FIXTURES / "no-main-text.html").read_bytes()}, "no main text found on the page"),
    ("/slow", {"body": "late", "delay": 1.0}, "timed out"),
    ("/private/post", {"body": "secret"}, "robots.txt disallows it for policytext"),
    ("/moved", {"body": "", "status": 301, "headers": {"Location": "http://localhost:1/elsewhere"}},
     "redirected to http://localhost:1/elsewhere, which is not fetched"),
    ("/broken", {"body": "oops", "status": 500}, "HTTP 500 Internal Server Error (gave up after 3 attempts)"),
]


def test_collect_web_bad_pages_are_recorded_and_the_run_goes_on(tmp_path, site):
    from policytext.corpus import open_corpus

    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    serve_posts(site, skills=POSTS["skills"])
    for path, reply, _ in BAD_PAGES:
        if reply is not None:
            site.add_sequence(path, reply)
    urls = [site.url(path) for path, _, _ in BAD_PAGES] + [site.url("/posts/skills"), "ftp://example.org/x"]
    with open_corpus(tmp_path / "c", create=True, requests_per_second=1000, timeout_seconds=0.3,
                     retry_backoff_seconds=0.01, max_retries=2) as corpus:
        report = collect_pages(corpus, urls)
        assert (report.collected, report.failed) == (1, len(BAD_PAGES) + 1)
        failures = corpus.failures(stage="collect-web")
        reasons = dict(zip(failures["item"], failures["reason"]))
    for path, _, reason in BAD_PAGES:
        assert reason in reasons[site.url(path)], path
    assert "only http and https" in reasons["ftp://example.org/x"]
    assert site.hits("/private/post") == 0


def test_collect_web_rerun_asks_with_validators(corpus, site):
    def page(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return site.reply(status=304, headers={"ETag": '"v1"'})
        return site.reply(post_html(*POSTS["housing"]), headers={"ETag": '"v1"'})

    site.add("/posts/housing", page)
    assert collect_pages(corpus, [site.url("/posts/housing")]).collected == 1
    report = collect_pages(corpus, [site.url("/posts/housing")])
    assert (report.collected, report.unchanged) == (0, 1)
    assert site.requests[-1].headers["If-None-Match"] == '"v1"'


# ------------------------------------------------------------------------------ feeds


def rss(site, slugs, *, updated="Thu, 10 Mar 2016 08:00:00 GMT"):
    items = "".join(
        f"<item><title>{POSTS[s][0]}</title><link>{site.url('/posts/' + s)}</link>"
        f"<guid>post-{s}</guid><pubDate>{updated}</pubDate><author>unit@example.org (Sam Rivera)</author></item>"
        for s in slugs)
    return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Example Policy Unit</title>"
            f"<link>{site.url('/')}</link><description>Posts</description>{items}</channel></rss>")


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Unit</title><id>urn:unit</id><updated>2016-03-11T00:00:00Z</updated>
<entry><title>Planning reform without the slogans</title><id>urn:unit:housing</id>
<link href="/posts/housing"/><updated>2016-03-11T00:00:00Z</updated><published>2016-03-09T00:00:00Z</published></entry>
<entry><title>No link here</title><id>urn:unit:nolink</id><updated>2016-03-11T00:00:00Z</updated></entry>
</feed>"""


def test_collect_rss_feed_then_only_changes(corpus, site):
    serve_posts(site, **POSTS)
    site.add("/feed.xml", rss(site, ["skills", "housing", "energy"]), content_type="application/rss+xml")
    report = collect_feeds(corpus, [site.url("/feed.xml")], publisher="Example Policy Unit", country="GB")
    assert (report.collected, report.failed) == (3, 0)
    frame = corpus.documents()
    assert set(frame["title"]) == {title for title, _ in POSTS.values()}
    assert set(frame["publisher"]) == {"Example Policy Unit"} and set(frame["kind"]) == {"blog"}
    assert set(frame["date"]) == {"2016-03-10"}
    page_hits = sum(site.hits(f"/posts/{s}") for s in POSTS)

    report = collect_feeds(corpus, [site.url("/feed.xml")], publisher="Example Policy Unit", country="GB")
    assert (report.collected, report.unchanged) == (0, 3)
    assert sum(site.hits(f"/posts/{s}") for s in POSTS) == page_hits  # no page fetched again

    # One entry changes: only its page is fetched again.
    site.add("/feed.xml", rss(site, ["skills"], updated="Fri, 11 Mar 2016 08:00:00 GMT")
             .replace("</channel>", rss(site, ["housing", "energy"]).split("</description>", 1)[1]),
             content_type="application/rss+xml")
    title, paragraphs = POSTS["skills"]
    site.add("/posts/skills", post_html(title, paragraphs + ["A postscript on the spending review."]))
    report = collect_feeds(corpus, [site.url("/feed.xml")], publisher="Example Policy Unit", country="GB")
    assert (report.updated, report.unchanged) == (1, 2)
    assert site.hits("/posts/housing") == site.hits("/posts/energy") == 1


def test_collect_atom_feed_with_a_bad_entry(corpus, site):
    serve_posts(site, housing=POSTS["housing"])
    site.add("/atom.xml", ATOM, content_type="application/atom+xml")
    report = collect_feeds(corpus, [site.url("/atom.xml")])
    assert (report.collected, report.failed) == (1, 1)
    assert "entry 2 ('No link here') has no http(s) link" in report.failures[0]["reason"]
    assert corpus.documents()["url"].iloc[0] == site.url("/posts/housing")


@pytest.mark.parametrize(("body", "reason"), [
    (b"<html><body><p>Not a feed</p></body></html>", "not an RSS or Atom feed"),
    (b"<?xml version='1.0'?><rss><channel><title>x</title", "not a readable RSS or Atom feed"),
])
def test_parse_feed_refuses_non_feeds(body, reason):
    with pytest.raises(BadInput, match=reason):
        parse_feed(body, url="http://127.0.0.1/feed")


def test_malformed_feed_is_a_recorded_failure(corpus, site):
    site.add("/feed.xml", "<rss><channel><item><title>broken", content_type="application/rss+xml")
    site.add("/empty.xml", "", status=404)
    report = collect_feeds(corpus, [site.url("/feed.xml"), site.url("/empty.xml")])
    assert report.failed == 2 and report.collected == 0
    assert set(corpus.failures()["item"]) == {site.url("/feed.xml"), site.url("/empty.xml")}


# ------------------------------------------------------------------------------ sitemaps


def urlset(site, paths, lastmod="2016-03-10"):
    urls = "".join(f"<url><loc>{site.url(p)}</loc><lastmod>{lastmod}</lastmod></url>" for p in paths)
    return f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"


def test_collect_sitemap_index_with_patterns_and_limit(corpus, site):
    serve_posts(site, **POSTS)
    site.add("/about", post_html("About us", POSTS["energy"][1]))
    site.add("/sitemap.xml", "<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
             f"<sitemap><loc>{site.url('/sitemap-posts.xml.gz')}</loc></sitemap>"
             f"<sitemap><loc>{site.url('/sitemap-pages.xml')}</loc></sitemap></sitemapindex>",
             content_type="application/xml")
    site.add("/sitemap-posts.xml.gz", gzip.compress(urlset(site, ["/posts/skills", "/posts/housing", "/posts/energy",
                                                                   "/posts/tag/skills"]).encode()),
             content_type="application/gzip")
    site.add("/sitemap-pages.xml", urlset(site, ["/about"]), content_type="application/xml")
    report = collect_sitemaps(corpus, [site.url("/sitemap.xml")], include=["*/posts/*"], exclude=["/tag/"],
                              limit=2)
    assert (report.collected, report.failed) == (2, 0)
    assert site.hits("/about") == 0 and site.hits("/posts/tag/skills") == 0
    report = collect_sitemaps(corpus, [site.url("/sitemap.xml")], include=["*/posts/*"], exclude=["/tag/"])
    assert (report.collected, report.unchanged) == (1, 2)
    assert site.hits("/posts/skills") == 1  # unchanged lastmod: not fetched again


@pytest.mark.parametrize(("body", "reason"), [
    (b"<urlset><url><loc>http://e.org/a</loc></url>", "malformed XML"),
    (b"<html><body>hi</body></html>", "the root element is <html>"),
    (b"\x1f\x8bnot really gzip", "damaged gzip"),
])
def test_parse_sitemap_refuses_bad_sitemaps(body, reason):
    with pytest.raises(BadInput, match=reason):
        parse_sitemap(body, url="http://e.org/sitemap.xml")


def test_sitemap_entities_are_not_expanded():
    body = (b"<?xml version='1.0'?><!DOCTYPE u [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
            b"<urlset><url><loc>http://e.org/&x;</loc></url></urlset>")
    kind, entries = parse_sitemap(body, url="http://e.org/s.xml")
    assert all("root:" not in entry.url for entry in entries)


def test_malformed_sitemap_is_a_recorded_failure(corpus, site):
    site.add("/sitemap.xml", "<urlset><url><loc>", content_type="application/xml")
    report = collect_sitemaps(corpus, [site.url("/sitemap.xml")])
    assert (report.failed, report.collected) == (1, 0)
    assert "malformed XML" in corpus.failures()["reason"].iloc[0]


# ------------------------------------------------------------------------------ duplicates


def test_exact_duplicate_kept_once_with_its_other_location(corpus, site):
    site.add("/posts/skills", post_html(*POSTS["skills"]))
    site.add("/mirror/skills", post_html(*POSTS["skills"]))
    report = collect_pages(corpus, [site.url("/posts/skills"), site.url("/mirror/skills")])
    assert (report.collected, report.duplicate) == (1, 1)
    assert "1 duplicate" in report.summary()
    [location] = list_duplicates(corpus.store)
    assert location["url"] == site.url("/mirror/skills") and location["method"] == "exact"
    assert corpus.count_documents() == 1


def test_near_duplicate_and_distinct_texts(corpus, site):
    # One long essay (all three posts), republished elsewhere with a new title and one word changed.
    paragraphs = [p for _, post in POSTS.values() for p in post]
    edited = [p.replace("neighbours", "the neighbours") for p in paragraphs]
    site.add("/posts/essay", post_html("Three reforms", paragraphs))
    site.add("/party/essay", post_html("Three reforms (party edition)", edited, author="A. Member"))
    serve_posts(site, skills=POSTS["skills"])  # a part of the essay only: not a duplicate
    report = collect_pages(corpus, [site.url("/posts/essay"), site.url("/party/essay"),
                                    site.url("/posts/skills")])
    assert (report.collected, report.duplicate) == (2, 1)
    [location] = list_duplicates(corpus.store)
    assert location["method"] == "near" and location["url"] == site.url("/party/essay")
    assert NEAR_DUPLICATE_THRESHOLD <= location["similarity"] < 1.0


def test_govuk_speech_republished_on_a_party_site(corpus, govuk_site):
    site = govuk_site.local
    collect_govuk(corpus, base_url=govuk_site.base_url, types=["speech"])
    item = json.loads((shared_data("govuk", "speech") / "speech.json").read_text(encoding="utf-8"))
    site.add("/news/leadsom-women-in-nuclear",
             f"<html><head><title>{item['title']}</title></head><body><nav>Party home</nav><article>"
             f"<h1>{item['title']}</h1>{item['details']['body']}</article><footer>Promoted by the party"
             "</footer></body></html>")
    report = collect_pages(corpus, [site.url("/news/leadsom-women-in-nuclear")], kind="speech")
    assert (report.collected, report.duplicate) == (0, 1)
    [location] = list_duplicates(corpus.store)
    kept = corpus.documents(source="govuk", speaker="Leadsom")
    assert location["doc_id"] == kept["id"].iloc[0]


# ------------------------------------------------------------------------------ reextract


def test_reextract_rebuilds_from_the_cache_without_the_network(corpus, govuk_site):
    site = govuk_site.local
    serve_posts(site, **POSTS)
    collect_govuk(corpus, base_url=govuk_site.base_url)
    collect_pages(corpus, [site.url(f"/posts/{s}") for s in POSTS])
    site.routes.clear()  # the network is gone: everything answers 404 now
    asked = len(site.requests)
    report = reextract_documents(corpus)
    assert (report.unchanged, report.updated, report.failed) == (14, 0, 0)
    # A document damaged in the store is rebuilt from its raw response.
    corpus.store.conn.execute("UPDATE documents SET text = 'damaged' WHERE source = 'web' AND title LIKE 'Planning%'")
    report = reextract_documents(corpus, source="web")
    assert (report.updated, report.unchanged) == (1, 2)
    assert corpus.documents(source="web")["text"].str.contains("damaged").sum() == 0
    assert len(site.requests) == asked


def test_reextract_reports_missing_cache(corpus, site):
    serve_posts(site, skills=POSTS["skills"])
    collect_pages(corpus, [site.url("/posts/skills")])
    for blob in (corpus.path / "cache").glob("*/*.gz"):
        blob.unlink()
    report = reextract_documents(corpus)
    assert report.failed == 1
    assert "no cached response" in report.failures[0]["reason"]


# ------------------------------------------------------------------------------ CLI


def test_cli_collect_web_feed_sitemap_and_failures(tmp_path, site, monkeypatch, capsys):
    monkeypatch.setenv("POLICYTEXT_REQUESTS_PER_SECOND", "1000")
    monkeypatch.setenv("POLICYTEXT_RETRY_BACKOFF_SECONDS", "0.01")
    serve_posts(site, **POSTS)
    site.add("/feed.xml", rss(site, ["skills", "housing"]), content_type="application/rss+xml")
    site.add("/sitemap.xml", urlset(site, ["/posts/energy", "/posts/skills"]), content_type="application/xml")
    corpus_dir = str(tmp_path / "c")
    assert main(["-c", corpus_dir, "-q", "collect", "feed", site.url("/feed.xml"), "--publisher", "Unit"]) == 0
    assert main(["-c", corpus_dir, "-q", "collect", "sitemap", site.url("/sitemap.xml"), "--limit", "5"]) == 0
    capsys.readouterr()
    code = main(["-c", corpus_dir, "collect", "web", site.url("/posts/energy"), site.url("/nothing")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"failed {site.url('/nothing')}: HTTP 404 Not Found" in err
    # The page was found through the sitemap before; collected directly, its metadata changes.
    assert "0 collected, 1 updated, 0 unchanged, 0 skipped, 0 duplicate, 1 failed" in err
    assert main(["-c", corpus_dir, "failures", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["stage"] == "collect-web" and listed[0]["item"] == site.url("/nothing")
    assert main(["-c", corpus_dir, "reextract"]) == 0
    assert "0 collected, 0 updated, 3 unchanged" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["govuk", "feed", "web", "sitemap"])
def test_cli_help_has_an_example(command, capsys):
    assert main(["collect", command, "--help"]) == 0
    assert f"Example: policytext collect {command}" in capsys.readouterr().out
    assert main(["collect", "--help"]) == 0
    listing = " ".join(capsys.readouterr().out.replace("│", " ").split())
    assert f"Example: policytext collect {command}" in listing


def test_wrong_charset_header_over_http(corpus, site):
    title, paragraphs = POSTS["housing"]
    html = post_html(title, [paragraphs[0] + " It cost £3 billion — a “modest” sum.", *paragraphs[1:]])
    site.add("/posts/cp1252", html.replace("charset='utf-8'", "charset='windows-1252'").encode("cp1252"),
             content_type="text/html; charset=utf-8")
    site.add("/posts/nocharset", html.replace("<meta charset='utf-8'>", "").encode("utf-8"),
             content_type="text/html")
    report = collect_pages(corpus, [site.url("/posts/cp1252"), site.url("/posts/nocharset")])
    assert (report.collected, report.duplicate) == (1, 1)  # the same text, once decoded right
    assert "£3 billion — a “modest” sum." in corpus.documents()["text"].iloc[0]


def test_interrupted_feed_run_keeps_every_page_it_fetched(tmp_path, site):
    from policytext.corpus import open_corpus

    serve_posts(site, **POSTS)
    site.add("/feed.xml", rss(site, ["skills", "housing", "energy"]), content_type="application/rss+xml")
    settings = {"requests_per_second": 1000}  # the default write_batch_size (200): pages commit anyway
    seen = []

    def stop_at_the_second(outcome):
        seen.append(outcome)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with open_corpus(tmp_path / "c", create=True, **settings) as corpus:
        with pytest.raises(KeyboardInterrupt):
            collect_feeds(corpus, [site.url("/feed.xml")], progress=stop_at_the_second)
        assert corpus.count_documents() == 2  # both pages fetched before the interruption
    with open_corpus(tmp_path / "c", **settings) as corpus:
        report = collect_feeds(corpus, [site.url("/feed.xml")])
        assert (report.collected, report.unchanged, report.failed) == (1, 2, 0)
        assert corpus.count_documents() == 3
    assert site.hits("/posts/skills") == site.hits("/posts/housing") == 1  # not fetched again


def _count_documents(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_killed_feed_run_keeps_every_page_it_fetched(tmp_path, site):
    """kill -9 a real run while it waits for the third page: the first two are in the store."""
    release = threading.Event()
    serve_posts(site, skills=POSTS["skills"], housing=POSTS["housing"])

    def energy_when_released(request):
        release.wait(300)
        return site.reply(post_html(*POSTS["energy"]))

    site.add("/posts/energy", energy_when_released)
    site.add("/feed.xml", rss(site, ["skills", "housing", "energy"]), content_type="application/rss+xml")
    corpus_dir = tmp_path / "c"
    env = {**os.environ, "POLICYTEXT_REQUESTS_PER_SECOND": "1000", "POLICYTEXT_TIMEOUT_SECONDS": "300"}
    command = [sys.executable, "-m", "policytext", "--quiet", "--corpus", str(corpus_dir),
               "collect", "feed", site.url("/feed.xml")]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300  # generous: the start-up alone is slow on a busy machine
        while site.hits("/posts/energy") == 0 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        waiting = process.poll() is None and site.hits("/posts/energy") == 1
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        process.kill()
        process.wait()
        release.set()
    assert waiting, process.stderr.read().decode()[-2000:]
    assert _count_documents(corpus_dir / "policytext.db") == 2

    from policytext.corpus import open_corpus

    with open_corpus(corpus_dir, requests_per_second=1000) as corpus:
        report = collect_feeds(corpus, [site.url("/feed.xml")])
        assert (report.collected, report.unchanged, report.failed) == (1, 2, 0)
        assert corpus.count_documents() == 3
        assert sorted(corpus.documents()["title"]) == sorted(title for title, _ in POSTS.values())


def test_gzip_sitemap_bomb_is_a_failure_naming_the_cap(tmp_path, site):
    from policytext.corpus import open_corpus

    head = f"<?xml version='1.0'?><urlset><url><loc>{site.url('/posts/skills')}</loc></url>".encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = packer.compress(head) + b"".join(packer.compress(b" " * (1 << 20)) for _ in range(64)) + packer.flush()
    assert len(bomb) < 100_000  # 64 MB once expanded
    site.add("/sitemap.xml.gz", bomb, content_type="application/gzip")
    serve_posts(site, skills=POSTS["skills"])
    with open_corpus(tmp_path / "c", create=True, requests_per_second=1000,
                     max_response_bytes=1_000_000) as corpus:
        tracemalloc.start()
        try:
            report = collect_sitemaps(corpus, [site.url("/sitemap.xml.gz")])
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert (report.collected, report.failed) == (0, 1)
        assert report.failures[0]["reason"] == ("the gzip file expands to more than the limit of "
                                                "1,000,000 bytes (setting max_response_bytes)")
    assert peak < 16_000_000  # never the 64 MB the sitemap expands to
    assert site.hits("/posts/skills") == 0


def test_cli_duplicates(tmp_path, site, monkeypatch, capsys):
    monkeypatch.setenv("POLICYTEXT_REQUESTS_PER_SECOND", "1000")
    site.add("/posts/skills", post_html(*POSTS["skills"]))
    site.add("/mirror/skills", post_html(*POSTS["skills"]))
    corpus_dir = str(tmp_path / "c")
    assert main(["-c", corpus_dir, "-q", "collect", "web", site.url("/posts/skills"), site.url("/mirror/skills")]) == 0
    capsys.readouterr()
    assert main(["-c", corpus_dir, "duplicates", "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["method"], row["similarity"], row["url"]) == ("exact", 1.0, site.url("/mirror/skills"))
    assert row["doc_id"].startswith("web-")


def test_feed_metadata_fills_gaps_and_survives_reextract(corpus, site):
    title, paragraphs = POSTS["energy"]
    bare = "".join(f"<p>{p}</p>" for p in paragraphs)  # no title, author or date on the page
    site.add("/posts/energy", f"<html><body><article>{bare}</article></body></html>")
    site.add("/feed.xml", rss(site, ["energy"]), content_type="application/rss+xml")
    collect_feeds(corpus, [site.url("/feed.xml")])
    before = corpus.documents().iloc[0]
    assert (before["title"], before["date"]) == (title, "2016-03-10")
    assert before["speaker"] == "Sam Rivera"  # from "unit@example.org (Sam Rivera)"
    report = reextract_documents(corpus)
    assert (report.unchanged, report.updated) == (1, 0)


@pytest.mark.parametrize(("first", "second", "near"), [
    ("word " * 60, "word " * 60, True),
    (" ".join(f"w{i}" for i in range(200)), " ".join(f"w{i}" for i in range(200)) + " extra", True),
    (" ".join(f"w{i}" for i in range(200)), " ".join(f"w{i}" for i in range(100, 300)), False),
])
def test_minhash_estimates_shingle_overlap(first, second, near):
    from policytext.collect.dedupe import minhash_text

    assert (minhash_text(first).jaccard(minhash_text(second)) >= NEAR_DUPLICATE_THRESHOLD) is near


def test_an_address_whose_text_becomes_a_copy(corpus, site):
    serve_posts(site, skills=POSTS["skills"], housing=POSTS["housing"])
    collect_pages(corpus, [site.url("/posts/skills"), site.url("/posts/housing")])
    assert corpus.count_documents() == 2
    site.add("/posts/housing", post_html(*POSTS["skills"]))  # now republishes the skills post
    report = collect_pages(corpus, [site.url("/posts/housing")])
    assert (report.duplicate, report.collected, report.updated) == (1, 0, 0)
    assert list(corpus.documents()["title"]) == [POSTS["skills"][0]]
    [location] = list_duplicates(corpus.store)
    assert location["url"] == site.url("/posts/housing")


def test_sitemap_rerun_with_a_country_finds_pages_unchanged(corpus, site):
    serve_posts(site, skills=POSTS["skills"])
    site.add("/sitemap.xml", urlset(site, ["/posts/skills"]), content_type="application/xml")
    labels = "SELECT government, source_government FROM documents"
    assert collect_sitemaps(corpus, [site.url("/sitemap.xml")], country="GB").collected == 1
    [(government, source_government)] = corpus.store.conn.execute(labels).fetchall()
    assert government is not None and source_government is None  # from the timeline, not the page
    report = collect_sitemaps(corpus, [site.url("/sitemap.xml")], country="GB")
    assert (report.collected, report.updated, report.unchanged) == (0, 0, 1)
    assert [tuple(row) for row in corpus.store.conn.execute(labels)] == [(government, None)]


@pytest.mark.parametrize("command,path", [("web", "/posts/skills"), ("feed", "/feed.xml"), ("sitemap", "/sitemap.xml")])
def test_an_unknown_country_is_refused_by_every_web_collector(tmp_path, site, monkeypatch, capsys, command, path):
    # --country XX was taken as typed: every page got country 'XX' and no government, silently
    monkeypatch.setenv("POLICYTEXT_REQUESTS_PER_SECOND", "1000")
    serve_posts(site, **POSTS)
    site.add("/feed.xml", rss(site, ["skills"]), content_type="application/rss+xml")
    site.add("/sitemap.xml", urlset(site, ["/posts/skills"]), content_type="application/xml")
    folder = str(tmp_path / "c")
    assert main(["-c", folder, "collect", command, site.url(path), "--country", "XX"]) == 1
    err = capsys.readouterr().err
    assert "Error: unknown country 'XX': known codes are GB, US" in err and "--country" in err
    assert main(["-c", folder, "collect", command, site.url(path), "--country", "GR"]) == 1
    assert "did you mean GB?" in capsys.readouterr().err
    assert main(["-c", folder, "-q", "collect", command, site.url(path), "--country", "uk"]) == 0
    from policytext.corpus import open_corpus

    with open_corpus(folder) as corpus:
        assert set(corpus.documents()["country"]) == {"GB"}


def _cached_texts(corpus) -> bytes:
    return b"".join(gzip.decompress(path.read_bytes()) for path in (corpus.path / "cache").rglob("*.gz"))


def test_delete_forget_drops_the_cached_pages_that_hold_the_documents_text(corpus, site):
    """Deleting for privacy kept every fetched page in the corpus's cache, and reextract could bring
    the text back: the page, a mirror where the same text was found and the feed that listed it."""
    serve_posts(site, **POSTS)
    site.add("/mirror/skills", post_html(*POSTS["skills"]))
    site.add("/feed.xml", rss(site, ["skills", "housing", "energy"]), content_type="application/rss+xml")
    assert collect_feeds(corpus, [site.url("/feed.xml")]).collected == 3
    assert collect_pages(corpus, [site.url("/mirror/skills")]).duplicate == 1
    ids = dict(corpus.documents()[["title", "id"]].itertuples(index=False))
    skills, housing, energy = (ids[POSTS[slug][0]] for slug in ("skills", "housing", "energy"))
    secret, kept = b"electricians to care workers", b"share the uplift in land values"

    corpus.delete(ids=[energy])  # a plain delete keeps the cache, as documented
    assert b"village turbine" in _cached_texts(corpus)
    plan = corpus.delete(ids=[skills], forget=True, dry_run=True)
    assert plan.cached_pages == 3 and secret in _cached_texts(corpus)
    report = corpus.delete(ids=[skills], forget=True)
    assert (report.documents, report.cached_pages) == (1, 3)
    assert secret not in _cached_texts(corpus) and kept in _cached_texts(corpus)
    cached = {url for (url,) in corpus.store.conn.execute("SELECT url FROM http_cache")}
    assert site.url("/posts/housing") in cached
    assert not cached & {site.url("/posts/skills"), site.url("/mirror/skills"), site.url("/feed.xml")}
    rebuilt = reextract_documents(corpus)  # the rest of the cache still serves
    assert (rebuilt.unchanged, rebuilt.failed) == (1, 0) and corpus.documents()["id"].tolist() == [housing]
