"""Search latency: policytext.search beside the same FTS5 queries run directly, on real text.

Two corpora: the post-1945 State of the Union addresses (split into sentences by spaCy's
sentence recogniser), and the same rows replicated in SQLite to at least one million sentences.
For phrase, word and filtered queries it prints the median and 95th-percentile latency of
``policytext.search.search_corpus`` (a page of 20 hits with the total, marked words, the sentences
either side and citations) beside two direct FTS5 baselines measured in the same run, on the same
connection (so the same SQLite settings): ``ids``, the bare statement that ranks the same 20 ids
(same MATCH, filters and BM25 order), and ``page``, the direct statements that return what a page
of results holds: each hit's text, highlight() and document columns, and the total (a second
``count(*)`` statement, run only when the page is full, as a user of FTS5 would). Both order
by the library's relevance (BM25 times its length prior and heading weight); a third baseline,
``bm25 page``, is the same direct page ordered by plain BM25, as search ranked before the priors,
so that the cost of the priors is read in the same run. Ratios are of medians. Targets: median under 20 ms on the real corpus, and within 1.5x of the direct query.

    .venv/bin/python benchmarks/bench_search.py [--sentences 1000000] [--repeat 15] [--work DIR]

``--sentences 0`` measures the real corpus only.

Over HTTP (``--http``, on by default): the real ``policytext serve --no-cache`` (one process, so
every answer is a search) in a subprocess on 127.0.0.1 serving the real corpus; one client with a
kept-alive connection asks for the phrase queries' page (``/``, with its counts by speaker,
government and year) and their JSON (``/api/search``), interleaved with the direct FTS5 page of
the same query on this process's own connection. Target: page and API medians under 10 ms.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from policytext import open_corpus
from policytext.evaluation.sentences import split_sentences
from policytext.search import search_corpus
from policytext.search.matching import match_query
from policytext.search.hits import STORED_HEADING, page_columns, record_filter, relevance_sql
from policytext.store import DocumentFilter

QUERIES = {
    "phrase": [('"health care"', {}), ('"middle class"', {}), ('"state of the union"', {}),
               ('"balanced budget"', {}), ('"nuclear weapons"', {})],
    "word": [("inflation", {}), ("terrorism", {}), ("education", {}), ("freedom", {}), ("jobs", {})],
    "filtered": [("inflation", {"speaker": "Reagan"}), ("jobs", {"since": "2000", "until": "2008"}),
                 ("war", {"government": "Johnson"}), ('"health care"', {"party": "Democratic"}),
                 ("energy", {"kind": "speech", "since": "1974", "until": "1981"})],
}
PAGE = 20


def build_corpus(folder: Path) -> Path:
    """Collect the post-1945 addresses and store their spaCy sentences (kept between runs)."""
    store_file = folder / "policytext.db"
    with open_corpus(folder, create=True) as corpus:
        corpus.collect_sotu(since=1946)
        split_sentences(corpus)  # the documents that have none yet
    return store_file


def replicate(source: Path, target: Path, sentences: int) -> int:
    """Copy the store and add copies of every document and its sentences until ``sentences``."""
    shutil.copy(source, target)
    conn = sqlite3.connect(target, isolation_level=None)
    base = conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
    copies = -(-sentences // base) - 1
    conn.execute("BEGIN")
    for copy in range(1, copies + 1):
        conn.execute(
            "INSERT INTO documents (id, source, source_id, url, title, text, date, speaker, party, kind, "
            "country, government, publisher, content_sha256, words, collected_at, updated_at) "
            "SELECT id || ':' || ?1, source, source_id || ':' || ?1, url, title, text, date, speaker, party, "
            "kind, country, government, publisher, content_sha256, words, collected_at, updated_at "
            "FROM documents WHERE id NOT LIKE '%:%'", (copy,))
        conn.execute(
            "INSERT INTO sentences (doc_id, idx, start_char, end_char, text) "
            "SELECT doc_id || ':' || ?1, idx, start_char, end_char, text FROM sentences "
            "WHERE doc_id NOT LIKE '%:%'", (copy,))
    conn.execute("COMMIT")
    conn.execute("INSERT INTO sentences_fts (sentences_fts) VALUES ('optimize')")
    total = conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
    conn.close()
    return total


RELEVANCE = f"{relevance_sql('t', 'sentences_fts.rank', heading_column=STORED_HEADING)}, t.doc_id, t.start_char, t.id"
"""The library's order: BM25 times the priors (headings as annotate marked them), ties in document order."""


def direct_ids(conn: sqlite3.Connection, query: str, filters: dict) -> list:
    """The bare FTS5 query: the same MATCH, filters and ranking, returning the page's ids.

    A quoted phrase is matched as written: the statement also looks it up in ``sentences_exact``,
    as anyone using the two indexes directly would.
    """
    found = match_query(query, "sentences")
    where, params = found.restrict(conn, *record_filter("sentences", DocumentFilter.from_options(**filters)))
    return conn.execute(
        "SELECT t.id FROM sentences_fts JOIN sentences AS t ON t.id = sentences_fts.rowid "
        f"JOIN documents AS d ON d.id = t.doc_id WHERE sentences_fts MATCH ? AND {where} "
        f"ORDER BY {RELEVANCE} LIMIT ?", [found.fts_query, *params, PAGE]).fetchall()


def direct_page(conn: sqlite3.Connection, query: str, filters: dict, *, bm25: bool = False) -> tuple[list, int]:
    """The direct statements for what a page shows: text, highlight(), document columns, total.

    ``bm25`` orders by plain BM25 (FTS5's ``rank``) instead of the library's relevance.
    """
    fts = "sentences_fts"
    order = f"{fts}.rank" if bm25 else RELEVANCE
    found = match_query(query, "sentences")
    where, params = found.restrict(conn, *record_filter("sentences", DocumentFilter.from_options(**filters)))
    joins = f"JOIN sentences AS t ON t.id = {fts}.rowid JOIN documents AS d ON d.id = t.doc_id"
    match = found.fts_query
    rows = conn.execute(
        f"SELECT {page_columns('sentences')}, highlight({fts}, 0, '[', ']') FROM {fts} {joins} "
        f"WHERE {fts} MATCH ? AND {where} ORDER BY {order} LIMIT ?", [match, *params, PAGE]).fetchall()
    if len(rows) < PAGE:
        return rows, len(rows)
    total = conn.execute(f"SELECT count(*) FROM {fts} {joins} WHERE {fts} MATCH ? AND {where}",
                         [match, *params]).fetchone()[0]
    return rows, total


def _timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(store_file: Path, repeat: int) -> list[tuple]:
    rows = []
    with open_corpus(store_file.parent) as corpus:
        conn = corpus.store.conn.cursor()  # the store's own connection and settings, plain tuples
        conn.row_factory = None
        for kind, queries in QUERIES.items():
            ours, ids, page, bm25, totals = [], [], [], [], []
            for query, filters in queries:
                direct_page(conn, query, filters)  # warm the page cache
                result = search_corpus(corpus, query, limit=PAGE, **filters)
                assert [(h.id,) for h in result.hits] == direct_ids(conn, query, filters), query
                assert result.total == direct_page(conn, query, filters)[1], query
                totals.append(result.total)
                # interleave the four so that load from elsewhere falls on all of them alike
                for _ in range(repeat):
                    ours += _timed(lambda: search_corpus(corpus, query, limit=PAGE, **filters), 1)
                    ids += _timed(lambda: direct_ids(conn, query, filters), 1)
                    page += _timed(lambda: direct_page(conn, query, filters), 1)
                    bm25 += _timed(lambda: direct_page(conn, query, filters, bm25=True), 1)
            med = statistics.median(ours)
            rows.append((kind, med, _p95(ours), statistics.median(ids), statistics.median(page),
                         statistics.median(bm25), med / statistics.median(ids), med / statistics.median(page),
                         statistics.median(page) / statistics.median(bm25), statistics.median(totals)))
    return rows


def start_server(folder: Path) -> tuple[subprocess.Popen, int]:
    """Start ``policytext serve --no-cache`` (one process, 4 threads) on a free port; return it and the port."""
    command = [sys.executable, "-m", "policytext", "--corpus", str(folder), "serve", "--port", "0",
               "--processes", "1", "--no-cache"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in server.stdout:
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if found:
            return server, int(found.group(1))
    raise RuntimeError("the server did not start: " + " ".join(command))


def measure_http(folder: Path, repeat: int) -> list[tuple]:
    """Median latency of the page and the API over HTTP beside the direct FTS5 page, phrase queries."""
    server, port = start_server(folder)
    rows = []
    try:
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def get(target: str) -> None:
            client.request("GET", target)
            response = client.getresponse()
            body = response.read()
            assert response.status == 200 and body, (target, response.status)

        with open_corpus(folder, readonly=True) as corpus:
            conn = corpus.store.conn.cursor()
            conn.row_factory = None
            page, api, direct = [], [], []
            for query, _ in QUERIES["phrase"]:
                target = f"q={quote(query)}"
                for _ in range(3):  # warm: the server's connection, caches of pages and statements
                    get(f"/?{target}")
                    get(f"/api/search?{target}")
                for _ in range(repeat):
                    page += _timed(lambda: get(f"/?{target}"), 1)
                    api += _timed(lambda: get(f"/api/search?{target}"), 1)
                    direct += _timed(lambda: direct_page(conn, query, {}), 1)
        client.close()
        base = statistics.median(direct)
        for label, times in (("page (/)", page), ("api", api), ("direct page", direct)):
            rows.append((label, statistics.median(times), _p95(times), statistics.median(times) / base))
    finally:
        server.terminate()
        server.wait(30)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1_000_000, help="size of the replicated corpus")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs of each query")
    parser.add_argument("--work", type=Path, default=None, help="folder kept between runs (default: a temp folder)")
    parser.add_argument("--http", action=argparse.BooleanOptionalAction, default=True,
                        help="also measure the page and the API over HTTP (phrase queries, real corpus)")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="a corpus folder of the post-1945 addresses to use as the real corpus (not modified)")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="policytext-bench-search-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if args.corpus is not None:  # a copy, so that the benchmark never writes to the corpus it was given
        (work / "sotu").mkdir(exist_ok=True)
        shutil.copy(args.corpus / "policytext.db", work / "sotu" / "policytext.db")
    real = build_corpus(work / "sotu")
    conn = sqlite3.connect(real)
    sizes = conn.execute("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM sentences), "
                         "(SELECT sum(words) FROM documents)").fetchone()
    conn.close()
    print(f"real corpus: {sizes[0]} post-1945 State of the Union addresses, {sizes[1]:,} sentences, "
          f"{sizes[2]:,} words (built in {time.perf_counter() - started:.0f} s)")
    corpora = [("real", real)]
    if args.sentences:
        big_folder = work / "replicated"
        big_folder.mkdir(exist_ok=True)
        started = time.perf_counter()
        big_sentences = replicate(real, big_folder / "policytext.db", args.sentences)
        print(f"replicated corpus: {big_sentences:,} sentences (built in {time.perf_counter() - started:.0f} s)")
        corpora.append(("replicated", big_folder / "policytext.db"))
    print(f"{args.repeat} timed runs of each of 5 queries per row; latency in milliseconds; "
          f"page of {PAGE} hits")
    print()
    header = (f"{'corpus':<11} {'queries':<9} {'search med':>10} {'search p95':>10} {'ids med':>8} "
              f"{'page med':>8} {'bm25 page':>9} {'vs ids':>7} {'vs page':>7} {'priors':>7} {'matches':>8}")
    print(header)
    print("-" * len(header))
    for label, store_file in corpora:
        for kind, med, p95, ids, page, bm25, vs_ids, vs_page, priors, matches in measure(store_file, args.repeat):
            print(f"{label:<11} {kind:<9} {med:>10.2f} {p95:>10.2f} {ids:>8.2f} {page:>8.2f} {bm25:>9.2f} "
                  f"{vs_ids:>6.2f}x {vs_page:>6.2f}x {priors:>6.2f}x {matches:>8,.0f}")
    print()
    print("matches: median over the row's queries of the total hits. Targets: search median < 20 ms on "
          "the real corpus; search within 1.5x of the direct query, read against 'page' (direct statements "
          "returning the same page and total); 'ids' (ranking only, no text, marks or total) is shown "
          "as the floor under any page; 'priors' is the direct page ordered by relevance over the same "
          "page ordered by plain BM25 (the cost of the length prior and heading weight).")
    if args.http:
        print()
        print(f"Over HTTP: policytext serve --no-cache (1 process, 4 threads), real corpus, {len(QUERIES['phrase'])} "
              f"phrase queries x {args.repeat} runs; the page includes its counts by speaker, government and year")
        header = f"{'request':<12} {'median':>8} {'p95':>8} {'vs direct page':>15}"
        print(header)
        print("-" * len(header))
        for label, med, p95, ratio in measure_http(real.parent, args.repeat):
            print(f"{label:<12} {med:>8.2f} {p95:>8.2f} {ratio:>14.2f}x")
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
